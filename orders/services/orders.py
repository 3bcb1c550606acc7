"""One service per step in an order's life. Each takes the order's row lock, re-reads it,
checks the transition table, writes, and records an event; Stripe calls follow the commit.
"""

from datetime import timedelta

from django.conf import settings
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from catalog.models import PassportEventKind
from catalog.passport import passport_append
from marketplace.errors import Conflict, DomainError, check_transition
from orders import channels
from orders.models import (
    COLLECTION_KINDS,
    ORDER_TRANSITIONS,
    STOCK_TAKEN_STATUSES,
    Channel,
    DeliveryKind,
    InvoiceTerms,
    Order,
    OrderLine,
    OrderStatus,
    Payment,
    PaymentMethod,
    PaymentStatus,
)
from orders.services import cores, credit, payments, stock
from orders.services.transitions import lock_order, move

S = OrderStatus


def _lines(order: Order) -> list[OrderLine]:
    return list(OrderLine.objects.filter(order=order).order_by("listing_id"))


def _passport_record_sale(order: Order, lines: list[OrderLine], listings: dict) -> None:
    """A `sold` event in each listing's passport: what was sold and how, never who bought."""
    for line in lines:
        listing = listings[line.listing_id]
        passport_append(
            listing=listing,
            kind=PassportEventKind.SOLD,
            details={
                "order": order.pk,
                "quantity": line.quantity,
                "unit_price": line.unit_price,
                "currency": order.currency,
                "channel": order.channel,
            },
            recorded_by=listing.seller_organisation,
        )


def _fulfilment_may_start(order: Order) -> None:
    """Card orders are fulfilled once paid (captured); invoice and at-pickup ones once accepted."""
    if order.payment_method == PaymentMethod.CARD and order.status != S.PAID:
        raise Conflict(_("This card order is not paid yet: its capture is pending."))


def _payment_secured(order: Order) -> None:
    """A card order can only be accepted once its authorisation holds the money (or credit
    covered all of it)."""
    if order.payment_method == PaymentMethod.CARD:
        status, amount = Payment.objects.values_list("status", "amount").get(order=order)
        if status != PaymentStatus.AUTHORISED and amount > 0:
            raise Conflict(
                _("The card payment of this order is not authorised; it cannot be accepted.")
            )


def order_accept(*, order: Order, actor) -> Order:
    """The seller confirms the parts are on the shelf: the held stock is taken for good, an
    invoice falls due, and a card authorisation is captured (after the commit).

    Raises TransitionNotAllowed unless placed, Conflict when the acceptance window has passed,
    InsufficientStock if the stock went (only possible when the hold lapsed).
    """
    with transaction.atomic():
        locked = lock_order(order.pk)
        if locked.status == S.PLACED and locked.accept_by <= timezone.now():
            raise Conflict(_("The time to accept this order has passed; it will expire."))
        check_transition(
            ORDER_TRANSITIONS, entity="order", from_status=locked.status, to_status=S.ACCEPTED
        )
        _payment_secured(locked)
        lines = _lines(locked)
        listings = stock.lock_listings(line.listing_id for line in lines)
        held_by_others = stock.held_quantities(listings, excluding_order_id=locked.pk)
        requested = {line.listing_id: line.quantity for line in lines}
        stock.check_available(requested, listings, held_by_others)
        stock.take_stock(lines)
        _passport_record_sale(locked, lines, listings)
        move(locked, S.ACCEPTED, actor=actor)
        if locked.payment.amount == 0:
            _paid_by_credit(locked)
        elif locked.payment_method == PaymentMethod.INVOICE:
            terms = InvoiceTerms.objects.get(organisation_id=locked.buyer_organisation_id)
            payments.invoice_issue(payment=locked.payment, net_days=terms.net_days)
    if locked.payment_method == PaymentMethod.CARD:
        payments.payment_capture(payment=locked.payment)
        locked.refresh_from_db()
    return locked


def _paid_by_credit(order: Order) -> None:
    """Credit covered the whole order: it is paid the moment the seller accepts it."""
    payments.advance(payments.lock_payment(order.payment.pk), PaymentStatus.PAID)
    if order.payment_method == PaymentMethod.CARD:
        move(order, S.PAID, reason="Paid with credit.")


def order_reject(*, order: Order, actor, reason: str) -> Order:
    """The seller cannot supply a placed order: the hold ends and the authorisation is
    released. An order already accepted is cancelled instead (`order_cancel`), which also puts
    its stock back on the shelf."""
    if not reason.strip():
        raise DomainError.for_field("reason", _("Say why the order is rejected."))
    if order.status != S.PLACED:
        raise Conflict(_("Only an order awaiting acceptance is rejected; cancel this one instead."))
    return order_cancel(order=order, actor=actor, reason=f"Rejected by the seller: {reason}")


def order_cancel(*, order: Order, actor, reason: str) -> Order:
    """Cancel an order that has not left the seller: held stock is released, taken stock comes
    back, and the payment is voided or refunded."""
    with transaction.atomic():
        locked = lock_order(order.pk)
        stock_taken = locked.status in STOCK_TAKEN_STATUSES
        move(locked, S.CANCELLED, actor=actor, reason=reason)
        credit.credit_reverse(locked)
        lines = _lines(locked)
        if stock_taken:
            stock.lock_listings(line.listing_id for line in lines)
            stock.return_stock(lines)
        else:
            stock.release_holds(lines)
    payments.payment_settle_after_cancel(payment_id=locked.payment.pk, reason=reason)
    return locked


def order_cancel_by_buyer(*, order: Order, actor, reason: str = "") -> Order:
    """A buyer may withdraw an order until the seller has accepted it."""
    if order.status != S.PLACED:
        raise Conflict(_("The seller has already accepted this order; ask them to cancel it."))
    return order_cancel(order=order, actor=actor, reason=reason or "Cancelled by the buyer.")


def order_ship(*, order: Order, actor, carrier: str, tracking_number: str) -> Order:
    """The seller hands a shipped order to the carrier."""
    with transaction.atomic():
        locked = lock_order(order.pk)
        if locked.delivery_kind in COLLECTION_KINDS:
            raise Conflict(_("This order is collected, not shipped."))
        _fulfilment_may_start(locked)
        locked.carrier, locked.tracking_number = carrier, tracking_number
        return move(locked, S.SHIPPED, actor=actor, fields=["carrier", "tracking_number"])


def order_mark_ready_for_pickup(*, order: Order, actor) -> Order:
    """The part waits at the outlet (or the seller's yard); the buyer has until
    ORDERS_PICKUP_DAYS from now to collect it."""
    with transaction.atomic():
        locked = lock_order(order.pk)
        if locked.delivery_kind not in COLLECTION_KINDS:
            raise Conflict(_("This order is shipped, not collected."))
        _fulfilment_may_start(locked)
        locked.pickup_expires_at = timezone.now() + timedelta(days=settings.ORDERS_PICKUP_DAYS)
        return move(locked, S.READY_FOR_PICKUP, actor=actor, fields=["pickup_expires_at"])


def _becomes_payable(order: Order, now) -> list[str]:
    """C2C money waits in escrow; every other seller is owed its net on delivery."""
    if channels.holds_funds_in_escrow(order.channel):
        order.release_funds_at = now + timedelta(days=settings.ORDERS_C2C_RELEASE_DAYS)
        return ["release_funds_at"]
    order.payable_at = now
    return ["payable_at"]


def order_mark_delivered(*, order: Order, actor) -> Order:
    with transaction.atomic():
        locked = lock_order(order.pk)
        now = timezone.now()
        locked.delivered_at = now
        fields = ["delivered_at", *_becomes_payable(locked, now)]
        cores.cores_create_for_order(locked, delivered_on=timezone.localdate(now))
        return move(locked, S.DELIVERED, actor=actor, fields=fields)


def order_mark_collected_at_yard(*, order: Order, actor) -> Order:
    """The buyer collected the part at the seller's own yard (outlet pickups use the code)."""
    if order.delivery_kind != DeliveryKind.YARD_COLLECTION:
        raise Conflict(_("Outlet pickups are recorded by the outlet with the pickup code."))
    with transaction.atomic():
        locked = lock_order(order.pk)
        return order_collected(locked, actor=actor)


def order_collected(order: Order, *, actor) -> Order:
    """A locked order was handed over at a counter: collected, and the seller is owed."""
    now = timezone.now()
    order.delivered_at = now
    fields = ["delivered_at", *_becomes_payable(order, now)]
    cores.cores_create_for_order(order, delivered_on=timezone.localdate(now))
    return move(order, S.COLLECTED, actor=actor, fields=fields)


def order_confirm_receipt(*, order: Order, actor) -> Order:
    """The buyer confirms the parts arrived as described; C2C escrow is released to the seller."""
    with transaction.atomic():
        locked = lock_order(order.pk)
        return _complete(locked, actor=actor, reason="Receipt confirmed by the buyer.")


def _complete(order: Order, *, actor, reason: str) -> Order:
    fields = []
    if order.channel == Channel.C2C and order.payable_at is None:
        order.payable_at = timezone.now()
        fields.append("payable_at")
    return move(order, S.COMPLETED, actor=actor, reason=reason, fields=fields)


def order_release_escrow(*, order_id: int) -> Order | None:
    """C2C: the buyer did not confirm in time after delivery, so the seller's share is released."""
    with transaction.atomic():
        locked = lock_order(order_id)
        due = locked.release_funds_at is not None and locked.release_funds_at <= timezone.now()
        if locked.status != S.DELIVERED or not due:
            return None
        return _complete(locked, actor=None, reason="Released: no complaint within the time.")


def order_expire(*, order_id: int) -> Order | None:
    """Expire an order the seller never answered, or one nobody collected. Idempotent: an
    order not (or no longer) due is left as it is and None returned."""
    now = timezone.now()
    with transaction.atomic():
        locked = lock_order(order_id)
        if locked.status == S.PLACED and locked.accept_by <= now:
            move(locked, S.EXPIRED, reason="The seller did not answer in time.")
            credit.credit_reverse(locked)
            stock.release_holds(_lines(locked))
        elif locked.status == S.READY_FOR_PICKUP and locked.pickup_expires_at <= now:
            move(locked, S.EXPIRED, reason="Not collected in time.")
            credit.credit_reverse(locked)
            lines = _lines(locked)
            stock.lock_listings(line.listing_id for line in lines)
            stock.return_stock(lines)
        else:
            return None
    payments.payment_settle_after_cancel(payment_id=locked.payment.pk, reason="Order expired.")
    return locked

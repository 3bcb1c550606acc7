"""Payments of orders: card authorisations, captures, voids and refunds through Stripe, invoices
and pay at pickup, and Stripe's webhook events.

Stripe calls happen outside transactions; what they return is applied under the payment's row
lock. A payment only ever moves forwards (`PAYMENT_PROGRESS`), so a late or repeated answer,
from a call or a webhook, cannot undo a later one.
"""

import logging
from datetime import timedelta
from decimal import Decimal

import stripe
from django.db import IntegrityError, transaction
from django.db.models import F
from django.utils import timezone
from django.utils.translation import gettext as _

from marketplace.errors import Conflict, DomainError, check_transition
from orders import stripe_gateway as gateway
from orders.models import (
    PAYMENT_PROGRESS,
    PAYMENT_TRANSITIONS,
    Checkout,
    OrderLine,
    OrderStatus,
    Payment,
    PaymentMethod,
    PaymentStatus,
    Refund,
    StripeEvent,
)
from orders.money import CENT, Money
from orders.services import transitions
from orders.services.warranty import order_warranties_issue
from orders.tasks import refund_send_soon

log = logging.getLogger(__name__)

INTENT_STATUSES = {
    "requires_capture": PaymentStatus.AUTHORISED,
    "succeeded": PaymentStatus.PAID,
    "canceled": PaymentStatus.VOIDED,
    "requires_payment_method": PaymentStatus.FAILED,
}


class PaymentDeclined(DomainError):
    code = "payment_declined"
    status = 402


def lock_payment(payment_id: int) -> Payment:
    return (
        Payment.objects.select_for_update(of=("self",), no_key=True)
        .select_related("order")
        .get(pk=payment_id)
    )


def advance(payment: Payment, to_status: str, **changes) -> bool:
    """Move a locked payment forwards; a step backwards or sideways is ignored (False)."""
    if PAYMENT_PROGRESS[to_status] <= PAYMENT_PROGRESS[payment.status]:
        return False
    check_transition(
        PAYMENT_TRANSITIONS, entity="payment", from_status=payment.status, to_status=to_status
    )
    payment.status = to_status
    if to_status == PaymentStatus.PAID:
        payment.paid_at = timezone.now()
    for name, value in changes.items():
        setattr(payment, name, value)
    payment.save()
    if to_status == PaymentStatus.PAID:
        _issue_warranties(payment)
    return True


def _issue_warranties(payment: Payment) -> None:
    """The order is paid: its warranty policies are issued now. A premium the buyer paid for
    cover that can no longer be issued is refunded (sent to Stripe after the commit)."""
    uncovered = order_warranties_issue(payment.order)
    if not uncovered:
        return
    refund = refund_record(
        payment,
        amount=sum((line.warranty_premium for line in uncovered), Decimal("0")),
        reason="Warranty premium: the part's certificate is no longer valid, no cover issued.",
    )
    OrderLine.objects.filter(pk__in=[line.pk for line in uncovered]).update(warranty_refund=refund)
    if payment.method == PaymentMethod.CARD:
        refund_send_soon(refund)


def _apply_intent(payment: Payment, intent) -> None:
    """Bring a locked card payment in line with its PaymentIntent as Stripe reports it now."""
    if payment.stripe_payment_intent_id is None:
        payment.stripe_payment_intent_id = intent.id
        payment.save(update_fields=["stripe_payment_intent_id", "updated_at"])
    target = INTENT_STATUSES.get(intent.status)
    if target is None or not advance(payment, target):
        return
    order = transitions.lock_order(payment.order_id)
    if target == PaymentStatus.PAID and order.status == OrderStatus.ACCEPTED:
        transitions.move(order, OrderStatus.PAID, reason="Card payment captured.")


def checkout_authorise(*, checkout: Checkout, card_payment_method: str) -> None:
    """Authorise every card order of a fresh checkout; on the first refusal, cancel the whole
    checkout (holds released, authorisations voided) and raise PaymentDeclined."""
    from orders.services.orders import order_cancel

    payments = Payment.objects.filter(
        order__checkout=checkout, status=PaymentStatus.PENDING, amount__gt=0
    ).order_by("pk")
    declined = ""
    for payment in payments:
        try:
            intent = gateway.authorise(
                amount=Money(payment.amount, payment.currency),
                card_payment_method=card_payment_method,
                payment_id=payment.pk,
                order_id=payment.order_id,
            )
        except stripe.CardError as error:
            declined = error.user_message or _("The card was declined.")
        except stripe.StripeError as error:
            log.warning("Authorising payment %s failed: %s", payment.pk, error)
            declined = _("The card could not be authorised just now; nothing was charged.")
        else:
            with transaction.atomic():
                _apply_intent(lock_payment(payment.pk), intent)
            continue
        break
    if declined:
        for order in checkout.orders.all():
            order_cancel(order=order, actor=None, reason=f"Payment declined: {declined}")
        raise PaymentDeclined(declined, fields={"card_payment_method": [declined]})


def payment_capture(*, payment: Payment) -> Payment:
    """Capture an authorised card payment (the seller accepted). A failure leaves it authorised
    for the sweep to try again; the idempotency key makes the retry safe."""
    if payment.status != PaymentStatus.AUTHORISED:
        return payment
    try:
        intent = gateway.capture(
            intent_id=payment.stripe_payment_intent_id,
            amount=Money(payment.amount, payment.currency),
            payment_id=payment.pk,
        )
    except stripe.StripeError as error:
        log.warning("Capturing payment %s failed: %s", payment.pk, error)
        Payment.objects.filter(pk=payment.pk).update(failure_message=str(error)[:300])
        return payment
    with transaction.atomic():
        locked = lock_payment(payment.pk)
        _apply_intent(locked, intent)
    return locked


def payment_void(*, payment: Payment) -> Payment:
    """Release money that was never taken: an authorisation, an unpaid invoice, pay at pickup."""
    if payment.method == PaymentMethod.CARD and payment.stripe_payment_intent_id:
        if payment.status == PaymentStatus.AUTHORISED:
            try:
                intent = gateway.cancel(
                    intent_id=payment.stripe_payment_intent_id, payment_id=payment.pk
                )
            except stripe.StripeError as error:
                log.warning("Voiding payment %s failed: %s", payment.pk, error)
                return payment
            with transaction.atomic():
                locked = lock_payment(payment.pk)
                _apply_intent(locked, intent)
            return locked
        return payment
    with transaction.atomic():
        locked = lock_payment(payment.pk)
        if locked.status == PaymentStatus.PENDING:
            advance(locked, PaymentStatus.VOIDED)
    return locked


def payment_settle_after_cancel(*, payment_id: int, reason: str) -> Payment:
    """After an order is cancelled: void what was only promised, refund what was paid."""
    payment = Payment.objects.get(pk=payment_id)
    if payment.status in (PaymentStatus.PAID, PaymentStatus.PARTIALLY_REFUNDED):
        remaining = payment.amount - payment.refunded_amount
        if remaining == 0:  # credit paid all of it, and the credit goes back on its own
            return payment
        return payment_refund(payment=payment, amount=remaining, reason=reason)
    return payment_void(payment=payment)


def payment_refund(*, payment: Payment, amount: Decimal, reason: str) -> Payment:
    """Give back `amount` of a paid payment, in full or in part.

    The refund is recorded first, under the payment's lock (so two refunds cannot together
    exceed what was paid), then sent to Stripe with the refund's own idempotency key.
    Raises DomainError for an amount out of range or not in whole cents, Conflict when nothing
    is refundable.
    """
    with transaction.atomic():
        locked = lock_payment(payment.pk)
        refund = refund_record(locked, amount=amount, reason=reason)
    if locked.method == PaymentMethod.CARD:
        refund_send(refund=refund)
    return locked


def refund_record(payment: Payment, *, amount: Decimal, reason: str) -> Refund:
    """Record a refund on a payment the caller has locked, in the caller's transaction; the
    caller sends a card refund to Stripe (`refund_send`) once that transaction commits.

    Raises DomainError for an amount out of range or not in whole cents, Conflict when nothing
    is refundable.
    """
    if amount <= 0:
        raise DomainError.for_field("amount", _("Must be more than zero."))
    if amount != amount.quantize(CENT):
        raise DomainError.for_field("amount", _("Must be in whole cents."))
    if payment.status not in (PaymentStatus.PAID, PaymentStatus.PARTIALLY_REFUNDED):
        raise Conflict(_("A %(status)s payment cannot be refunded.") % {"status": payment.status})
    remaining = payment.amount - payment.refunded_amount
    if amount > remaining:
        raise DomainError.for_field(
            "amount", _("At most %(amount)s can still be refunded.") % {"amount": remaining}
        )
    refund = Refund.objects.create(payment=payment, amount=amount, reason=reason[:300])
    _advance_refund(payment, amount, amount == remaining)
    return refund


def _advance_refund(payment: Payment, amount: Decimal, full: bool) -> None:
    to_status = PaymentStatus.REFUNDED if full else PaymentStatus.PARTIALLY_REFUNDED
    check_transition(
        PAYMENT_TRANSITIONS, entity="payment", from_status=payment.status, to_status=to_status
    )
    Payment.objects.filter(pk=payment.pk).update(
        refunded_amount=F("refunded_amount") + amount, status=to_status, updated_at=timezone.now()
    )
    payment.refresh_from_db()


def refund_send(*, refund: Refund) -> Refund:
    """Send a recorded card refund to Stripe; safe to repeat (the sweep retries unsent ones)."""
    if refund.stripe_refund_id:
        return refund
    payment = refund.payment
    try:
        sent = gateway.refund(
            intent_id=payment.stripe_payment_intent_id,
            amount=Money(refund.amount, payment.currency),
            refund_id=refund.pk,
        )
    except stripe.StripeError as error:
        log.warning("Sending refund %s failed: %s", refund.pk, error)
        return refund
    Refund.objects.filter(pk=refund.pk).update(stripe_refund_id=sent.id)
    refund.stripe_refund_id = sent.id
    return refund


def invoice_mark_paid(*, payment: Payment) -> Payment:
    """The platform received the buyer's bank transfer for an invoice."""
    with transaction.atomic():
        locked = lock_payment(payment.pk)
        if locked.method != PaymentMethod.INVOICE:
            raise DomainError.for_field("payment", _("Only invoices are marked paid by hand."))
        check_transition(
            PAYMENT_TRANSITIONS, entity="payment", from_status=locked.status,
            to_status=PaymentStatus.PAID,
        )  # fmt: skip
        advance(locked, PaymentStatus.PAID)
    return locked


def invoice_issue(*, payment: Payment, net_days: int) -> None:
    """Set the due date of an invoice when the seller accepts its order."""
    Payment.objects.filter(pk=payment.pk).update(
        due_at=timezone.now() + timedelta(days=net_days), updated_at=timezone.now()
    )


class WebhookRejected(DomainError):
    code = "invalid_signature"


def stripe_webhook_receive(*, payload: bytes, signature: str) -> StripeEvent | None:
    """Act on one verified Stripe event, once per event id.

    The event's copy of the PaymentIntent may be older than what happened since (events arrive
    late and out of order), so the intent is read again from Stripe and its current state
    applied. The event id is stored in the same transaction as the effect. Raises
    WebhookRejected for a bad signature or payload; nothing is recorded then.
    """
    try:
        event = gateway.webhook_event(payload=payload, signature=signature)
    except (ValueError, stripe.SignatureVerificationError):
        raise WebhookRejected(_("The webhook signature or payload is not valid.")) from None
    if StripeEvent.objects.filter(event_id=event.id).exists():
        return None
    payment, intent = None, None
    if event.type.startswith("payment_intent."):
        intent_id = event.data.object["id"]
        payment = _payment_for_intent(intent_id, event.data.object.get("metadata") or {})
        if payment is not None:
            intent = _current_intent(intent_id)
    try:
        with transaction.atomic():
            recorded = StripeEvent.objects.create(
                event_id=event.id, type=event.type, payment=payment
            )
            if payment is not None:
                payment = lock_payment(payment.pk)
                _apply_intent(payment, intent)
    except IntegrityError:
        return None  # the same event, delivered twice at once: the other delivery acted
    if payment is not None:
        _release_orphaned_authorisation(payment, intent)
    return recorded


class StripeUnavailable(DomainError):
    """Stripe could not be asked; the webhook answers 503 so that Stripe delivers it again."""

    code = "stripe_unavailable"
    status = 503


def _current_intent(intent_id: str):
    try:
        return gateway.retrieve_intent(intent_id)
    except stripe.StripeError as error:
        log.warning("Reading PaymentIntent %s failed: %s", intent_id, error)
        raise StripeUnavailable(
            _("Stripe could not be reached; deliver the event again.")
        ) from None


def _release_orphaned_authorisation(payment: Payment, intent) -> None:
    """An authorisation whose answer we never heard (the call timed out, so its checkout was
    cancelled) still holds the buyer's money: release it as soon as Stripe tells us of it."""
    if payment.status in (PaymentStatus.VOIDED, PaymentStatus.FAILED) and (
        intent.status == "requires_capture"
    ):
        try:
            gateway.cancel(intent_id=intent.id, payment_id=payment.pk)
        except stripe.StripeError as error:
            log.warning("Releasing orphaned intent %s failed: %s", intent.id, error)


def _payment_for_intent(intent_id: str, metadata) -> Payment | None:
    payment = Payment.objects.filter(stripe_payment_intent_id=intent_id).first()
    if payment is None and str(metadata.get("payment_id", "")).isdigit():
        payment = Payment.objects.filter(
            pk=int(metadata["payment_id"]), stripe_payment_intent_id__isnull=True
        ).first()
    return payment

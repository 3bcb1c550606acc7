"""Part returns for a refund (RMA): requested by the buyer, approved or declined by the seller,
sent back by the shared return mechanism (`orders.services.returns`: code, drop-off or
shipment, receipt), then inspected by the seller and refunded in the same transaction.

Refunds (`rma_inspect`, accepted):
- route `original`, card: a `Refund` recorded on the order's payment, sent to Stripe after the
  commit with the refund's own idempotency key (the sweep retries what did not go through);
- route `original`, invoice not yet paid: a credit note: the refund is recorded on the payment
  and what is due (`amount - refunded_amount`) shrinks; an invoice credited in full is voided;
- route `original`, paid invoice or paid at pickup: the refund is recorded for the platform to
  pay back by transfer or at the counter;
- route `credit`, and any part the payment cannot cover (the buyer paid partly with credit):
  `rma:<case>:refunded` from the platform's REFUNDS account to the buyer's BUYER_CREDIT.
A resellable part goes back into stock. An order whose every unit came back is `refunded`.

Locks, always in this order: the order line (requests), or the case, then the payment, the
order and the listing. Repeating an action returns the case as it is; the transition table
refuses anything else, and the ledger key names the case, so nothing is paid twice.
"""

from dataclasses import dataclass
from decimal import Decimal

from django.conf import settings
from django.db import transaction
from django.db.models import F, Sum
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import override

from marketplace.errors import Conflict, DomainError, NotPermitted, TransitionNotAllowed
from orders import rma_rules
from orders.models import (
    AccountKind,
    Order,
    OrderLine,
    OrderStatus,
    Payment,
    PaymentMethod,
    PaymentStatus,
    Refund,
    RefundRoute,
    ReturnCase,
    ReturnKind,
    ReturnPhoto,
    ReturnStatus,
    RmaReason,
    SellerReturnPolicy,
)
from orders.parties import Buyer
from orders.services import cores, stock
from orders.services.ledger import Posting, account_for, ledger_post, platform_account
from orders.services.payments import lock_payment, refund_record
from orders.services.returns import lock_return, return_code_issue, return_move, return_open
from orders.services.transitions import lock_order, move
from orders.tasks import refund_send_soon

R = ReturnStatus
RETURNABLE_ORDER_STATUSES = frozenset(
    {OrderStatus.DELIVERED, OrderStatus.COLLECTED, OrderStatus.COMPLETED}
)
# Cases that no longer claim their units: the buyer may ask again for those.
CLOSED_WITHOUT_RETURN = (R.DECLINED, R.CANCELLED, R.REJECTED)
MAX_PHOTOS = 10


class ReturnNotAllowed(DomainError):
    """The channel, the return window or the quantity does not allow this return."""

    code = "return_not_allowed"


@dataclass(frozen=True)
class RmaDetails:
    """What the buyer asks for: how many units, why, and where the refund should go."""

    quantity: int
    reason: str
    description: str = ""
    refund_route: str = RefundRoute.ORIGINAL


def _stored_label(reason: str) -> str:
    """The reason's label in the site's language, as the history and refunds store it: the
    labels are translated, the stored texts stay in one language whoever asks."""
    with override(settings.LANGUAGE_CODE):
        return str(dict(RmaReason.choices).get(reason, reason))


def _lock_line(line_id: int) -> OrderLine:
    return (
        OrderLine.objects.select_for_update(of=("self",), no_key=True)
        .select_related("order")
        .get(pk=line_id)
    )


def _lock_rma(case_id: int) -> ReturnCase:
    case = lock_return(case_id)
    if case.kind != ReturnKind.RMA:
        raise Conflict(_("This is a core return; it is handled as one."))
    return case


def _policy_of(order: Order) -> SellerReturnPolicy:
    """The seller's published policy, or the defaults where it has published none."""
    found = SellerReturnPolicy.objects.filter(
        seller_organisation_id=order.seller_organisation_id, seller_user_id=order.seller_user_id
    ).first()
    return found or SellerReturnPolicy()


def _check_reason(order: Order, details: RmaDetails, policy: SellerReturnPolicy) -> None:
    if order.status not in RETURNABLE_ORDER_STATUSES or order.delivered_at is None:
        raise Conflict(_("Parts are returned once the order has been delivered or collected."))
    days = (timezone.localdate() - timezone.localdate(order.delivered_at)).days
    window = rma_rules.ReturnWindow(
        seller_days=policy.return_window_days,
        statutory_days=settings.ORDERS_STATUTORY_RETURN_DAYS,
    )
    why = rma_rules.reason_refused(
        details.reason, channel=order.channel, days_since_delivery=days, window=window
    )
    if why:
        raise ReturnNotAllowed(why, fields={"reason": [why]})


def _check_quantity(line: OrderLine, quantity: int) -> None:
    """Not more than was bought, less what earlier returns of the line still claim."""
    claimed = (
        ReturnCase.objects.filter(order_line=line, kind=ReturnKind.RMA)
        .exclude(status__in=CLOSED_WITHOUT_RETURN)
        .aggregate(total=Sum("quantity"))["total"]
        or 0
    )
    left = line.quantity - claimed
    if not 0 < quantity <= left:
        message = _("%(left)s of %(quantity)s units of this line can still be returned.") % {
            "left": left,
            "quantity": line.quantity,
        }
        raise ReturnNotAllowed(message, fields={"quantity": [message]})


def _check_photos(photos) -> None:
    if len(photos) > MAX_PHOTOS:
        raise DomainError.for_field(
            "photos", _("At most %(count)s photos.") % {"count": MAX_PHOTOS}
        )
    limit = settings.LISTING_PHOTO_MAX_BYTES
    if any(photo.size > limit for photo in photos):
        raise DomainError.for_field(
            "photos", _("Each photo is at most %(size)s KB.") % {"size": limit // 1024}
        )


def rma_request(
    *, order_line: OrderLine, buyer: Buyer, details: RmaDetails, photos=()
) -> ReturnCase:
    """The buyer asks to return `details.quantity` units of a delivered order line.

    The line is locked so that two requests cannot together claim more units than were
    bought. The restocking fee is fixed now, by the policy the seller publishes today.
    Raises NotPermitted when the order is not the buyer's, ReturnNotAllowed when the channel,
    the window or the quantity refuses it, Conflict before delivery.
    """
    photos = list(photos)
    _check_photos(photos)
    if details.reason not in RmaReason.values:
        raise DomainError.for_field("reason", _("Not a known return reason."))
    if details.refund_route not in RefundRoute.values:
        raise DomainError.for_field("refund_route", _("Not a known refund route."))
    with transaction.atomic():
        line = _lock_line(order_line.pk)
        order = line.order
        if not buyer.owns(order):
            raise NotPermitted(_("This order is not yours."))
        policy = _policy_of(order)
        _check_reason(order, details, policy)
        _check_quantity(line, details.quantity)
        merchandise = (line.unit_price * details.quantity).quantize(rma_rules.CENT)
        case = return_open(
            actor=buyer.user,
            reason=f"Return requested: {_stored_label(details.reason)}.",
            kind=ReturnKind.RMA,
            status=R.REQUESTED,
            order_line=line,
            quantity=details.quantity,
            buyer_organisation=order.buyer_organisation,
            buyer_user=buyer.user,
            seller_organisation=order.seller_organisation,
            seller_user=order.seller_user,
            description=details.description,
            refund_route=details.refund_route,
            restocking_fee=rma_rules.restocking_fee(
                merchandise, reason=details.reason, rate=policy.restocking_fee_rate
            ),
            currency=order.currency,
        )
        # `return_open` takes `reason` for its event, so the case's own reason is set after.
        case.reason = details.reason
        case.save(update_fields=["reason"])
        for photo in photos:
            ReturnPhoto.objects.create(return_case=case, image=photo, taken_by=buyer.user)
    return case


def rma_approve(*, case: ReturnCase, actor) -> ReturnCase:
    """The seller agrees to take the part back: the case gets its return code and waits for
    the buyer to drop it off or ship it. Repeating it, even once the part is on its way,
    returns the case as it is (only an approval gives an RMA its code)."""
    with transaction.atomic():
        locked = _lock_rma(case.pk)
        if locked.code:
            return locked
        return_move(locked, R.AWAITING_RETURN, actor=actor, reason="Approved by the seller.")
        return return_code_issue(locked)


def rma_decline(*, case: ReturnCase, actor, reason: str) -> ReturnCase:
    """The seller refuses the return, saying why. Repeating it returns the case as it is."""
    if not reason.strip():
        raise DomainError.for_field("reason", _("Say why the return is declined."))
    with transaction.atomic():
        locked = _lock_rma(case.pk)
        if locked.status == R.DECLINED:
            return locked
        return return_move(locked, R.DECLINED, actor=actor, reason=reason.strip())


def rma_inspect(
    *, case: ReturnCase, actor, accept: bool, resellable: bool = False, notes: str = ""
) -> ReturnCase:
    """The seller inspects the part it received: accepted (refunded in full, less a fee fixed
    at the request) or rejected (`notes` say why). The refund, the stock and the order are
    written in the same transaction as the decision; a card refund goes to Stripe after it.

    Repeating an inspection returns the case as it is. Raises TransitionNotAllowed before the
    part was received, DomainError for a rejection without a reason.
    """
    if not accept and not notes.strip():
        raise DomainError.for_field("notes", _("Say why the return is rejected."))
    with transaction.atomic():
        locked = _lock_rma(case.pk)
        if locked.status in (R.ACCEPTED, R.REJECTED):
            return locked
        if locked.status != R.RECEIVED:
            to_status = R.ACCEPTED if accept else R.REJECTED
            raise TransitionNotAllowed(
                entity="return", from_status=locked.status, to_status=to_status
            )
        locked.inspection_notes = notes.strip()
        if not accept:
            return return_move(
                locked, R.REJECTED, actor=actor, reason=notes.strip(), fields=["inspection_notes"]
            )
        return _accept(locked, actor=actor, resellable=resellable)


def _accept(case: ReturnCase, *, actor, resellable: bool) -> ReturnCase:
    line = OrderLine.objects.select_related("order").get(pk=case.order_line_id)
    refund = rma_rules.rma_refund(_returned_units(case, line), restocking_fee=case.restocking_fee)
    # The cores of the returned units are owed no more: their deposits go back with the part.
    deposits = cores.cores_release_for_returned_part(order_line_id=line.pk, quantity=case.quantity)
    case.payout_amount = refund.total + deposits
    case.resellable = resellable
    return_move(
        case,
        R.ACCEPTED,
        actor=actor,
        reason=case.inspection_notes or f"Accepted: {refund.total} {case.currency} refunded.",
        fields=["payout_amount", "resellable", "inspection_notes"],
    )
    _pay_refund(case, line.order, case.payout_amount)
    _refund_order_when_all_returned(line.order, actor=actor)
    if resellable:
        stock.lock_listings([line.listing_id])
        # An unsaved copy of the line carrying only the returned units.
        units = OrderLine(pk=line.pk, listing_id=line.listing_id, quantity=case.quantity)
        stock.return_stock([units])
    return case


def _returned_units(case: ReturnCase, line: OrderLine) -> rma_rules.ReturnedUnits:
    """The buyer paid the premium unless the seller included it or it was already refunded."""
    premium_paid = line.warranty_premium
    if line.warranty_included or line.warranty_refund_id is not None:
        premium_paid = Decimal("0")
    return rma_rules.ReturnedUnits(
        quantity=case.quantity,
        line_quantity=line.quantity,
        unit_price=line.unit_price,
        warranty_premium_paid=premium_paid,
    )


def _pay_refund(case: ReturnCase, order: Order, amount: Decimal) -> None:
    if amount <= 0:
        return
    to_credit = amount
    if case.refund_route == RefundRoute.ORIGINAL:
        to_credit = amount - _refund_to_payment(case, lock_payment(order.payment.pk), amount)
    if to_credit > 0:
        _refund_as_credit(case, to_credit)


def _refund_to_payment(case: ReturnCase, payment: Payment, amount: Decimal) -> Decimal:
    """Give back up to `amount` through the order's payment; returns how much it took."""
    part = min(amount, payment.amount - payment.refunded_amount)
    if part <= 0:
        return Decimal("0")
    reason = f"Return {case.pk}: {case.quantity} x {_stored_label(case.reason)}"
    if payment.status == PaymentStatus.PENDING and payment.method == PaymentMethod.INVOICE:
        _invoice_credit_note(payment, part, reason)
        return part
    refund = refund_record(payment, amount=part, reason=reason)
    if payment.method == PaymentMethod.CARD:
        refund_send_soon(refund)
    return part


def _invoice_credit_note(payment: Payment, amount: Decimal, reason: str) -> None:
    """An unpaid invoice owes less: the refund is recorded against it (nothing to send back),
    and an invoice credited in full is voided. The payment is locked by the caller."""
    Refund.objects.create(payment=payment, amount=amount, reason=reason[:300])
    fully_credited = payment.refunded_amount + amount == payment.amount
    Payment.objects.filter(pk=payment.pk).update(
        refunded_amount=F("refunded_amount") + amount,
        status=PaymentStatus.VOIDED if fully_credited else payment.status,
        updated_at=timezone.now(),
    )


def _refund_as_credit(case: ReturnCase, amount: Decimal) -> None:
    buyer_credit = account_for(
        AccountKind.BUYER_CREDIT,
        currency=case.currency,
        organisation=case.buyer_organisation,
        user=case.buyer_user,
    )
    ledger_post(
        idempotency_key=f"rma:{case.pk}:refunded",
        kind="rma_refund",
        description=f"Return {case.pk}: {amount} {case.currency} refunded as credit.",
        postings=[
            Posting(platform_account(AccountKind.REFUNDS, case.currency), -amount),
            Posting(buyer_credit, amount),
        ],
    )


def _refund_order_when_all_returned(order: Order, *, actor) -> None:
    """Every unit of every line came back and was accepted: the order is refunded."""
    accepted = dict(
        ReturnCase.objects.filter(order_line__order=order, kind=ReturnKind.RMA, status=R.ACCEPTED)
        .values("order_line_id")
        .annotate(units=Sum("quantity"))
        .values_list("order_line_id", "units")
    )
    lines = OrderLine.objects.filter(order=order).values_list("pk", "quantity")
    if all(accepted.get(pk, 0) >= quantity for pk, quantity in lines):
        locked = lock_order(order.pk)
        if locked.status != OrderStatus.REFUNDED:
            move(locked, OrderStatus.REFUNDED, actor=actor, reason="Every part was returned.")

"""O2O pickups at the outlet counter: find an order by its code, hand it over or refuse it.

Codes are unguessable (50 random bits) and single use (`collected` is final). Each staff member
may get a code wrong ORDERS_PICKUP_MAX_FAILURES times in ORDERS_PICKUP_FAILURE_WINDOW; after that
they are locked out for ORDERS_PICKUP_LOCKOUT, whatever code they try.
"""

from collections.abc import Callable
from typing import TypeVar

from django.conf import settings
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from marketplace.errors import Conflict, DomainError, NotPermitted
from marketplace.models import Organisation, User
from orders.models import (
    Order,
    OrderStatus,
    PaymentMethod,
    PaymentStatus,
    PickupLockout,
)
from orders.services import orders as order_services
from orders.services import payments
from orders.services.transitions import lock_order

T = TypeVar("T")
COLLECTION_METHODS = ("cash", "card_terminal")


class PickupLockedOut(NotPermitted):
    code = "pickup_locked_out"
    status = 429


class PickupCodeNotFound(DomainError):
    code = "pickup_code_not_found"
    status = 404


def normalise_pickup_code(code: str) -> str:
    return "".join(code.split()).replace("-", "").upper()


def _lockout_row(outlet: Organisation, user: User) -> PickupLockout:
    PickupLockout.objects.get_or_create(
        outlet=outlet, user=user, defaults={"window_started_at": timezone.now()}
    )
    return PickupLockout.objects.select_for_update().get(outlet=outlet, user=user)


def _refuse_if_locked(row: PickupLockout, now) -> None:
    if row.locked_until and row.locked_until > now:
        seconds = int((row.locked_until - now).total_seconds()) + 1
        raise PickupLockedOut(
            _("Too many wrong pickup codes; try again in %(seconds)s seconds.")
            % {"seconds": seconds}
        )


def _record_failure(row: PickupLockout, now) -> None:
    if now - row.window_started_at > settings.ORDERS_PICKUP_FAILURE_WINDOW:
        row.failures, row.window_started_at = 0, now
    row.failures += 1
    if row.failures >= settings.ORDERS_PICKUP_MAX_FAILURES:
        row.locked_until = now + settings.ORDERS_PICKUP_LOCKOUT
        row.failures, row.window_started_at = 0, now
    row.save()


def code_lookup(*, outlet: Organisation, user: User, code: str, find: Callable[[str], T | None]):
    """What `find` returns for a code an outlet's staff member typed (pickup or return codes),
    under that staff member's lockout: a miss counts against them, and the count is committed
    even though the caller then refuses. Raises PickupLockedOut (429) while locked out."""
    now = timezone.now()
    with transaction.atomic():
        row = _lockout_row(outlet, user)
        _refuse_if_locked(row, now)
        found = find(normalise_pickup_code(code))
        if found is None:
            _record_failure(row, now)
    return found


def pickup_find(*, outlet: Organisation, user: User, code: str) -> Order:
    """The order waiting at one of `outlet`'s counters under `code`.

    Raises PickupLockedOut (429) while locked out, PickupCodeNotFound (404).
    """
    waiting = Order.objects.filter(pickup_location__organisation=outlet).select_related(
        "pickup_location", "payment"
    )
    order = code_lookup(
        outlet=outlet, user=user, code=code, find=lambda c: waiting.filter(pickup_code=c).first()
    )
    if order is None:
        raise PickupCodeNotFound(_("No order at this outlet has that pickup code."))
    return order


def pickup_collect(*, outlet: Organisation, user: User, code: str, collected_by: str = "") -> Order:
    """Hand the order over. Pay-at-pickup orders record how the outlet took the money.

    Raises TransitionNotAllowed if not ready (already collected: the code is spent), and
    DomainError when a pay-at-pickup order has no payment method recorded.
    """
    order = pickup_find(outlet=outlet, user=user, code=code)
    at_pickup = order.payment_method == PaymentMethod.AT_PICKUP
    if at_pickup and collected_by not in COLLECTION_METHODS:
        raise DomainError.for_field(
            "collected_by",
            _("Say how the buyer paid: one of %(methods)s.")
            % {"methods": ", ".join(COLLECTION_METHODS)},
        )
    with transaction.atomic():
        locked = lock_order(order.pk)
        order_services.order_collected(locked, actor=user)
        if at_pickup:
            payment = payments.lock_payment(order.payment.pk)
            payment.collected_by = collected_by
            payments.advance(payment, PaymentStatus.PAID)
    return locked


def pickup_refuse(*, outlet: Organisation, user: User, code: str, reason: str) -> Order:
    """The buyer refused the part at the counter (wrong part, damaged): the order is cancelled,
    the stock goes back to the seller and the payment is voided or refunded."""
    if not reason.strip():
        raise DomainError.for_field("reason", _("Say why the part was refused."))
    order = pickup_find(outlet=outlet, user=user, code=code)
    if order.status != OrderStatus.READY_FOR_PICKUP:
        raise Conflict(_("This order is not waiting for pickup."))
    return order_services.order_cancel(
        order=order, actor=user, reason=f"Refused at pickup: {reason}"
    )

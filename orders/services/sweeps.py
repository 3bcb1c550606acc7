"""The periodic sweep behind the deadlines kept in database columns. Nothing waits on a
countdown: each overdue row is found by an indexed query and handled by its own service."""

import logging
from datetime import timedelta

from django.conf import settings
from django.db.models import Q
from django.utils import timezone

from orders.models import Order, OrderStatus, Payment, PaymentMethod, PaymentStatus, Refund
from orders.services import orders as order_services
from orders.services import payments

log = logging.getLogger(__name__)
BATCH = 500


def _ids(queryset) -> list[int]:
    return list(queryset.order_by("pk").values_list("pk", flat=True)[:BATCH])


NEVER_AUTHORISED = "The card payment was never authorised."


def _never_authorised(now):
    """Card orders whose authorisation failed, or never came back (the web process died
    between placing the checkout and hearing from Stripe)."""
    pending_since = now - timedelta(minutes=settings.ORDERS_CARD_AUTHORISATION_MINUTES)
    return Order.objects.filter(
        status=OrderStatus.PLACED, payment_method=PaymentMethod.CARD
    ).filter(
        Q(payment__status=PaymentStatus.FAILED)
        | Q(payment__status=PaymentStatus.PENDING, payment__amount__gt=0)
        & Q(placed_at__lte=pending_since)
    )


def orders_sweep() -> dict[str, int]:
    """Expire unanswered orders and uncollected pickups, release C2C escrow that is due, and
    retry captures and refunds that Stripe did not take the first time."""
    now = timezone.now()
    unanswered = Order.objects.filter(status=OrderStatus.PLACED, accept_by__lte=now)
    uncollected = Order.objects.filter(
        status=OrderStatus.READY_FOR_PICKUP, pickup_expires_at__lte=now
    )
    escrow = Order.objects.filter(status=OrderStatus.DELIVERED, release_funds_at__lte=now)
    done = {"expired": 0, "cancelled": 0, "released": 0, "captured": 0, "refunds_sent": 0}
    for order_id in _ids(unanswered) + _ids(uncollected):
        done["expired"] += order_services.order_expire(order_id=order_id) is not None
    for order_id in _ids(_never_authorised(now)):
        order = Order.objects.get(pk=order_id)
        order_services.order_cancel(order=order, actor=None, reason=NEVER_AUTHORISED)
        done["cancelled"] += 1
    for order_id in _ids(escrow):
        done["released"] += order_services.order_release_escrow(order_id=order_id) is not None
    uncaptured = Payment.objects.filter(
        method=PaymentMethod.CARD, status=PaymentStatus.AUTHORISED, order__status="accepted"
    )
    for payment in uncaptured.order_by("pk")[:BATCH]:
        done["captured"] += payments.payment_capture(payment=payment).status == "paid"
    unsent = Refund.objects.filter(
        payment__method=PaymentMethod.CARD, stripe_refund_id__isnull=True
    ).select_related("payment")
    for refund in unsent.order_by("pk")[:BATCH]:
        done["refunds_sent"] += bool(payments.refund_send(refund=refund).stripe_refund_id)
    done["cores_forfeited"] = _cores_forfeit_due()
    if any(done.values()):
        log.info("Orders sweep: %s", done)
    return done


def _cores_forfeit_due() -> int:
    """Cores not returned by their deadline are forfeited to the seller (issue 6)."""
    from orders.services.cores import cores_forfeit_due

    return cores_forfeit_due()

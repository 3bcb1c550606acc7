"""Celery tasks of ordering: thin, idempotent wrappers over services, started on commit."""

from celery import shared_task


@shared_task(acks_late=True, reject_on_worker_lost=True, ignore_result=True)
def order_notify_task(order_id: int, event: str) -> int:
    from orders.notifications import order_notify

    return order_notify(order_id=order_id, event=event)


def order_notify_soon(order, event: str) -> None:
    """Tell the order's parties about `event` once the current transaction commits."""
    order_notify_task.delay_on_commit(order.pk, event)


@shared_task(acks_late=True, reject_on_worker_lost=True, ignore_result=True)
def refund_send_task(refund_id: int) -> None:
    """Send a recorded card refund to Stripe (its idempotency key makes a repeat harmless)."""
    from orders.models import Refund
    from orders.services.payments import refund_send

    refund_send(refund=Refund.objects.select_related("payment").get(pk=refund_id))


def refund_send_soon(refund) -> None:
    refund_send_task.delay_on_commit(refund.pk)


@shared_task(acks_late=True, reject_on_worker_lost=True, ignore_result=True)
def payouts_create_task() -> int:
    """Weekly: gather last week's payable seller nets into payouts. Running it twice adds
    nothing (an order joins one payout)."""
    from django.utils import timezone

    from orders.services.payouts import payouts_create, previous_week

    start, end = previous_week(timezone.localdate())
    return len(payouts_create(period_start=start, period_end=end))


@shared_task(acks_late=True, reject_on_worker_lost=True, ignore_result=True)
def claim_payouts_settle_task() -> int:
    """Pay approved warranty claims back to the buyer's card (periodic; each payout once)."""
    from orders.services.claims import claim_payouts_settle

    return claim_payouts_settle()


@shared_task(acks_late=True, reject_on_worker_lost=True, ignore_result=True)
def orders_sweep_task() -> dict:
    """The periodic sweep: expire what is overdue, release escrow, retry captures and refunds.
    Any number of copies may run at once; every step re-checks under the order's lock."""
    from orders.services.sweeps import orders_sweep

    return orders_sweep()


@shared_task(acks_late=True, reject_on_worker_lost=True, ignore_result=True)
def cores_forfeit_due_task() -> int:
    """Forfeit cores past their deadline (also part of `orders_sweep_task`); safe to run twice."""
    from orders.services.cores import cores_forfeit_due

    return cores_forfeit_due()

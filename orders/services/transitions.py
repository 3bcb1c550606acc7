"""The one way an order's status changes: under the order's row lock, as the transition table
allows, with an event row recording who, when, from, to and why."""

from marketplace.errors import check_transition
from orders.models import ORDER_TRANSITIONS, Order, OrderEvent
from orders.tasks import order_notify_soon


def lock_order(order_id: int) -> Order:
    """The order, locked for the rest of the transaction. Read again under the lock: a second
    request may have moved it since the caller last looked."""
    return Order.objects.select_for_update(of=("self",), no_key=True).get(pk=order_id)


def move(order: Order, to_status: str, *, actor=None, reason: str = "", fields=()) -> Order:
    """Move a locked order to `to_status`, saving `fields` changed alongside.

    Raises TransitionNotAllowed (409) when the table forbids it; nothing is written then.
    """
    check_transition(
        ORDER_TRANSITIONS, entity="order", from_status=order.status, to_status=to_status
    )
    OrderEvent.objects.create(
        order=order, actor=actor, from_status=order.status, to_status=to_status, reason=reason
    )
    order.status = to_status
    order.save(update_fields=["status", "updated_at", *fields])
    order_notify_soon(order, to_status)
    return order

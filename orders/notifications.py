"""The emails an order's parties expect, by event. Sent by `orders.tasks` after the commit."""

from django.conf import settings
from django.core.mail import send_mail

from marketplace.models import Membership
from orders.models import Order

# event -> (who is told, subject)
MESSAGES = {
    "placed": ("seller", "New order {number}: please accept or reject it"),
    "accepted": ("buyer", "Order {number} was accepted by the seller"),
    "cancelled": ("both", "Order {number} was cancelled"),
    "expired": ("both", "Order {number} expired"),
    "shipped": ("buyer", "Order {number} is on its way"),
    "ready_for_pickup": ("buyer", "Order {number} is ready for pickup"),
    "delivered": ("buyer", "Order {number} was delivered"),
    "collected": ("both", "Order {number} was collected"),
    "completed": ("seller", "Order {number} is complete"),
}


def _seller_emails(order: Order) -> list[str]:
    if order.seller_user_id:
        return [order.seller_user.email]
    memberships = Membership.objects.filter(organisation_id=order.seller_organisation_id)
    return [m.user.email for m in memberships.select_related("user") if m.user.email]


def _body(order: Order, event: str) -> str:
    lines = [f"Order {order.pk}: {order.get_status_display()}.", ""]
    lines += [f"{line.quantity} x {line.title} ({line.unit_price})" for line in order.lines.all()]
    lines.append(f"Total: {order.total} {order.currency}")
    if event == "ready_for_pickup" and order.pickup_code:
        place = order.pickup_location.name if order.pickup_location else "the counter"
        lines.append(f"Show the pickup code {order.pickup_code} at {place}.")
    if order.tracking_number:
        lines.append(f"Tracking: {order.carrier} {order.tracking_number}")
    return "\n".join(lines)


def order_notify(*, order_id: int, event: str) -> int:
    """Email the parties told about `event`; returns how many emails were sent."""
    if event not in MESSAGES:
        return 0
    audience, subject = MESSAGES[event]
    order = (
        Order.objects.select_related("buyer_user", "seller_user", "pickup_location")
        .filter(pk=order_id)
        .first()
    )
    if order is None:
        return 0
    recipients = []
    if audience in ("buyer", "both"):
        recipients.append(order.buyer_user.email)
    if audience in ("seller", "both"):
        recipients += _seller_emails(order)
    body = _body(order, event)
    sent = 0
    for recipient in sorted(set(filter(None, recipients))):
        sent += send_mail(
            subject.format(number=order.pk), body, settings.DEFAULT_FROM_EMAIL, [recipient]
        )
    return sent

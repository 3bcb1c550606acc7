"""The words of ordering, and which status may follow which. Plain values: the pure rules in
`orders.channels` and `orders.pricing` use them without a database."""

from django.db import models
from django.utils.translation import gettext_lazy as _


class Channel(models.TextChoices):
    B2B = "b2b", _("Business to business")
    B2C = "b2c", _("Business to consumer")
    C2C = "c2c", _("Consumer to consumer")
    O2O = "o2o", _("Online to offline (outlet pickup)")


class PaymentMethod(models.TextChoices):
    CARD = "card", _("Card (Stripe)")
    INVOICE = "invoice", _("Invoice with net terms")
    AT_PICKUP = "at_pickup", _("Pay at pickup")


class OrderStatus(models.TextChoices):
    PLACED = "placed", _("Placed, awaiting the seller")
    ACCEPTED = "accepted", _("Accepted by the seller")
    PAID = "paid", _("Paid")
    READY_FOR_PICKUP = "ready_for_pickup", _("Ready for pickup")
    SHIPPED = "shipped", _("Shipped")
    DELIVERED = "delivered", _("Delivered")
    COLLECTED = "collected", _("Collected")
    COMPLETED = "completed", _("Completed")
    CANCELLED = "cancelled", _("Cancelled")
    EXPIRED = "expired", _("Expired")
    REFUNDED = "refunded", _("Refunded")


S = OrderStatus
# Card orders go accepted -> paid when the authorisation is captured; invoice and pay-at-pickup
# orders leave `accepted` for fulfilment directly (the service checks which applies).
ORDER_TRANSITIONS: dict[str, set[str]] = {
    S.PLACED: {S.ACCEPTED, S.CANCELLED, S.EXPIRED},
    S.ACCEPTED: {S.PAID, S.READY_FOR_PICKUP, S.SHIPPED, S.CANCELLED},
    S.PAID: {S.READY_FOR_PICKUP, S.SHIPPED, S.CANCELLED},
    S.READY_FOR_PICKUP: {S.COLLECTED, S.CANCELLED, S.EXPIRED},
    S.SHIPPED: {S.DELIVERED},
    S.DELIVERED: {S.COMPLETED, S.REFUNDED},
    S.COLLECTED: {S.COMPLETED, S.REFUNDED},
    S.COMPLETED: {S.REFUNDED},
    S.CANCELLED: set(),
    S.EXPIRED: set(),
    S.REFUNDED: set(),
}
# Statuses in which the order's stock has left the shelf count (the seller accepted it).
STOCK_TAKEN_STATUSES = frozenset({S.ACCEPTED, S.PAID, S.READY_FOR_PICKUP})
OPEN_STATUSES = frozenset({S.PLACED, S.ACCEPTED, S.PAID, S.READY_FOR_PICKUP, S.SHIPPED})


class PaymentStatus(models.TextChoices):
    PENDING = "pending", _("Pending")
    AUTHORISED = "authorised", _("Authorised, not captured")
    PAID = "paid", _("Paid")
    PARTIALLY_REFUNDED = "partially_refunded", _("Partially refunded")
    REFUNDED = "refunded", _("Refunded")
    FAILED = "failed", _("Failed")
    VOIDED = "voided", _("Voided")


P = PaymentStatus
PAYMENT_TRANSITIONS: dict[str, set[str]] = {
    P.PENDING: {P.AUTHORISED, P.PAID, P.FAILED, P.VOIDED},
    P.AUTHORISED: {P.PAID, P.VOIDED},
    P.PAID: {P.PARTIALLY_REFUNDED, P.REFUNDED},
    P.PARTIALLY_REFUNDED: {P.PARTIALLY_REFUNDED, P.REFUNDED},
    P.FAILED: set(),
    P.VOIDED: set(),
    P.REFUNDED: set(),
}
# How far along a payment is, so that a late webhook never moves it backwards.
PAYMENT_PROGRESS = {
    P.PENDING: 0, P.AUTHORISED: 1, P.PAID: 2, P.PARTIALLY_REFUNDED: 3, P.REFUNDED: 4,
    P.FAILED: 4, P.VOIDED: 4,
}  # fmt: skip


class DeliveryKind(models.TextChoices):
    SHIPPING = "shipping", _("Shipping")
    FREIGHT = "freight", _("Freight")
    YARD_COLLECTION = "yard_collection", _("Collection at the seller's yard")
    OUTLET_COLLECTION = "outlet_collection", _("Collection at an outlet")


COLLECTION_KINDS = frozenset({DeliveryKind.YARD_COLLECTION, DeliveryKind.OUTLET_COLLECTION})
# Kinds that carry the parts to the buyer, so the order needs an address to ship to.
SHIPPED_KINDS = frozenset({DeliveryKind.SHIPPING, DeliveryKind.FREIGHT})


class PayoutStatus(models.TextChoices):
    PENDING = "pending", _("Pending")
    PAID = "paid", _("Paid")
    FAILED = "failed", _("Failed")


PAYOUT_TRANSITIONS: dict[str, set[str]] = {
    PayoutStatus.PENDING: {PayoutStatus.PAID, PayoutStatus.FAILED},
    PayoutStatus.FAILED: {PayoutStatus.PAID, PayoutStatus.PENDING},
    PayoutStatus.PAID: set(),
}

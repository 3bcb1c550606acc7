"""The words of ordering, and which status may follow which. Plain values: the pure rules in
`orders.channels` and `orders.pricing` use them without a database."""

from django.db import models


class Channel(models.TextChoices):
    B2B = "b2b", "Business to business"
    B2C = "b2c", "Business to consumer"
    C2C = "c2c", "Consumer to consumer"
    O2O = "o2o", "Online to offline (outlet pickup)"


class PaymentMethod(models.TextChoices):
    CARD = "card", "Card (Stripe)"
    INVOICE = "invoice", "Invoice with net terms"
    AT_PICKUP = "at_pickup", "Pay at pickup"


class OrderStatus(models.TextChoices):
    PLACED = "placed", "Placed, awaiting the seller"
    ACCEPTED = "accepted", "Accepted by the seller"
    PAID = "paid", "Paid"
    READY_FOR_PICKUP = "ready_for_pickup", "Ready for pickup"
    SHIPPED = "shipped", "Shipped"
    DELIVERED = "delivered", "Delivered"
    COLLECTED = "collected", "Collected"
    COMPLETED = "completed", "Completed"
    CANCELLED = "cancelled", "Cancelled"
    EXPIRED = "expired", "Expired"
    REFUNDED = "refunded", "Refunded"


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
    PENDING = "pending", "Pending"
    AUTHORISED = "authorised", "Authorised, not captured"
    PAID = "paid", "Paid"
    PARTIALLY_REFUNDED = "partially_refunded", "Partially refunded"
    REFUNDED = "refunded", "Refunded"
    FAILED = "failed", "Failed"
    VOIDED = "voided", "Voided"


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
    SHIPPING = "shipping", "Shipping"
    FREIGHT = "freight", "Freight"
    YARD_COLLECTION = "yard_collection", "Collection at the seller's yard"
    OUTLET_COLLECTION = "outlet_collection", "Collection at an outlet"


COLLECTION_KINDS = frozenset({DeliveryKind.YARD_COLLECTION, DeliveryKind.OUTLET_COLLECTION})


class PayoutStatus(models.TextChoices):
    PENDING = "pending", "Pending"
    PAID = "paid", "Paid"
    FAILED = "failed", "Failed"


PAYOUT_TRANSITIONS: dict[str, set[str]] = {
    PayoutStatus.PENDING: {PayoutStatus.PAID, PayoutStatus.FAILED},
    PayoutStatus.FAILED: {PayoutStatus.PAID, PayoutStatus.PENDING},
    PayoutStatus.PAID: set(),
}

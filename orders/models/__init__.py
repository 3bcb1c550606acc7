from orders.models.cart import Cart, CartLine
from orders.models.choices import (
    COLLECTION_KINDS,
    ORDER_TRANSITIONS,
    PAYMENT_PROGRESS,
    PAYMENT_TRANSITIONS,
    PAYOUT_TRANSITIONS,
    STOCK_TAKEN_STATUSES,
    Channel,
    DeliveryKind,
    OrderStatus,
    PaymentMethod,
    PaymentStatus,
    PayoutStatus,
)
from orders.models.delivery import DeliveryOption
from orders.models.orders import Checkout, Order, OrderEvent, OrderLine
from orders.models.payments import InvoiceTerms, Payment, Refund, StripeEvent
from orders.models.pickups import PickupLockout
from orders.models.settlement import CommissionRate, Payout, PayoutAccount

__all__ = [
    "COLLECTION_KINDS", "ORDER_TRANSITIONS", "PAYMENT_PROGRESS", "PAYMENT_TRANSITIONS",
    "PAYOUT_TRANSITIONS", "STOCK_TAKEN_STATUSES",
    "Cart", "CartLine", "Channel", "Checkout", "CommissionRate", "DeliveryKind", "DeliveryOption",
    "InvoiceTerms", "Order", "OrderEvent", "OrderLine", "OrderStatus", "Payment", "PaymentMethod",
    "PaymentStatus", "Payout", "PayoutAccount", "PayoutStatus", "PickupLockout", "Refund",
    "StripeEvent",
]  # fmt: skip

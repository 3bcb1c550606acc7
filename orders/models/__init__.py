from orders.models.cart import Cart, CartLine
from orders.models.choices import (
    COLLECTION_KINDS,
    ORDER_TRANSITIONS,
    PAYMENT_PROGRESS,
    PAYMENT_TRANSITIONS,
    PAYOUT_TRANSITIONS,
    SHIPPED_KINDS,
    STOCK_TAKEN_STATUSES,
    Channel,
    DeliveryKind,
    OrderStatus,
    PaymentMethod,
    PaymentStatus,
    PayoutStatus,
)
from orders.models.credit import (
    NON_NEGATIVE_KINDS,
    AccountKind,
    LedgerAccount,
    LedgerEntry,
    LedgerTransaction,
)
from orders.models.delivery import DeliveryOption
from orders.models.orders import Checkout, Order, OrderEvent, OrderLine
from orders.models.payments import InvoiceTerms, Payment, Refund, StripeEvent
from orders.models.pickups import PickupLockout
from orders.models.returns import (
    CORE_TRANSITIONS,
    RETURN_TRANSITIONS,
    CoreObligation,
    CoreStatus,
    RefundRoute,
    ReturnCase,
    ReturnEvent,
    ReturnKind,
    ReturnPhoto,
    ReturnStatus,
    RmaReason,
    SellerReturnPolicy,
)
from orders.models.settlement import CommissionRate, Payout, PayoutAccount

__all__ = [
    "CORE_TRANSITIONS", "NON_NEGATIVE_KINDS", "RETURN_TRANSITIONS", "AccountKind",
    "CoreObligation", "CoreStatus", "LedgerAccount", "LedgerEntry", "LedgerTransaction",
    "RefundRoute", "ReturnCase", "ReturnEvent", "ReturnKind", "ReturnPhoto", "ReturnStatus",
    "RmaReason", "SellerReturnPolicy",
    "COLLECTION_KINDS", "ORDER_TRANSITIONS", "PAYMENT_PROGRESS", "PAYMENT_TRANSITIONS",
    "PAYOUT_TRANSITIONS", "SHIPPED_KINDS", "STOCK_TAKEN_STATUSES",
    "Cart", "CartLine", "Channel", "Checkout", "CommissionRate", "DeliveryKind", "DeliveryOption",
    "InvoiceTerms", "Order", "OrderEvent", "OrderLine", "OrderStatus", "Payment", "PaymentMethod",
    "PaymentStatus", "Payout", "PayoutAccount", "PayoutStatus", "PickupLockout", "Refund",
    "StripeEvent",
]  # fmt: skip

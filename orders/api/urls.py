from django.urls import path

from orders.api import webhooks
from orders.api.views import buying, operator, outlet, selling

sales = [
    ("accept", selling.SalesOrderAcceptApi),
    ("reject", selling.SalesOrderRejectApi),
    ("cancel", selling.SalesOrderCancelApi),
    ("ship", selling.SalesOrderShipApi),
    ("ready-for-pickup", selling.SalesOrderReadyForPickupApi),
    ("delivered", selling.SalesOrderDeliveredApi),
    ("collected", selling.SalesOrderCollectedApi),
]

urlpatterns = [
    path("stripe/webhook/", webhooks.StripeWebhookApi.as_view(), name="stripe-webhook"),
    path("cart/", buying.CartApi.as_view(), name="cart"),
    path("cart/lines/<int:listing_id>/", buying.CartLineApi.as_view(), name="cart-line"),
    path("checkouts/", buying.CheckoutListApi.as_view(), name="checkout-list"),
    path("checkouts/<int:pk>/", buying.CheckoutDetailApi.as_view(), name="checkout"),
    path("orders/", buying.OrderListApi.as_view(), name="order-list"),
    path("orders/<int:pk>/", buying.OrderDetailApi.as_view(), name="order"),
    path("orders/<int:pk>/cancel/", buying.OrderCancelApi.as_view(), name="order-cancel"),
    path(
        "orders/<int:pk>/confirm-receipt/",
        buying.OrderConfirmReceiptApi.as_view(),
        name="order-confirm-receipt",
    ),
    path("sales/orders/", selling.SalesOrderListApi.as_view(), name="sales-order-list"),
    path("sales/orders/<int:pk>/", selling.SalesOrderDetailApi.as_view(), name="sales-order"),
    *[
        path(f"sales/orders/<int:pk>/{action}/", view.as_view(), name=f"sales-order-{action}")
        for action, view in sales
    ],
    path(
        "sales/delivery-options/",
        selling.DeliveryOptionListApi.as_view(),
        name="delivery-option-list",
    ),
    path(
        "sales/delivery-options/<int:pk>/",
        selling.DeliveryOptionDetailApi.as_view(),
        name="delivery-option",
    ),
    path("outlet/orders/", outlet.OutletOrderListApi.as_view(), name="outlet-order-list"),
    path("outlet/pickups/lookup/", outlet.PickupLookupApi.as_view(), name="pickup-lookup"),
    path("outlet/pickups/collect/", outlet.PickupCollectApi.as_view(), name="pickup-collect"),
    path("outlet/pickups/refuse/", outlet.PickupRefuseApi.as_view(), name="pickup-refuse"),
    path("payments/<int:pk>/refund/", operator.PaymentRefundApi.as_view(), name="payment-refund"),
    path(
        "payments/<int:pk>/mark-paid/",
        operator.InvoiceMarkPaidApi.as_view(),
        name="invoice-mark-paid",
    ),
]

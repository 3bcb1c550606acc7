from django.urls import path

from orders.api import views, webhooks

sales = [
    ("accept", views.SalesOrderAcceptApi),
    ("reject", views.SalesOrderRejectApi),
    ("cancel", views.SalesOrderCancelApi),
    ("ship", views.SalesOrderShipApi),
    ("ready-for-pickup", views.SalesOrderReadyForPickupApi),
    ("delivered", views.SalesOrderDeliveredApi),
    ("collected", views.SalesOrderCollectedApi),
]

urlpatterns = [
    path("stripe/webhook/", webhooks.StripeWebhookApi.as_view(), name="stripe-webhook"),
    path("cart/", views.CartApi.as_view(), name="cart"),
    path("cart/lines/<int:listing_id>/", views.CartLineApi.as_view(), name="cart-line"),
    path("checkouts/", views.CheckoutListApi.as_view(), name="checkout-list"),
    path("checkouts/<int:pk>/", views.CheckoutDetailApi.as_view(), name="checkout"),
    path("orders/", views.OrderListApi.as_view(), name="order-list"),
    path("orders/<int:pk>/", views.OrderDetailApi.as_view(), name="order"),
    path("orders/<int:pk>/cancel/", views.OrderCancelApi.as_view(), name="order-cancel"),
    path(
        "orders/<int:pk>/confirm-receipt/",
        views.OrderConfirmReceiptApi.as_view(),
        name="order-confirm-receipt",
    ),
    path("sales/orders/", views.SalesOrderListApi.as_view(), name="sales-order-list"),
    path("sales/orders/<int:pk>/", views.SalesOrderDetailApi.as_view(), name="sales-order"),
    *[
        path(f"sales/orders/<int:pk>/{action}/", view.as_view(), name=f"sales-order-{action}")
        for action, view in sales
    ],
    path(
        "sales/delivery-options/",
        views.DeliveryOptionListApi.as_view(),
        name="delivery-option-list",
    ),
    path(
        "sales/delivery-options/<int:pk>/",
        views.DeliveryOptionDetailApi.as_view(),
        name="delivery-option",
    ),
    path("outlet/orders/", views.OutletOrderListApi.as_view(), name="outlet-order-list"),
    path("outlet/pickups/lookup/", views.PickupLookupApi.as_view(), name="pickup-lookup"),
    path("outlet/pickups/collect/", views.PickupCollectApi.as_view(), name="pickup-collect"),
    path("outlet/pickups/refuse/", views.PickupRefuseApi.as_view(), name="pickup-refuse"),
    path("payments/<int:pk>/refund/", views.PaymentRefundApi.as_view(), name="payment-refund"),
    path(
        "payments/<int:pk>/mark-paid/", views.InvoiceMarkPaidApi.as_view(), name="invoice-mark-paid"
    ),
]

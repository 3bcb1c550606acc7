from django.urls import path

from orders.api import webhooks
from orders.api.views import buying, credit, operator, outlet, selling
from orders.api.views import returns as return_views
from orders.api.views import rma as rma_views

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
    path("credit/", credit.CreditAccountListApi.as_view(), name="credit-account-list"),
    path("credit/statement/", credit.CreditStatementApi.as_view(), name="credit-statement"),
    path(
        "credit/statement.csv", credit.CreditStatementCsvApi.as_view(), name="credit-statement-csv"
    ),
    path("credit/goodwill/", credit.CreditGoodwillApi.as_view(), name="credit-goodwill"),
]

# Part returns for a refund (RMA): the buyer asks on an order line, the seller decides.
rma_actions = [
    ("approve", rma_views.SalesRmaApproveApi),
    ("decline", rma_views.SalesRmaDeclineApi),
    ("inspect", rma_views.SalesRmaInspectApi),
]
urlpatterns += [
    path(
        "orders/<int:pk>/lines/<int:line_id>/returns/",
        rma_views.RmaRequestApi.as_view(),
        name="order-line-return",
    ),
    path("rma/", rma_views.RmaListApi.as_view(), name="rma-list"),
    path("rma/<int:pk>/", rma_views.RmaDetailApi.as_view(), name="rma"),
    path("sales/rma/", rma_views.SalesRmaListApi.as_view(), name="sales-rma-list"),
    *[
        path(f"sales/rma/<int:pk>/{action}/", view.as_view(), name=f"sales-rma-{action}")
        for action, view in rma_actions
    ],
]

# Cores owed and returns (cores and parts share the way back; inspection here is of cores).
urlpatterns += [
    path("cores/", return_views.CoreListApi.as_view(), name="core-list"),
    path("cores/<int:pk>/return/", return_views.CoreReturnOpenApi.as_view(), name="core-return"),
    path("returns/", return_views.ReturnListApi.as_view(), name="return-list"),
    path("returns/core-rubric/", return_views.CoreRubricApi.as_view(), name="core-rubric"),
    path("returns/<int:pk>/", return_views.ReturnDetailApi.as_view(), name="return"),
    path("returns/<int:pk>/ship/", return_views.ReturnShipApi.as_view(), name="return-ship"),
    path("sales/returns/", return_views.SalesReturnListApi.as_view(), name="sales-return-list"),
    path(
        "sales/returns/<int:pk>/",
        return_views.SalesReturnDetailApi.as_view(),
        name="sales-return",
    ),
    path(
        "sales/returns/<int:pk>/receive/",
        return_views.SalesReturnReceiveApi.as_view(),
        name="sales-return-receive",
    ),
    path(
        "sales/returns/<int:pk>/inspect/",
        return_views.SalesReturnInspectApi.as_view(),
        name="sales-return-inspect",
    ),
    path(
        "sales/returns/<int:pk>/photos/",
        return_views.SalesReturnPhotoApi.as_view(),
        name="sales-return-photos",
    ),
    path("outlet/returns/", return_views.OutletReturnListApi.as_view(), name="outlet-return-list"),
    path(
        "outlet/returns/drop-off/",
        return_views.OutletReturnDropOffApi.as_view(),
        name="outlet-return-drop-off",
    ),
    path(
        "outlet/returns/<int:pk>/inspect/",
        return_views.OutletReturnInspectApi.as_view(),
        name="outlet-return-inspect",
    ),
    path(
        "outlet/returns/<int:pk>/photos/",
        return_views.OutletReturnPhotoApi.as_view(),
        name="outlet-return-photos",
    ),
]

"""The ordering pages (the API is in orders/api), by party."""

from django.urls import path

from orders.views import buying, buying_returns, outlet, selling, selling_returns

urlpatterns = [
    # The buyer
    path("cart/", buying.cart_page, name="cart-page"),
    path("cart/add/<int:listing_id>/", buying.cart_add, name="cart-add-page"),
    path("cart/lines/<int:listing_id>/", buying.cart_line, name="cart-line-page"),
    path("my/orders/", buying.my_orders, name="my-orders"),
    path("my/orders/<int:order_id>/", buying.my_order, name="my-order"),
    path("my/orders/<int:order_id>/cancel/", buying.order_cancel, name="my-order-cancel"),
    path(
        "my/orders/<int:order_id>/confirm-receipt/",
        buying.order_confirm_receipt,
        name="my-order-confirm-receipt",
    ),
    path(
        "my/orders/<int:order_id>/lines/<int:line_id>/return/",
        buying.order_line_return,
        name="my-order-line-return",
    ),
    path("my/cores/", buying_returns.my_cores, name="my-cores"),
    path("my/cores/<int:core_id>/return/", buying_returns.core_return_open, name="my-core-return"),
    path("my/credit/", buying_returns.my_credit, name="my-credit"),
    path("my/returns/", buying_returns.my_returns, name="my-returns"),
    path("my/returns/<int:case_id>/ship/", buying_returns.return_ship, name="my-return-ship"),
    # The seller
    path("sales/", selling.sales_page, name="sales-page"),
    path("sales/<int:order_id>/decide/", selling.sale_decide, name="sale-decide"),
    path("sales/<int:order_id>/", selling.sale_page, name="sale-page"),
    # One address per step of fulfilment (sale-accept, sale-ship, ...), one view for them all.
    *(
        path(
            f"sales/<int:order_id>/{step}/", selling.sale_step, {"step": step}, name=f"sale-{step}"
        )
        for step in selling.STEPS
    ),
    path("sales/returns/", selling_returns.seller_returns, name="seller-returns"),
    path("sales/returns/<int:case_id>/", selling_returns.seller_return_page, name="seller-return"),
    path(
        "sales/returns/<int:case_id>/approve/",
        selling_returns.seller_return_approve,
        name="seller-return-approve",
    ),
    path(
        "sales/returns/<int:case_id>/decline/",
        selling_returns.seller_return_decline,
        name="seller-return-decline",
    ),
    path(
        "sales/returns/<int:case_id>/receive/",
        selling_returns.seller_return_receive,
        name="seller-return-receive",
    ),
    path(
        "sales/returns/<int:case_id>/inspect/",
        selling_returns.seller_return_inspect,
        name="seller-return-inspect",
    ),
    path(
        "sales/returns/<int:case_id>/photos/<int:photo_id>/",
        selling_returns.seller_return_photo,
        name="seller-return-photo",
    ),
    # The outlet
    path("outlet/console/", outlet.pickup_console, name="pickup-console"),
    path("outlet/console/drop-off/", outlet.return_drop_off, name="return-drop-off"),
]

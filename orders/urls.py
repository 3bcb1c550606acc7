"""The ordering pages (the API is in orders/api), by party."""

from django.urls import path

from orders.views import buying, outlet, selling

urlpatterns = [
    # The buyer
    path("cart/", buying.cart_page, name="cart-page"),
    path("cart/add/<int:listing_id>/", buying.cart_add, name="cart-add-page"),
    path("my/orders/", buying.my_orders, name="my-orders"),
    # The seller
    path("sales/", selling.sales_page, name="sales-page"),
    path("sales/<int:order_id>/decide/", selling.sale_decide, name="sale-decide"),
    # The outlet
    path("outlet/console/", outlet.pickup_console, name="pickup-console"),
    path("outlet/console/drop-off/", outlet.return_drop_off, name="return-drop-off"),
]

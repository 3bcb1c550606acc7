"""The ordering pages (the API is in orders/api)."""

from django.urls import path

from orders import views

urlpatterns = [
    path("cart/", views.cart_page, name="cart-page"),
    path("cart/add/<int:listing_id>/", views.cart_add, name="cart-add-page"),
    path("my/orders/", views.my_orders, name="my-orders"),
    path("sales/", views.sales_page, name="sales-page"),
    path("sales/<int:order_id>/decide/", views.sale_decide, name="sale-decide"),
    path("outlet/console/", views.pickup_console, name="pickup-console"),
    path("outlet/console/drop-off/", views.return_drop_off, name="return-drop-off"),
]

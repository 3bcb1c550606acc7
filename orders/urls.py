"""The ordering pages (the API is in orders/api)."""

from django.urls import path

from orders import views

urlpatterns = [
    path("outlet/console/", views.pickup_console, name="pickup-console"),
    path("outlet/console/drop-off/", views.return_drop_off, name="return-drop-off"),
]

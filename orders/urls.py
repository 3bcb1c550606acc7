"""The ordering pages (the API is in orders/api)."""

urlpatterns: list = []

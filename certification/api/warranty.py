"""Insurers' warranty plans, holders' policies, and claims."""

urlpatterns: list = []

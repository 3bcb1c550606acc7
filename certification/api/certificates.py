"""Certifiers' schemes and certificates, and the public verification of a certificate."""

urlpatterns: list = []

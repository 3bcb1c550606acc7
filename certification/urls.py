"""Certification's pages (the API is in certification/api)."""

from django.urls import path

from certification import views

urlpatterns = [
    path("parts/<int:listing_id>/", views.part_page, name="part-page"),
]

"""The catalog's pages (the API is in catalog/api)."""

from django.urls import path

from catalog import views

urlpatterns = [
    path("", views.home, name="home"),
    path("search/", views.search_page, name="search-page"),
]

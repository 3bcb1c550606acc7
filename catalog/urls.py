"""The catalog's pages (the API is in catalog/api)."""

from django.urls import path

from catalog import views
from catalog.pages import feeds, inventory, listing_form

urlpatterns = [
    path("", views.home, name="home"),
    path("search/", views.search_page, name="search-page"),
    # The seller's inventory
    path("inventory/", inventory.inventory_page, name="inventory-page"),
    path(
        "inventory/<int:listing_id>/quick-edit/",
        inventory.listing_quick_edit,
        name="listing-quick-edit",
    ),
    path("inventory/new/", listing_form.listing_new, name="listing-new"),
    path("inventory/<int:listing_id>/edit/", listing_form.listing_edit, name="listing-edit"),
    path(
        "inventory/<int:listing_id>/photos/<int:photo_id>/remove/",
        listing_form.listing_photo_remove,
        name="listing-photo-remove",
    ),
    path("inventory/feeds/", feeds.feeds_page, name="feeds-page"),
    path("inventory/feeds/<int:feed_id>/", feeds.feed_page, name="feed-page"),
    path("inventory/feeds/<int:feed_id>/progress/", feeds.feed_progress, name="feed-progress"),
    path(
        "inventory/feeds/<int:feed_id>/rejected-rows.csv",
        feeds.feed_rejections_csv,
        name="feed-rejections-csv",
    ),
]

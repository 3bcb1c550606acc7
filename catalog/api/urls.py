from django.urls import include, path

from catalog.api import views
from catalog.api.search import SearchApi, SuggestApi

urlpatterns = [
    path("makes/", views.MakeListApi.as_view(), name="make-list"),
    path("vehicle-models/", views.VehicleModelListApi.as_view(), name="vehicle-model-list"),
    path("vehicles/", views.VehicleListApi.as_view(), name="vehicle-list"),
    path("vin/<str:vin>/", views.VinDecodeApi.as_view(), name="vin-decode"),
    path("part-types/", views.PartTypeListApi.as_view(), name="part-type-list"),
    path("parts/", views.PartListApi.as_view(), name="part-list"),
    path("parts/<int:pk>/", views.PartDetailApi.as_view(), name="part"),
    path("search/", SearchApi.as_view(), name="search"),
    path("search/suggest/", SuggestApi.as_view(), name="search-suggest"),
    path("listings/", views.ListingListApi.as_view(), name="listing-list"),
    path("listings/<int:pk>/", views.ListingDetailApi.as_view(), name="listing"),
    path("inventory/listings/", views.InventoryListApi.as_view(), name="inventory-list"),
    path("inventory/listings/<int:pk>/", views.InventoryDetailApi.as_view(), name="inventory"),
    path(
        "inventory/listings/<int:pk>/status/",
        views.InventoryStatusApi.as_view(),
        name="inventory-status",
    ),
    path(
        "inventory/listings/<int:pk>/price-tiers/",
        views.ListingPriceTiersApi.as_view(),
        name="inventory-price-tiers",
    ),
    path(
        "inventory/listings/<int:pk>/photos/",
        views.ListingPhotoAddApi.as_view(),
        name="inventory-photo-add",
    ),
    path(
        "inventory/listings/<int:pk>/photos/<int:photo_id>/",
        views.ListingPhotoDeleteApi.as_view(),
        name="inventory-photo",
    ),
    path("locations/", views.LocationListApi.as_view(), name="location-list"),
    path("locations/<int:pk>/", views.LocationDetailApi.as_view(), name="location"),
    path("", include("catalog.api.feeds")),
    path("", include("catalog.api.passport")),
]

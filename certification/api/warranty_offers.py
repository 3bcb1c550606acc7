"""Warranty on a listing: the plans a buyer may add (public), and the plan a seller includes in
the price.

`urlpatterns` is included under /api/v1/. The seller's endpoint finds the listing among those of
the seller the caller acts for (its organisation, or themself as an individual), so anyone
else's listing is a 404. Kept apart from `certification.api.warranty`, which is about plans,
policies and claims.
"""

from django.db.models import QuerySet
from django.urls import path
from django.utils import timezone
from drf_spectacular.utils import extend_schema
from rest_framework import generics, serializers
from rest_framework.permissions import AllowAny, IsAuthenticated
from rest_framework.response import Response
from rest_framework.views import APIView

from catalog.api.views import seller_for
from catalog.models import Listing
from catalog.selectors import listings_of_seller, listings_public
from catalog.services import Seller
from certification.models import IncludedWarranty, WarrantyPlan
from certification.offers import warranty_offers
from certification.services.included_warranty import included_warranty_set


class WarrantyOfferSerializer(serializers.Serializer):
    plan_id = serializers.IntegerField()
    plan_name = serializers.CharField()
    insurer_name = serializers.CharField()
    cover_months = serializers.IntegerField()
    currency = serializers.CharField()
    premium_per_unit = serializers.DecimalField(max_digits=12, decimal_places=2)
    included_by_seller = serializers.BooleanField(
        help_text="The seller pays the premium: the buyer gets this cover at no extra cost."
    )


class ListingWarrantyOffersSerializer(serializers.Serializer):
    listing = serializers.IntegerField()
    included_plan = serializers.IntegerField(
        allow_null=True, help_text="The plan the seller includes in the price, if any."
    )
    offers = WarrantyOfferSerializer(many=True)


class IncludedWarrantyInputSerializer(serializers.Serializer):
    plan = serializers.PrimaryKeyRelatedField(
        queryset=WarrantyPlan.objects.all(),
        allow_null=True,
        help_text="An active plan the listing is eligible for; null stops including one.",
    )


def _offers_of(listing: Listing) -> dict:
    included = IncludedWarranty.objects.filter(listing=listing).values_list("plan_id", flat=True)
    return {
        "listing": listing.pk,
        "included_plan": included.first(),
        "offers": warranty_offers([listing], on=timezone.localdate())[listing.pk],
    }


class ListingWarrantyOffersApi(APIView):
    """The warranty plans a published listing can be bought with today, cheapest premium
    first, with the premium for one unit at the listing's price. When the seller includes a
    plan in the price, it is the only offer."""

    permission_classes = [AllowAny]

    @extend_schema(responses={200: ListingWarrantyOffersSerializer})
    def get(self, request, pk: int):
        listing = generics.get_object_or_404(listings_public(), pk=pk)
        return Response(ListingWarrantyOffersSerializer(_offers_of(listing)).data)


def listings_of_acting_seller(seller: Seller) -> QuerySet[Listing]:
    """The listings of the seller the caller acts for, not those of their other organisations."""
    listings = listings_of_seller(seller.user)
    if seller.organisation is not None:
        return listings.filter(seller_organisation=seller.organisation)
    return listings.filter(seller_organisation__isnull=True, seller_user=seller.user)


class IncludedWarrantyApi(APIView):
    """The plan a seller includes in a listing's price (the premium comes out of its net)."""

    permission_classes = [IsAuthenticated]

    def listing(self, request, pk: int) -> tuple[Seller, Listing]:
        seller = seller_for(request)
        return seller, generics.get_object_or_404(listings_of_acting_seller(seller), pk=pk)

    @extend_schema(responses={200: ListingWarrantyOffersSerializer})
    def get(self, request, pk: int):
        _, listing = self.listing(request, pk)
        return Response(ListingWarrantyOffersSerializer(_offers_of(listing)).data)

    @extend_schema(
        request=IncludedWarrantyInputSerializer,
        responses={200: ListingWarrantyOffersSerializer},
    )
    def put(self, request, pk: int):
        seller, listing = self.listing(request, pk)
        data = IncludedWarrantyInputSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        included_warranty_set(listing=listing, seller=seller, plan=data.validated_data["plan"])
        return Response(ListingWarrantyOffersSerializer(_offers_of(listing)).data)


urlpatterns = [
    path(
        "listings/<int:pk>/warranty-offers/",
        ListingWarrantyOffersApi.as_view(),
        name="listing-warranty-offers",
    ),
    path(
        "inventory/listings/<int:pk>/included-warranty/",
        IncludedWarrantyApi.as_view(),
        name="inventory-included-warranty",
    ),
]

"""The part passport API: a listing's history as a buyer sees it, and its verification.

`urlpatterns` is included under /api/v1/. A passport is visible wherever its listing is: to
everyone once published, and to the seller for its own drafts and withdrawn listings; any
other listing answers 404, so its existence is not confirmed.
"""

from django.db.models import Q, QuerySet
from django.shortcuts import get_object_or_404
from django.urls import path
from drf_spectacular.utils import extend_schema
from rest_framework import generics, serializers
from rest_framework.permissions import AllowAny
from rest_framework.response import Response
from rest_framework.views import APIView

from catalog.models import Listing, PassportEvent
from catalog.passport import passport_verify
from catalog.selectors import PUBLIC_STATUSES, listings_of_seller


def listings_with_visible_passport(user) -> QuerySet[Listing]:
    """Published listings, and the caller's own in any status."""
    own = listings_of_seller(user).values("pk")
    return Listing.objects.filter(Q(status__in=PUBLIC_STATUSES) | Q(pk__in=own))


class PassportEventSerializer(serializers.ModelSerializer):
    label = serializers.CharField(source="get_kind_display")
    recorded_by = serializers.CharField(source="recorded_by.name", allow_null=True, default=None)

    class Meta:
        model = PassportEvent
        fields = [
            "sequence", "unit", "kind", "label", "details", "recorded_by", "recorded_at",
            "previous_hash", "hash",
        ]  # fmt: skip
        read_only_fields = fields


class PassportVerificationSerializer(serializers.Serializer):
    intact = serializers.BooleanField()
    events = serializers.IntegerField()
    broken_at = serializers.IntegerField(
        allow_null=True, help_text="The sequence of the first event that does not check."
    )
    reason = serializers.CharField()


class ListingPassportApi(generics.ListAPIView):
    """A listing's passport, oldest event first: where the part came from, what was done to
    it. Each event carries its hash and its predecessor's, so anyone can re-check the chain."""

    permission_classes = [AllowAny]
    serializer_class = PassportEventSerializer
    filterset_fields = {"kind": ["exact"], "unit": ["exact", "isnull"]}

    def get_queryset(self) -> QuerySet[PassportEvent]:
        if getattr(self, "swagger_fake_view", False):
            return PassportEvent.objects.none()
        listing = get_object_or_404(
            listings_with_visible_passport(self.request.user), pk=self.kwargs["pk"]
        )
        return (
            PassportEvent.objects.filter(listing=listing)
            .select_related("recorded_by")
            .order_by("sequence")
        )


class ListingPassportVerifyApi(APIView):
    """Recompute every hash and link of a listing's passport: intact, or where it breaks."""

    permission_classes = [AllowAny]

    @extend_schema(responses={200: PassportVerificationSerializer})
    def get(self, request, pk: int):
        listing = get_object_or_404(listings_with_visible_passport(request.user), pk=pk)
        verification = passport_verify(listing=listing)
        return Response(PassportVerificationSerializer(verification).data)


urlpatterns = [
    path("listings/<int:pk>/passport/", ListingPassportApi.as_view(), name="listing-passport"),
    path(
        "listings/<int:pk>/passport/verify/",
        ListingPassportVerifyApi.as_view(),
        name="listing-passport-verify",
    ),
]

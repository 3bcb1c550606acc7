from drf_spectacular.utils import extend_schema
from rest_framework import generics, status
from rest_framework.parsers import MultiPartParser
from rest_framework.permissions import AllowAny, IsAuthenticated
from rest_framework.response import Response
from rest_framework.views import APIView

from catalog import services
from catalog import vin as vin_decoder
from catalog.api.serializers import (
    ListingCreateInputSerializer,
    ListingInputSerializer,
    ListingPhotoInputSerializer,
    ListingPhotoSerializer,
    ListingSerializer,
    ListingStatusInputSerializer,
    LocationInputSerializer,
    LocationSerializer,
    MakeSerializer,
    PartSerializer,
    PartTypeSerializer,
    PriceTiersInputSerializer,
    VehicleModelSerializer,
    VehicleSerializer,
    VinDecodingSerializer,
)
from catalog.filters import (
    InventoryListingFilter,
    ListingFilter,
    LocationFilter,
    PartFilter,
    PartTypeFilter,
    VehicleFilter,
    VehicleModelFilter,
)
from catalog.models import ListingPhoto, Make, PartType, Vehicle, VehicleModel
from catalog.selectors import (
    listings_of_seller,
    listings_public,
    locations_of,
    parts_with_details,
    vehicles_for_decoding,
)
from catalog.services import Seller
from marketplace.api.permissions import IsMemberOfOwner, acting_organisation
from marketplace.errors import DomainError, NotPermitted
from marketplace.models import SELLER_KINDS


def seller_for(request) -> Seller:
    """The caller as a seller: the organisation they act for, or themselves as an individual.

    Raises NotPermitted when the caller acts for an organisation that does not sell (a garage,
    an outlet, a certifier...).
    """
    organisation = acting_organisation(request)
    if organisation is not None and organisation.kind not in SELLER_KINDS:
        raise NotPermitted(f"A {organisation.kind} does not sell parts.")
    return Seller(organisation=organisation, user=request.user)


class ReferenceDataApi(generics.ListAPIView):
    permission_classes = [AllowAny]


class MakeListApi(ReferenceDataApi):
    serializer_class = MakeSerializer
    queryset = Make.objects.all()
    filterset_fields = {"name": ["iexact", "istartswith"]}


class VehicleModelListApi(ReferenceDataApi):
    serializer_class = VehicleModelSerializer
    queryset = VehicleModel.objects.select_related("make")
    filterset_class = VehicleModelFilter


class VehicleListApi(ReferenceDataApi):
    serializer_class = VehicleSerializer
    queryset = Vehicle.objects.select_related("model__make").order_by("model__name", "year", "id")
    filterset_class = VehicleFilter


class VinDecodeApi(APIView):
    """Decode a VIN offline against NHTSA's vPIC data and find our matching vehicle rows."""

    permission_classes = [AllowAny]

    @extend_schema(responses={200: VinDecodingSerializer})
    def get(self, request, vin: str):
        try:
            decoding = vin_decoder.decode_vin(vin)
        except vin_decoder.VinError as error:
            raise DomainError.for_field("vin", error.message, code=error.code) from None
        vehicles = vehicles_for_decoding(
            make=decoding.make, model=decoding.model, year=decoding.model_year
        )
        payload = {**decoding.__dict__, "vehicles": list(vehicles)}
        return Response(VinDecodingSerializer(payload).data)


class PartTypeListApi(ReferenceDataApi):
    serializer_class = PartTypeSerializer
    queryset = PartType.objects.select_related("group")
    filterset_class = PartTypeFilter


class PartListApi(ReferenceDataApi):
    serializer_class = PartSerializer
    queryset = parts_with_details()
    filterset_class = PartFilter


class PartDetailApi(generics.RetrieveAPIView):
    permission_classes = [AllowAny]
    serializer_class = PartSerializer
    queryset = parts_with_details()


class ListingListApi(generics.ListAPIView):
    """Published listings of every seller."""

    permission_classes = [AllowAny]
    serializer_class = ListingSerializer
    filterset_class = ListingFilter

    def get_queryset(self):
        return listings_public()


class ListingDetailApi(generics.RetrieveAPIView):
    permission_classes = [AllowAny]
    serializer_class = ListingSerializer

    def get_queryset(self):
        return listings_public()


class InventoryListApi(generics.ListAPIView):
    """The caller's own listings in every status; POST creates one."""

    serializer_class = ListingSerializer
    filterset_class = InventoryListingFilter

    def get_queryset(self):
        return listings_of_seller(self.request.user)

    @extend_schema(request=ListingCreateInputSerializer, responses={201: ListingSerializer})
    def post(self, request):
        data = ListingCreateInputSerializer(data=request.data, context={"request": request})
        data.is_valid(raise_exception=True)
        listing = services.listing_create(seller=seller_for(request), **data.validated_data)
        listing = listings_of_seller(request.user).get(pk=listing.pk)
        return Response(ListingSerializer(listing).data, status=status.HTTP_201_CREATED)


OWNER_ONLY = [IsAuthenticated, IsMemberOfOwner]


class OwnedListingMixin:
    """Finds a listing among the caller's own (another seller's is a 404), then checks it."""

    def owned_listing(self, request, pk: int):
        listing = generics.get_object_or_404(listings_of_seller(request.user), pk=pk)
        self.check_object_permissions(request, listing)
        return listing


class InventoryDetailApi(generics.RetrieveAPIView):
    serializer_class = ListingSerializer
    permission_classes = OWNER_ONLY

    def get_queryset(self):
        return listings_of_seller(self.request.user)

    @extend_schema(request=ListingInputSerializer, responses={200: ListingSerializer})
    def patch(self, request, pk: int):
        listing = self.get_object()
        data = ListingInputSerializer(data=request.data, partial=True, context={"request": request})
        data.is_valid(raise_exception=True)
        services.listing_update(listing=listing, seller=seller_for(request), **data.validated_data)
        return Response(ListingSerializer(self.get_object()).data)


class InventoryStatusApi(OwnedListingMixin, APIView):
    """Publish, withdraw or return a listing to draft."""

    permission_classes = OWNER_ONLY

    @extend_schema(request=ListingStatusInputSerializer, responses={200: ListingSerializer})
    def post(self, request, pk: int):
        listing = self.owned_listing(request, pk)
        data = ListingStatusInputSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        services.listing_set_status(
            listing=listing, seller=seller_for(request), to_status=data.validated_data["status"]
        )
        return Response(ListingSerializer(listings_of_seller(request.user).get(pk=pk)).data)


class ListingPriceTiersApi(OwnedListingMixin, APIView):
    """Replace the listing's quantity price tiers for business buyers (an empty list removes
    them)."""

    permission_classes = OWNER_ONLY

    @extend_schema(request=PriceTiersInputSerializer, responses={200: ListingSerializer})
    def put(self, request, pk: int):
        listing = self.owned_listing(request, pk)
        data = PriceTiersInputSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        tiers = [services.PriceTierTerms(**tier) for tier in data.validated_data["tiers"]]
        services.listing_price_tiers_set(listing=listing, tiers=tiers)
        return Response(ListingSerializer(listings_of_seller(request.user).get(pk=pk)).data)


class ListingPhotoAddApi(OwnedListingMixin, APIView):
    parser_classes = [MultiPartParser]
    permission_classes = OWNER_ONLY

    @extend_schema(request=ListingPhotoInputSerializer, responses={201: ListingPhotoSerializer})
    def post(self, request, pk: int):
        listing = self.owned_listing(request, pk)
        data = ListingPhotoInputSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        photo = services.listing_photo_add(listing=listing, image=data.validated_data["image"])
        return Response(ListingPhotoSerializer(photo).data, status=status.HTTP_201_CREATED)


class ListingPhotoDeleteApi(OwnedListingMixin, APIView):
    permission_classes = OWNER_ONLY

    @extend_schema(request=None, responses={204: None})
    def delete(self, request, pk: int, photo_id: int):
        listing = self.owned_listing(request, pk)
        photo = generics.get_object_or_404(
            ListingPhoto.objects.filter(listing=listing), pk=photo_id
        )
        services.listing_photo_delete(photo=photo)
        return Response(status=status.HTTP_204_NO_CONTENT)


class LocationListApi(generics.ListAPIView):
    """The caller's stocking places; POST adds a yard."""

    serializer_class = LocationSerializer
    filterset_class = LocationFilter

    def get_queryset(self):
        return locations_of(self.request.user)

    @extend_schema(request=LocationInputSerializer, responses={201: LocationSerializer})
    def post(self, request):
        data = LocationInputSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        location = services.location_create(seller=seller_for(request), **data.validated_data)
        return Response(LocationSerializer(location).data, status=status.HTTP_201_CREATED)


class LocationDetailApi(generics.RetrieveAPIView):
    serializer_class = LocationSerializer
    permission_classes = OWNER_ONLY

    def get_queryset(self):
        return locations_of(self.request.user)

    @extend_schema(request=LocationInputSerializer, responses={200: LocationSerializer})
    def patch(self, request, pk: int):
        location = self.get_object()
        data = LocationInputSerializer(data=request.data, partial=True)
        data.is_valid(raise_exception=True)
        location = services.location_update(location=location, **data.validated_data)
        return Response(LocationSerializer(location).data)

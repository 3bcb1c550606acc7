"""`GET /api/v1/search/`: the marketplace search, by vehicle, part number, text and filters."""

from django.core.files.storage import default_storage
from django.utils import timezone
from django.utils.translation import gettext as _
from drf_spectacular.utils import extend_schema
from rest_framework import serializers
from rest_framework.permissions import AllowAny
from rest_framework.response import Response
from rest_framework.views import APIView

from catalog import vin as vin_decoder
from catalog.models import Condition, Grade, Make, VehicleModel
from catalog.search import search, suggest
from catalog.search.query import (
    MAX_PAGE,
    MAX_PAGE_SIZE,
    GeoPoint,
    SearchRequest,
    SellerKind,
    Sort,
    VehicleFilter,
)
from marketplace.errors import DomainError


class SearchInputSerializer(serializers.Serializer):
    q = serializers.CharField(max_length=200, required=False, allow_blank=True)
    vin = serializers.CharField(max_length=40, required=False)
    make = serializers.CharField(max_length=100, required=False)
    model = serializers.CharField(max_length=150, required=False)
    year = serializers.IntegerField(min_value=1900, max_value=2100, required=False)
    condition = serializers.ListField(
        child=serializers.ChoiceField(choices=Condition.choices), required=False
    )
    grade = serializers.ListField(
        child=serializers.ChoiceField(choices=Grade.choices), required=False
    )
    part_type = serializers.ListField(child=serializers.SlugField(max_length=60), required=False)
    part_type_group = serializers.SlugField(max_length=40, required=False)
    price_min = serializers.DecimalField(
        max_digits=12, decimal_places=2, min_value=0, required=False
    )
    price_max = serializers.DecimalField(
        max_digits=12, decimal_places=2, min_value=0, required=False
    )
    seller_kind = serializers.ChoiceField(choices=[k.value for k in SellerKind], required=False)
    certified = serializers.BooleanField(required=False, default=False)
    warranty_days_min = serializers.IntegerField(min_value=0, max_value=3650, required=False)
    lat = serializers.FloatField(min_value=-90, max_value=90, required=False)
    lng = serializers.FloatField(min_value=-180, max_value=180, required=False)
    within_km = serializers.FloatField(min_value=0.1, max_value=5000, required=False)
    pickup = serializers.BooleanField(required=False, default=False)
    sort = serializers.ChoiceField(choices=[s.value for s in Sort], default=Sort.RELEVANCE)
    page = serializers.IntegerField(min_value=1, max_value=MAX_PAGE, default=1)
    page_size = serializers.IntegerField(min_value=1, max_value=MAX_PAGE_SIZE, default=20)

    LIST_FIELDS = ("condition", "grade", "part_type")

    def validate(self, data):
        if ("lat" in data) != ("lng" in data):
            raise serializers.ValidationError({"lng" if "lat" in data else "lat": _("Give both.")})
        if ("within_km" in data or data.get("sort") == Sort.DISTANCE) and "lat" not in data:
            raise serializers.ValidationError({"lat": _("Give lat and lng to search by distance.")})
        if "model" in data and "make" not in data:
            raise serializers.ValidationError({"make": _("Give the make of the model.")})
        if "year" in data and "model" not in data and "vin" not in data:
            raise serializers.ValidationError({"model": _("Give the model of the year.")})
        return data


def _query_data(query_params) -> dict:
    """Query parameters as serializer input; an unknown parameter is an error, not ignored."""
    known = set(SearchInputSerializer().fields)
    unknown = sorted(set(query_params) - known)
    if unknown:
        raise DomainError(
            _("Unknown search parameters."),
            fields={name: [_("Not a search parameter.")] for name in unknown},
            code="unknown_parameter",
        )
    data = {}
    for name in query_params:
        values = query_params.getlist(name)
        data[name] = values if name in SearchInputSerializer.LIST_FIELDS else values[-1]
    return data


def _vehicle_filter(data: dict) -> VehicleFilter | None:
    """The make / model / year to search for, from a VIN or from names."""
    if "vin" in data:
        try:
            decoded = vin_decoder.decode_vin(data["vin"])
        except vin_decoder.VinError as error:
            raise DomainError.for_field("vin", error.message, code=error.code) from None
        make, model, year = decoded.make, decoded.model, decoded.model_year
    elif "make" in data:
        make, model, year = data["make"], data.get("model"), data.get("year")
    else:
        return None
    make_row = Make.objects.filter(name__iexact=make).first()
    if make_row is None:
        raise DomainError.for_field("make", _("'%(make)s' is not a make we know.") % {"make": make})
    model_row = None
    if model:
        model_row = VehicleModel.objects.filter(make=make_row, name__iexact=model).first()
        if model_row is None:
            raise DomainError.for_field(
                "model",
                _("'%(model)s' is not a %(make)s model.") % {"model": model, "make": make_row.name},
            )
    return VehicleFilter(make_row.id, model_row.id if model_row else None, year)


def search_request_from(query_params) -> SearchRequest:
    """Validate the query string into a SearchRequest; raises ValidationError or DomainError
    naming the field."""
    data = SearchInputSerializer(data=_query_data(query_params))
    data.is_valid(raise_exception=True)
    values = data.validated_data
    near = GeoPoint(values["lat"], values["lng"]) if "lat" in values else None
    return SearchRequest(
        text=values.get("q", ""),
        vehicle=_vehicle_filter(values),
        conditions=tuple(values.get("condition", ())),
        grades=tuple(values.get("grade", ())),
        part_types=tuple(values.get("part_type", ())),
        part_type_group=values.get("part_type_group", ""),
        price_min=values.get("price_min"),
        price_max=values.get("price_max"),
        seller_kind=SellerKind(values["seller_kind"]) if "seller_kind" in values else None,
        certified_only=values["certified"],
        warranty_days_min=values.get("warranty_days_min"),
        near=near,
        within_km=values.get("within_km"),
        pickup_only=values["pickup"],
        sort=Sort(values["sort"]),
        page=values["page"],
        page_size=values["page_size"],
    )


class HitSerializer(serializers.Serializer):
    listing_id = serializers.IntegerField()
    title = serializers.CharField()
    part_type = serializers.CharField()
    condition = serializers.CharField()
    grade = serializers.CharField()
    price = serializers.DecimalField(max_digits=12, decimal_places=2)
    core_charge = serializers.DecimalField(max_digits=12, decimal_places=2)
    currency = serializers.CharField()
    warranty_days = serializers.IntegerField()
    donor_mileage = serializers.IntegerField(allow_null=True)
    seller_name = serializers.CharField()
    seller_kind = serializers.CharField()
    distance_km = serializers.FloatField(allow_null=True)
    interchange_match = serializers.BooleanField()
    photo = serializers.SerializerMethodField()
    certified = serializers.SerializerMethodField(
        help_text="Covered today by an active certificate (the listing's, its product line's "
        "or its seller's)."
    )
    certified_until = serializers.DateField(allow_null=True)
    badges = serializers.SerializerMethodField(help_text="Labels of the badges valid today")

    def get_certified(self, hit) -> bool:
        return hit.certified_on(timezone.localdate())

    def get_badges(self, hit) -> list[str]:
        return hit.badges_on(timezone.localdate())

    def get_photo(self, hit) -> str | None:
        """The first photo's URL, from the storage name the index keeps."""
        return default_storage.url(hit.photo) if hit.photo else None


class FacetValueSerializer(serializers.Serializer):
    value = serializers.CharField()
    label = serializers.CharField()
    count = serializers.IntegerField()


class SearchResultSerializer(serializers.Serializer):
    total = serializers.IntegerField()
    total_exact = serializers.BooleanField(
        help_text="False when the total and the facet counts are estimates (many matches)."
    )
    page = serializers.IntegerField()
    page_size = serializers.IntegerField()
    hits = HitSerializer(many=True)
    facets = serializers.DictField(child=FacetValueSerializer(many=True))


class SearchApi(APIView):
    """Listings that fit a vehicle (VIN or make/model/year), by text or part number (typos and
    interchange included), filtered, faceted, sorted and paged."""

    permission_classes = [AllowAny]

    @extend_schema(
        parameters=[SearchInputSerializer],
        responses={200: SearchResultSerializer},
    )
    def get(self, request):
        result = search(search_request_from(request.query_params))
        return Response(SearchResultSerializer(result).data)


class SuggestInputSerializer(serializers.Serializer):
    q = serializers.CharField(min_length=2, max_length=100)


class SuggestOutputSerializer(serializers.Serializer):
    part_types = serializers.ListField(child=serializers.DictField(child=serializers.CharField()))
    part_numbers = serializers.ListField(child=serializers.CharField())


class SuggestApi(APIView):
    """Suggestions as the user types a part name or number."""

    permission_classes = [AllowAny]

    @extend_schema(parameters=[SuggestInputSerializer], responses={200: SuggestOutputSerializer})
    def get(self, request):
        data = SuggestInputSerializer(data=request.query_params)
        data.is_valid(raise_exception=True)
        return Response(suggest(data.validated_data["q"]))

import django_filters
from django.db.models import Q

from catalog.models import (
    Condition,
    FeedImport,
    FeedImportStatus,
    Grade,
    Listing,
    ListingStatus,
    Location,
    LocationKind,
    Part,
    PartType,
    Vehicle,
    VehicleModel,
)
from catalog.part_numbers import normalise_part_number
from catalog.search.query import SellerKind


class VehicleModelFilter(django_filters.FilterSet):
    make = django_filters.CharFilter(field_name="make__name", lookup_expr="iexact")
    name = django_filters.CharFilter(lookup_expr="icontains")

    class Meta:
        model = VehicleModel
        fields = ["make", "name"]


class VehicleFilter(django_filters.FilterSet):
    make = django_filters.CharFilter(field_name="model__make__name", lookup_expr="iexact")
    model = django_filters.CharFilter(field_name="model__name", lookup_expr="iexact")
    year = django_filters.NumberFilter()
    vehicle_type = django_filters.CharFilter()

    class Meta:
        model = Vehicle
        fields = ["make", "model", "year", "vehicle_type"]


class PartTypeFilter(django_filters.FilterSet):
    group = django_filters.CharFilter(field_name="group__code")
    name = django_filters.CharFilter(lookup_expr="icontains")

    class Meta:
        model = PartType
        fields = ["group", "name", "freight_only"]


class PartFilter(django_filters.FilterSet):
    number = django_filters.CharFilter(method="filter_number", label="OE number, any spelling")
    part_type = django_filters.CharFilter(field_name="part_type__code")
    interchange = django_filters.CharFilter(field_name="interchange_group__code")

    class Meta:
        model = Part
        fields = ["number", "part_type", "interchange"]

    def filter_number(self, queryset, name, value):
        return queryset.filter(oe_number_normalised=normalise_part_number(value))


class ListingFilter(django_filters.FilterSet):
    condition = django_filters.MultipleChoiceFilter(choices=Condition.choices)
    grade = django_filters.MultipleChoiceFilter(choices=Grade.choices)
    part_type = django_filters.CharFilter(field_name="part_type__code")
    part_type_group = django_filters.CharFilter(field_name="part_type__group__code")
    price_min = django_filters.NumberFilter(field_name="price", lookup_expr="gte")
    price_max = django_filters.NumberFilter(field_name="price", lookup_expr="lte")
    currency = django_filters.CharFilter()
    seller_kind = django_filters.ChoiceFilter(
        choices=[(kind.value, kind.value.title()) for kind in SellerKind], method="filter_seller"
    )
    in_stock = django_filters.BooleanFilter(method="filter_in_stock")
    part_number = django_filters.CharFilter(method="filter_part_number")
    donor_make = django_filters.CharFilter(lookup_expr="iexact")
    donor_model = django_filters.CharFilter(lookup_expr="iexact")
    donor_year = django_filters.NumberFilter()
    warranty_days_min = django_filters.NumberFilter(field_name="warranty_days", lookup_expr="gte")

    class Meta:
        model = Listing
        fields: list[str] = []

    def filter_seller(self, queryset, name, value):
        individual = value == SellerKind.INDIVIDUAL
        return queryset.filter(seller_organisation__isnull=individual)

    def filter_in_stock(self, queryset, name, value):
        return queryset.filter(quantity_on_hand__gt=0) if value else queryset

    def filter_part_number(self, queryset, name, value):
        normalised = normalise_part_number(value)
        return queryset.filter(
            Q(part__oe_number_normalised=normalised) | Q(part_numbers__normalised=normalised)
        ).distinct()


class InventoryListingFilter(ListingFilter):
    status = django_filters.MultipleChoiceFilter(choices=ListingStatus.choices)
    sku = django_filters.CharFilter(field_name="seller_sku", lookup_expr="istartswith")


class LocationFilter(django_filters.FilterSet):
    kind = django_filters.ChoiceFilter(choices=LocationKind.choices)

    class Meta:
        model = Location
        fields = ["kind", "pickup_available"]


class FeedImportFilter(django_filters.FilterSet):
    status = django_filters.ChoiceFilter(choices=FeedImportStatus.choices)

    class Meta:
        model = FeedImport
        fields = ["status"]

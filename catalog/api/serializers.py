from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from catalog.badges import badges_of
from catalog.models import (
    Badge,
    Condition,
    Currency,
    Fitment,
    Grade,
    Listing,
    ListingPhoto,
    ListingStatus,
    Location,
    LocationKind,
    Make,
    Part,
    PartType,
    ProductLine,
    SizeClass,
    Vehicle,
    VehicleModel,
)
from catalog.rules import MAX_PRICE
from catalog.selectors import locations_of
from marketplace.selectors import organisation_ids_for


class MakeSerializer(serializers.ModelSerializer):
    class Meta:
        model = Make
        fields = ["id", "name"]


class VehicleModelSerializer(serializers.ModelSerializer):
    make = serializers.CharField(source="make.name")

    class Meta:
        model = VehicleModel
        fields = ["id", "make", "name"]


class VehicleSerializer(serializers.ModelSerializer):
    make = serializers.CharField(source="model.make.name")
    model = serializers.CharField(source="model.name")
    model_id = serializers.IntegerField()

    class Meta:
        model = Vehicle
        fields = ["id", "make", "model", "model_id", "year", "vehicle_type"]


class VinDecodingSerializer(serializers.Serializer):
    vin = serializers.CharField()
    make = serializers.CharField()
    model = serializers.CharField()
    model_year = serializers.IntegerField()
    manufacturer = serializers.CharField(allow_null=True)
    trim = serializers.CharField(allow_null=True)
    engine = serializers.CharField(allow_null=True)
    body = serializers.CharField(allow_null=True)
    vehicle_type = serializers.CharField(allow_null=True)
    drive_type = serializers.CharField(allow_null=True)
    fuel_type = serializers.CharField(allow_null=True)
    vehicles = VehicleSerializer(many=True)


class PartTypeSerializer(serializers.ModelSerializer):
    group = serializers.CharField(source="group.code")
    group_name = serializers.CharField(source="group.name")

    class Meta:
        model = PartType
        fields = ["code", "name", "group", "group_name", "freight_only"]


class FitmentSerializer(serializers.ModelSerializer):
    make = serializers.CharField(source="vehicle_model.make.name")
    model = serializers.CharField(source="vehicle_model.name")

    class Meta:
        model = Fitment
        fields = ["make", "model", "year_from", "year_to", "engine", "trim"]


class InterchangeablePartSerializer(serializers.ModelSerializer):
    class Meta:
        model = Part
        fields = ["id", "oe_number", "brand"]


class PartSerializer(serializers.ModelSerializer):
    part_type = PartTypeSerializer()
    interchange_group = serializers.CharField(source="interchange_group.code", allow_null=True)
    interchangeable_with = serializers.SerializerMethodField()
    fitments = FitmentSerializer(many=True)

    class Meta:
        model = Part
        fields = [
            "id", "oe_number", "oe_number_normalised", "brand", "name", "part_type",
            "interchange_group", "interchangeable_with", "fitments",
        ]  # fmt: skip

    @extend_schema_field(InterchangeablePartSerializer(many=True))
    def get_interchangeable_with(self, part: Part) -> list[dict]:
        """The other parts of the part's interchange group (prefetched by the selector)."""
        if part.interchange_group is None:
            return []
        others = [p for p in part.interchange_group.parts.all() if p.pk != part.pk]
        return InterchangeablePartSerializer(others, many=True).data


class LocationSerializer(serializers.ModelSerializer):
    class Meta:
        model = Location
        fields = [
            "id", "kind", "name", "address", "city", "postcode", "country", "latitude",
            "longitude", "pickup_available",
        ]  # fmt: skip


class LocationInputSerializer(serializers.Serializer):
    kind = serializers.ChoiceField(choices=[LocationKind.YARD], default=LocationKind.YARD)
    name = serializers.CharField(max_length=120)
    address = serializers.CharField(max_length=300, required=False, allow_blank=True)
    city = serializers.CharField(max_length=100, required=False, allow_blank=True)
    postcode = serializers.CharField(max_length=20, required=False, allow_blank=True)
    country = serializers.RegexField(r"^[A-Z]{2}$", required=False)
    latitude = serializers.DecimalField(max_digits=9, decimal_places=6, min_value=-90, max_value=90)
    longitude = serializers.DecimalField(
        max_digits=9, decimal_places=6, min_value=-180, max_value=180
    )
    pickup_available = serializers.BooleanField(required=False)


class ListingPhotoSerializer(serializers.ModelSerializer):
    url = serializers.ImageField(source="image", read_only=True)

    class Meta:
        model = ListingPhoto
        fields = ["id", "url", "width", "height", "position"]


class ListingPhotoInputSerializer(serializers.Serializer):
    image = serializers.FileField()


class SellerSerializer(serializers.Serializer):
    kind = serializers.SerializerMethodField()
    name = serializers.SerializerMethodField()
    slug = serializers.CharField(source="seller_organisation.slug", allow_null=True)

    def get_kind(self, listing: Listing) -> str:
        organisation = listing.seller_organisation
        return organisation.kind if organisation else "individual"

    def get_name(self, listing: Listing) -> str:
        organisation = listing.seller_organisation
        return organisation.name if organisation else listing.seller_user.username


class DonorSerializer(serializers.Serializer):
    vin = serializers.CharField(source="donor_vin")
    year = serializers.IntegerField(source="donor_year", allow_null=True)
    make = serializers.CharField(source="donor_make")
    model = serializers.CharField(source="donor_model")
    mileage = serializers.IntegerField(source="donor_mileage", allow_null=True)
    vehicle_id = serializers.IntegerField(source="donor_vehicle_id", allow_null=True)


class PriceTierSerializer(serializers.Serializer):
    min_quantity = serializers.IntegerField(min_value=2, max_value=100_000)
    unit_price = serializers.DecimalField(
        max_digits=12, decimal_places=2, min_value=0, max_value=MAX_PRICE
    )


class PriceTiersInputSerializer(serializers.Serializer):
    tiers = PriceTierSerializer(many=True, max_length=10)


class BadgeSerializer(serializers.ModelSerializer):
    scheme = serializers.CharField(source="scheme_slug")
    certifier = serializers.CharField(source="certifier_name")

    class Meta:
        model = Badge
        fields = ["label", "summary", "scheme", "certificate_number", "certifier", "valid_until"]


class ListingListSerializer(serializers.ListSerializer):
    """Reads the badges of a whole page of listings in one query, not one per listing."""

    def to_representation(self, data):
        listings = list(data.all() if hasattr(data, "all") else data)
        self.child.badges_by_listing = badges_of(listings)
        return super().to_representation(listings)


class ListingSerializer(serializers.ModelSerializer):
    seller = SellerSerializer(source="*")
    part_type = PartTypeSerializer()
    part_id = serializers.IntegerField(allow_null=True)
    part_numbers = serializers.SlugRelatedField(slug_field="number", many=True, read_only=True)
    location = LocationSerializer(allow_null=True)
    donor = DonorSerializer(source="*")
    photos = ListingPhotoSerializer(many=True)
    price_tiers = PriceTierSerializer(many=True, help_text="Unit prices for business buyers")
    product_line_id = serializers.IntegerField(allow_null=True, read_only=True)
    badges = serializers.SerializerMethodField(
        help_text="Active, unexpired certificates covering the listing, its product line or "
        "its seller."
    )

    class Meta:
        model = Listing
        list_serializer_class = ListingListSerializer
        fields = [
            "id", "seller", "seller_sku", "title", "description", "part_type", "part_id",
            "part_numbers", "condition", "grade", "damage_notes", "price", "currency",
            "core_charge", "core_return_days", "price_tiers", "quantity_on_hand",
            "warranty_days", "size_class", "location", "donor", "photos", "product_line_id",
            "badges", "status", "created_at", "updated_at",
        ]  # fmt: skip

    badges_by_listing: dict[int, list[Badge]] | None = None

    @extend_schema_field(BadgeSerializer(many=True))
    def get_badges(self, listing: Listing) -> list[dict]:
        found = self.badges_by_listing
        if found is None or listing.pk not in found:  # one listing shown on its own
            found = badges_of([listing])
        return BadgeSerializer(found.get(listing.pk, []), many=True).data


class ListingInputSerializer(serializers.Serializer):
    """Every field a seller may set, named one by one: seller and status are never input."""

    seller_sku = serializers.RegexField(r"^[\w.\-/ ]{1,64}$")
    part_type = serializers.SlugRelatedField(
        slug_field="code", queryset=PartType.objects.all(), required=False
    )
    part = serializers.PrimaryKeyRelatedField(
        queryset=Part.objects.all(), required=False, allow_null=True
    )
    title = serializers.CharField(max_length=200, required=False, allow_blank=True)
    description = serializers.CharField(max_length=5000, required=False, allow_blank=True)
    condition = serializers.ChoiceField(choices=Condition.choices)
    grade = serializers.ChoiceField(choices=Grade.choices, required=False, allow_blank=True)
    damage_notes = serializers.CharField(max_length=2000, required=False, allow_blank=True)
    price = serializers.DecimalField(
        max_digits=12, decimal_places=2, min_value=0, max_value=MAX_PRICE
    )
    currency = serializers.ChoiceField(choices=Currency.choices, required=False)
    core_charge = serializers.DecimalField(
        max_digits=12, decimal_places=2, min_value=0, max_value=MAX_PRICE, required=False
    )
    core_return_days = serializers.IntegerField(
        min_value=1,
        max_value=365,
        required=False,
        help_text="Days after delivery or collection the buyer has to return the core.",
    )
    quantity_on_hand = serializers.IntegerField(min_value=0, max_value=100_000, required=False)
    warranty_days = serializers.IntegerField(min_value=0, max_value=3650, required=False)
    size_class = serializers.ChoiceField(choices=SizeClass.choices, required=False)
    location = serializers.PrimaryKeyRelatedField(
        queryset=Location.objects.none(), required=False, allow_null=True
    )
    donor_vin = serializers.CharField(max_length=17, required=False, allow_blank=True)
    donor_year = serializers.IntegerField(
        min_value=1900, max_value=2100, required=False, allow_null=True
    )
    donor_make = serializers.CharField(max_length=100, required=False, allow_blank=True)
    donor_model = serializers.CharField(max_length=150, required=False, allow_blank=True)
    donor_mileage = serializers.IntegerField(
        min_value=0, max_value=5_000_000, required=False, allow_null=True
    )
    product_line = serializers.PrimaryKeyRelatedField(
        queryset=ProductLine.objects.none(),
        required=False,
        allow_null=True,
        help_text="One of your remanufacturer's product lines; its certificates cover the listing.",
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        request = self.context.get("request")
        if request is not None:
            self.fields["location"].queryset = locations_of(request.user)
            self.fields["product_line"].queryset = ProductLine.objects.filter(
                organisation_id__in=organisation_ids_for(request.user)
            )


class ListingCreateInputSerializer(ListingInputSerializer):
    publish = serializers.BooleanField(default=False)


class ListingStatusInputSerializer(serializers.Serializer):
    status = serializers.ChoiceField(choices=ListingStatus.choices)

"""Listings: one seller's offer of a part, where it is stocked and what it looks like."""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from catalog.models.parts import Part, PartType
from catalog.models.vehicles import Vehicle
from catalog.part_numbers import normalise_part_number
from marketplace.models import Organisation


class Currency(models.TextChoices):
    """ISO 4217 codes, shown as they are in every language."""

    USD = "USD", "USD"
    EUR = "EUR", "EUR"
    GBP = "GBP", "GBP"
    CAD = "CAD", "CAD"
    CNY = "CNY", "CNY"


class LocationKind(models.TextChoices):
    YARD = "yard", _("Seller's yard")
    OUTLET = "outlet", _("Outlet")


class Location(models.Model):
    """A stocking place: a seller's yard or an outlet's counter, with its coordinates."""

    organisation = models.ForeignKey(
        Organisation, null=True, blank=True, on_delete=models.CASCADE, related_name="locations"
    )
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="locations",
    )
    kind = models.CharField(max_length=10, choices=LocationKind.choices, default=LocationKind.YARD)
    name = models.CharField(max_length=120)
    address = models.CharField(max_length=300, blank=True)
    city = models.CharField(max_length=100, blank=True)
    postcode = models.CharField(max_length=20, blank=True)
    country = models.CharField(max_length=2, default="US")
    latitude = models.DecimalField(max_digits=9, decimal_places=6)
    longitude = models.DecimalField(max_digits=9, decimal_places=6)
    pickup_available = models.BooleanField(default=False)

    class Meta:
        ordering = ["name", "id"]
        constraints = [
            models.CheckConstraint(
                condition=Q(organisation__isnull=False, user__isnull=True)
                | Q(organisation__isnull=True, user__isnull=False),
                name="location_has_one_owner",
            ),
            models.CheckConstraint(
                condition=Q(latitude__gte=-90, latitude__lte=90)
                & Q(longitude__gte=-180, longitude__lte=180),
                name="location_coordinates_valid",
            ),
        ]

    def __str__(self) -> str:
        return self.name

    @property
    def owner_organisation_id(self) -> int | None:
        return self.organisation_id

    @property
    def owner_user_id(self) -> int | None:
        return self.user_id


class Condition(models.TextChoices):
    NEW_OEM = "new_oem", _("New OEM")
    AFTERMARKET = "aftermarket", _("Aftermarket")
    RECYCLED = "recycled", _("Recycled")
    REFURBISHED = "refurbished", _("Refurbished")
    REMANUFACTURED = "remanufactured", _("Remanufactured")


GRADED_CONDITIONS = frozenset({Condition.RECYCLED, Condition.REFURBISHED})


class Grade(models.TextChoices):
    A = "A", _("A: best, minimal wear")
    B = "B", _("B: moderate wear or minor damage")
    C = "C", _("C: heavy wear or damage, still serviceable")


class SizeClass(models.TextChoices):
    """How big a part is to ship; freight parts (engines, doors) go by freight or collection."""

    SMALL = "small", _("Small parcel")
    MEDIUM = "medium", _("Medium parcel")
    LARGE = "large", _("Large parcel")
    FREIGHT = "freight", _("Freight only")


class ListingStatus(models.TextChoices):
    DRAFT = "draft", _("Draft")
    ACTIVE = "active", _("Active")
    SOLD_OUT = "sold_out", _("Sold out")
    WITHDRAWN = "withdrawn", _("Withdrawn")


LISTING_TRANSITIONS = {
    ListingStatus.DRAFT: {ListingStatus.ACTIVE, ListingStatus.WITHDRAWN},
    ListingStatus.ACTIVE: {ListingStatus.SOLD_OUT, ListingStatus.WITHDRAWN, ListingStatus.DRAFT},
    ListingStatus.SOLD_OUT: {ListingStatus.ACTIVE, ListingStatus.WITHDRAWN},
    ListingStatus.WITHDRAWN: {ListingStatus.DRAFT, ListingStatus.ACTIVE},
}


class Listing(models.Model):
    """One seller's offer of a part: condition, grade, price, stock, location and donor."""

    # The seller columns lead the unique SKU and (seller, status) indexes, which serve every
    # lookup by seller; an index of their own would only slow feed imports.
    seller_organisation = models.ForeignKey(
        Organisation,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="listings",
        db_index=False,
    )
    seller_user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="listings",
        db_index=False,
    )
    seller_sku = models.CharField(max_length=64)
    part_type = models.ForeignKey(PartType, on_delete=models.PROTECT, related_name="listings")
    part = models.ForeignKey(
        Part, null=True, blank=True, on_delete=models.PROTECT, related_name="listings"
    )
    title = models.CharField(max_length=200)
    description = models.TextField(blank=True)
    condition = models.CharField(max_length=20, choices=Condition.choices)
    grade = models.CharField(max_length=1, choices=Grade.choices, blank=True)
    damage_notes = models.TextField(blank=True)
    price = models.DecimalField(max_digits=12, decimal_places=2)
    currency = models.CharField(max_length=3, choices=Currency.choices, default=Currency.USD)
    core_charge = models.DecimalField(max_digits=12, decimal_places=2, default=0)
    # Days after delivery or collection the buyer has to return the core.
    core_return_days = models.PositiveSmallIntegerField(default=30, db_default=30)
    quantity_on_hand = models.IntegerField(default=1)
    warranty_days = models.PositiveIntegerField(default=0)
    # The database default lets bulk loads that predate the column (COPY) leave it out.
    size_class = models.CharField(
        max_length=10,
        choices=SizeClass.choices,
        default=SizeClass.MEDIUM,
        db_default=SizeClass.MEDIUM,
    )
    location = models.ForeignKey(
        Location, null=True, blank=True, on_delete=models.SET_NULL, related_name="listings"
    )
    # A remanufacturer's certified range this listing belongs to (see catalog.models.badges).
    product_line = models.ForeignKey(
        "catalog.ProductLine",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="listings",
    )
    donor_vin = models.CharField(max_length=17, blank=True)
    donor_vehicle = models.ForeignKey(
        Vehicle, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    donor_year = models.PositiveSmallIntegerField(null=True, blank=True)
    donor_make = models.CharField(max_length=100, blank=True)
    donor_model = models.CharField(max_length=150, blank=True)
    donor_mileage = models.PositiveIntegerField(null=True, blank=True)
    status = models.CharField(
        max_length=10, choices=ListingStatus.choices, default=ListingStatus.DRAFT
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)
    # Set by every write that matters to search; the indexing task clears it once indexed.
    search_dirty = models.BooleanField(default=True, db_default=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        constraints = [
            models.CheckConstraint(
                condition=Q(seller_organisation__isnull=False, seller_user__isnull=True)
                | Q(seller_organisation__isnull=True, seller_user__isnull=False),
                name="listing_has_one_seller",
            ),
            models.UniqueConstraint(
                fields=["seller_organisation", "seller_sku"],
                condition=Q(seller_organisation__isnull=False),
                name="listing_sku_unique_per_organisation",
            ),
            models.UniqueConstraint(
                fields=["seller_user", "seller_sku"],
                condition=Q(seller_user__isnull=False),
                name="listing_sku_unique_per_individual",
            ),
            models.CheckConstraint(condition=~Q(seller_sku=""), name="listing_sku_not_empty"),
            models.CheckConstraint(
                condition=Q(quantity_on_hand__gte=0), name="listing_quantity_not_negative"
            ),
            models.CheckConstraint(condition=Q(price__gte=0), name="listing_price_not_negative"),
            models.CheckConstraint(
                condition=Q(core_charge__gte=0), name="listing_core_charge_not_negative"
            ),
            models.CheckConstraint(
                condition=Q(condition__in=Condition.values), name="listing_condition_valid"
            ),
            models.CheckConstraint(
                condition=Q(grade="") | Q(condition__in=sorted(GRADED_CONDITIONS)),
                name="listing_grade_only_for_used_parts",
            ),
            models.CheckConstraint(
                condition=Q(grade__in=["", *Grade.values]), name="listing_grade_valid"
            ),
            models.CheckConstraint(
                condition=Q(status__in=ListingStatus.values), name="listing_status_valid"
            ),
            models.CheckConstraint(
                condition=Q(currency__in=Currency.values), name="listing_currency_valid"
            ),
            models.CheckConstraint(
                condition=Q(size_class__in=SizeClass.values), name="listing_size_class_valid"
            ),
        ]
        indexes = [
            models.Index(
                fields=["id"], condition=Q(search_dirty=True), name="listing_search_dirty"
            ),
            models.Index(fields=["status", "part_type"]),
            models.Index(fields=["seller_organisation", "status"]),
            models.Index(fields=["seller_user", "status"]),
        ]

    def __str__(self) -> str:
        return f"{self.seller_sku}: {self.title}"

    @property
    def owner_organisation_id(self) -> int | None:
        return self.seller_organisation_id

    @property
    def owner_user_id(self) -> int | None:
        return self.seller_user_id


class ListingPriceTier(models.Model):
    """A business buyer's unit price from `min_quantity` units up (B2B quantity pricing)."""

    listing = models.ForeignKey(
        Listing, on_delete=models.CASCADE, related_name="price_tiers", db_index=False
    )
    min_quantity = models.PositiveIntegerField()
    unit_price = models.DecimalField(max_digits=12, decimal_places=2)

    class Meta:
        ordering = ["listing_id", "min_quantity"]
        constraints = [
            models.UniqueConstraint(
                fields=["listing", "min_quantity"], name="listing_price_tier_unique"
            ),
            models.CheckConstraint(
                condition=Q(min_quantity__gte=2), name="listing_price_tier_from_two_units"
            ),
            models.CheckConstraint(
                condition=Q(unit_price__gte=0), name="listing_price_tier_price_not_negative"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.min_quantity}+ at {self.unit_price}"


class ListingPartNumber(models.Model):
    """Further OE or interchange numbers a seller gives for a listing (feed rows sharing a SKU)."""

    # The unique (listing, normalised) index serves lookups by listing.
    listing = models.ForeignKey(
        Listing, on_delete=models.CASCADE, related_name="part_numbers", db_index=False
    )
    number = models.CharField(max_length=60)
    normalised = models.CharField(max_length=60)

    class Meta:
        ordering = ["listing_id", "id"]
        constraints = [
            models.UniqueConstraint(
                fields=["listing", "normalised"], name="listing_part_number_unique"
            ),
        ]
        indexes = [models.Index(fields=["normalised"], name="listing_part_number_normalised")]

    def __str__(self) -> str:
        return self.number

    def save(self, *args, **kwargs):
        self.normalised = normalise_part_number(self.number)
        super().save(*args, **kwargs)


def listing_photo_path(photo: "ListingPhoto", filename: str) -> str:
    return f"listings/{photo.listing_id}/{filename}"


class ListingPhoto(models.Model):
    listing = models.ForeignKey(Listing, on_delete=models.CASCADE, related_name="photos")
    image = models.ImageField(
        upload_to=listing_photo_path, width_field="width", height_field="height"
    )
    width = models.PositiveIntegerField(default=0)
    height = models.PositiveIntegerField(default=0)
    position = models.PositiveSmallIntegerField(default=0)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["listing_id", "position", "id"]

    def __str__(self) -> str:
        return self.image.name

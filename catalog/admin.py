"""The platform operator's admin for the catalog: vehicles, part taxonomy, parts, listings, feeds.

Reference tables are large (60,000 vehicles, 3,500 models), so every foreign key to them is an
autocomplete widget, never a plain select that would render every row, and every list selects the
related rows it prints.
"""

from django import forms
from django.contrib import admin, messages
from django.core.exceptions import ValidationError
from django.db.models import Count, Q, QuerySet
from django.http import HttpRequest
from django.urls import reverse
from django.utils.html import format_html

from catalog.models import (
    Badge,
    FeedImport,
    FeedRejection,
    Fitment,
    InterchangeGroup,
    Listing,
    ListingPartNumber,
    ListingPhoto,
    ListingPriceTier,
    ListingSearch,
    Location,
    Make,
    Part,
    PartType,
    PartTypeGroup,
    PassportEvent,
    ProductLine,
    Vehicle,
    VehicleModel,
)
from catalog.part_numbers import normalise_part_number
from catalog.passport import passport_verify
from catalog.services import Seller, listing_set_status
from marketplace.errors import DomainError

FEED_REJECTIONS_SHOWN = 200
DONOR_FIELDS = [
    "donor_vin",
    "donor_vehicle",
    "donor_year",
    "donor_make",
    "donor_model",
    "donor_mileage",
]


class PartNumberSearchMixin:
    """Also find rows by a part number typed in any spelling (`31100 raa` finds `31100-RAA-A01`).

    The search box splits on spaces, so an OE number written with spaces would otherwise become
    several unrelated words; its normal form is matched as a prefix of the normalised columns.
    """

    part_number_lookups: tuple[str, ...] = ()

    def get_search_results(self, request: HttpRequest, queryset: QuerySet, search_term: str):
        matched, may_have_duplicates = super().get_search_results(request, queryset, search_term)
        normalised = normalise_part_number(search_term)
        if not normalised or not self.part_number_lookups:
            return matched, may_have_duplicates
        by_number = Q.create(
            [(f"{lookup}__startswith", normalised) for lookup in self.part_number_lookups],
            connector=Q.OR,
        )
        return matched | queryset.filter(by_number), True


# Vehicles


@admin.register(Make)
class MakeAdmin(admin.ModelAdmin):
    list_display = ["name", "model_count"]
    search_fields = ["name"]

    def get_queryset(self, request: HttpRequest) -> QuerySet[Make]:
        return super().get_queryset(request).annotate(model_count=Count("models"))

    @admin.display(description="models", ordering="model_count")
    def model_count(self, make: Make) -> int:
        return make.model_count


@admin.register(VehicleModel)
class VehicleModelAdmin(admin.ModelAdmin):
    list_display = ["name", "make"]
    search_fields = ["make__name", "name"]
    list_select_related = ["make"]
    autocomplete_fields = ["make"]

    def get_queryset(self, request: HttpRequest) -> QuerySet[VehicleModel]:
        # __str__ prints the make; autocomplete answers go through this queryset too.
        return super().get_queryset(request).select_related("make")


@admin.register(Vehicle)
class VehicleAdmin(admin.ModelAdmin):
    list_display = ["year", "make", "model", "vehicle_type"]
    list_filter = ["year", "vehicle_type"]
    # "2003 honda accord" matches: each word must hit the make, the model or the year.
    search_fields = ["model__make__name", "model__name", "year__exact"]
    autocomplete_fields = ["model"]
    ordering = ["model__make__name", "model__name", "year", "vehicle_type"]

    def get_queryset(self, request: HttpRequest) -> QuerySet[Vehicle]:
        return super().get_queryset(request).select_related("model__make")

    @admin.display(ordering="model__make__name")
    def make(self, vehicle: Vehicle) -> str:
        return vehicle.model.make.name


# Part taxonomy, parts and fitment


class PartTypeInline(admin.TabularInline):
    model = PartType
    fields = ["code", "name", "freight_only"]
    extra = 0


@admin.register(PartTypeGroup)
class PartTypeGroupAdmin(admin.ModelAdmin):
    list_display = ["name", "code", "part_type_count"]
    search_fields = ["name", "code"]
    inlines = [PartTypeInline]

    def get_queryset(self, request: HttpRequest) -> QuerySet[PartTypeGroup]:
        return super().get_queryset(request).annotate(part_type_count=Count("part_types"))

    @admin.display(description="part types", ordering="part_type_count")
    def part_type_count(self, group: PartTypeGroup) -> int:
        return group.part_type_count


@admin.register(PartType)
class PartTypeAdmin(admin.ModelAdmin):
    list_display = ["name", "code", "group", "freight_only"]
    list_filter = ["group", "freight_only"]
    search_fields = ["name", "code"]
    list_select_related = ["group"]

    def get_readonly_fields(self, request: HttpRequest, obj: PartType | None = None):
        # Codes are the stable key of listings, feeds and search facets: set once, never renamed.
        return ["code"] if obj else []


class PartForm(forms.ModelForm):
    """Refuses an OE number whose normal form another part holds, before the database would."""

    class Meta:
        model = Part
        fields = ["oe_number", "part_type", "brand", "name", "interchange_group"]

    def clean_oe_number(self) -> str:
        oe_number = self.cleaned_data["oe_number"]
        normalised = normalise_part_number(oe_number)
        if not normalised:
            raise ValidationError("An OE number needs at least one letter or digit.")
        taken = Part.objects.filter(oe_number_normalised=normalised).exclude(pk=self.instance.pk)
        if taken.exists():
            raise ValidationError(f"A part with OE number {normalised} exists already.")
        return oe_number


class PartOfInterchangeGroupInline(admin.TabularInline):
    model = Part
    form = PartForm
    fields = ["oe_number", "part_type", "brand", "name"]
    autocomplete_fields = ["part_type"]
    extra = 0


@admin.register(InterchangeGroup)
class InterchangeGroupAdmin(admin.ModelAdmin):
    list_display = ["code", "part_type", "description"]
    list_filter = ["part_type__group"]
    search_fields = ["code", "description"]
    list_select_related = ["part_type"]
    autocomplete_fields = ["part_type"]
    inlines = [PartOfInterchangeGroupInline]


class FitmentInline(admin.TabularInline):
    model = Fitment
    fields = ["vehicle_model", "year_from", "year_to", "engine", "trim"]
    autocomplete_fields = ["vehicle_model"]
    extra = 0

    def get_queryset(self, request: HttpRequest) -> QuerySet[Fitment]:
        return super().get_queryset(request).select_related("vehicle_model__make")


@admin.register(Part)
class PartAdmin(PartNumberSearchMixin, admin.ModelAdmin):
    form = PartForm
    list_display = ["oe_number", "oe_number_normalised", "part_type", "brand", "name"]
    list_filter = ["part_type__group"]
    search_fields = [
        "oe_number",
        "oe_number_normalised",
        "brand",
        "name",
        "interchange_group__code",
    ]
    part_number_lookups = ("oe_number_normalised",)
    list_select_related = ["part_type"]
    readonly_fields = ["oe_number_normalised"]
    autocomplete_fields = ["part_type", "interchange_group"]
    inlines = [FitmentInline]


@admin.register(Fitment)
class FitmentAdmin(admin.ModelAdmin):
    list_display = ["part", "vehicle_model", "year_from", "year_to", "engine", "trim"]
    search_fields = [
        "part__oe_number",
        "part__oe_number_normalised",
        "vehicle_model__make__name",
        "vehicle_model__name",
    ]
    autocomplete_fields = ["part", "vehicle_model"]

    def get_queryset(self, request: HttpRequest) -> QuerySet[Fitment]:
        return super().get_queryset(request).select_related("part", "vehicle_model__make")


# Locations and listings


@admin.register(Location)
class LocationAdmin(admin.ModelAdmin):
    list_display = ["name", "kind", "owner", "city", "country", "pickup_available"]
    list_filter = ["kind", "pickup_available", "country"]
    search_fields = ["name", "city", "postcode", "organisation__name", "user__email"]
    list_select_related = ["organisation", "user"]
    autocomplete_fields = ["organisation", "user"]

    @admin.display(ordering="organisation__name")
    def owner(self, location: Location) -> str:
        return str(location.organisation or location.user)


class ListingPartNumberForm(forms.ModelForm):
    """Keeps `normalised` in step with `number` and refuses a number the listing already has.

    The unique constraint is on `normalised`, which is not a form field, so Django's own
    constraint validation skips it; without this check a duplicate would be a database error.
    """

    class Meta:
        model = ListingPartNumber
        fields = ["listing", "number"]

    def clean(self):
        cleaned = super().clean()
        normalised = normalise_part_number(cleaned.get("number") or "")
        listing = cleaned.get("listing") or getattr(self.instance, "listing", None)
        if "number" in cleaned and not normalised:
            self.add_error("number", "A part number needs at least one letter or digit.")
        elif listing is not None and listing.pk and normalised:
            numbers = ListingPartNumber.objects.filter(listing=listing, normalised=normalised)
            if numbers.exclude(pk=self.instance.pk).exists():
                self.add_error("number", f"The listing has part number {normalised} already.")
        self.instance.normalised = normalised
        return cleaned


class ListingPartNumberFormSet(forms.BaseInlineFormSet):
    def clean(self) -> None:
        """Two rows of one save may not spell the same number."""
        super().clean()
        seen: set[str] = set()
        for form in self.forms:
            number = getattr(form, "cleaned_data", {}).get("number")
            if not number or self._should_delete_form(form):
                continue
            normalised = normalise_part_number(number)
            if normalised in seen:
                raise ValidationError(f"Part number {normalised} is given twice.")
            seen.add(normalised)


class ReadOnlyAdminMixin:
    """A record a service writes: the operator may look and delete, never add or edit."""

    def has_add_permission(self, request: HttpRequest, obj=None) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj=None) -> bool:
        return False


class ListingPartNumberInline(ReadOnlyAdminMixin, admin.TabularInline):
    model = ListingPartNumber
    form = ListingPartNumberForm
    formset = ListingPartNumberFormSet
    fields = ["number", "normalised"]
    readonly_fields = ["normalised"]
    extra = 0


class ListingPriceTierInline(ReadOnlyAdminMixin, admin.TabularInline):
    model = ListingPriceTier
    fields = ["min_quantity", "unit_price"]
    extra = 0


class ListingPhotoInline(ReadOnlyAdminMixin, admin.TabularInline):
    model = ListingPhoto
    fields = ["image", "position", "width", "height"]
    readonly_fields = ["width", "height"]
    extra = 0


@admin.register(Listing)
class ListingAdmin(ReadOnlyAdminMixin, PartNumberSearchMixin, admin.ModelAdmin):
    """Listings as the operator sees them: to look at, and to withdraw.

    A listing's terms and status belong to its seller and change through the services
    (`listing_update`, `listing_set_status`), which check the terms, the transition table and
    the stock, and mark the listing for re-indexing. A form here would skip all of that, so the
    page is read-only and withdrawing is an action that calls the service.
    """

    actions = ["withdraw"]
    list_display = [
        "seller", "seller_sku", "title", "condition", "grade", "price_with_currency",
        "quantity_on_hand", "status",
    ]  # fmt: skip
    list_filter = ["condition", "grade", "status", "currency"]
    search_fields = ["seller_sku", "title", "part__oe_number", "part_numbers__number", "donor_vin"]
    part_number_lookups = ("part__oe_number_normalised", "part_numbers__normalised")
    list_select_related = ["seller_organisation", "seller_user"]
    autocomplete_fields = [
        "seller_organisation", "seller_user", "part_type", "part", "location", "donor_vehicle",
    ]  # fmt: skip
    readonly_fields = ["status", "created_at", "updated_at"]
    fieldsets = [
        (None, {"fields": ["seller_organisation", "seller_user", "seller_sku", "status"]}),
        ("Part", {"fields": ["part_type", "part", "title", "description"]}),
        ("Condition", {"fields": ["condition", "grade", "damage_notes", "warranty_days"]}),
        ("Price and stock", {"fields": ["price", "currency", "core_charge", "quantity_on_hand"]}),
        ("Shipping", {"fields": ["size_class"]}),
        ("Location", {"fields": ["location"]}),
        ("Donor vehicle", {"fields": DONOR_FIELDS}),
        ("History", {"fields": ["created_at", "updated_at"]}),
    ]
    inlines = [ListingPartNumberInline, ListingPriceTierInline, ListingPhotoInline]

    @admin.action(description="Withdraw the selected listings")
    def withdraw(self, request: HttpRequest, queryset: QuerySet[Listing]) -> None:
        withdrawn = 0
        for listing in queryset:
            seller = Seller(organisation=listing.seller_organisation, user=listing.seller_user)
            try:
                listing_set_status(listing=listing, seller=seller, to_status="withdrawn")
                withdrawn += 1
            except DomainError as error:
                self.message_user(request, f"{listing}: {error.message}", messages.WARNING)
        self.message_user(request, f"{withdrawn} listing(s) withdrawn.")

    @admin.display(ordering="seller_organisation__name")
    def seller(self, listing: Listing) -> str:
        return str(listing.seller_organisation or listing.seller_user)

    @admin.display(description="price", ordering="price")
    def price_with_currency(self, listing: Listing) -> str:
        return f"{listing.price} {listing.currency}"


@admin.register(ListingPartNumber)
class ListingPartNumberAdmin(admin.ModelAdmin):
    form = ListingPartNumberForm
    list_display = ["number", "normalised", "listing"]
    search_fields = ["number", "normalised", "listing__seller_sku"]
    list_select_related = ["listing"]
    readonly_fields = ["normalised"]
    autocomplete_fields = ["listing"]


@admin.register(ListingPriceTier)
class ListingPriceTierAdmin(ReadOnlyAdminMixin, admin.ModelAdmin):
    """Tiers are the seller's terms, set through `listing_price_tiers_set`, which keeps them
    cheaper per unit as quantities grow."""

    list_display = ["listing", "min_quantity", "unit_price"]
    search_fields = ["listing__seller_sku", "listing__title"]
    list_select_related = ["listing"]


@admin.register(ListingPhoto)
class ListingPhotoAdmin(admin.ModelAdmin):
    list_display = ["image", "listing", "position", "width", "height", "created_at"]
    search_fields = ["listing__seller_sku", "listing__title"]
    list_select_related = ["listing"]
    readonly_fields = ["width", "height", "created_at"]
    autocomplete_fields = ["listing"]


# Feeds: records of what an import did, written by the import service only.


class FeedRejectionFormSet(forms.BaseInlineFormSet):
    def get_queryset(self) -> QuerySet[FeedRejection]:
        # A feed can reject thousands of rows; the page shows the first ones and links the rest.
        # Kept on the formset so the slice is evaluated once, not once per form.
        if not hasattr(self, "_rejections_shown"):
            self._rejections_shown = super().get_queryset()[:FEED_REJECTIONS_SHOWN]
        return self._rejections_shown


class FeedRejectionInline(ReadOnlyAdminMixin, admin.TabularInline):
    model = FeedRejection
    formset = FeedRejectionFormSet
    fields = ["line", "column", "reason", "value"]
    readonly_fields = fields
    can_delete = False
    extra = 0


@admin.register(FeedImport)
class FeedImportAdmin(ReadOnlyAdminMixin, admin.ModelAdmin):
    list_display = [
        "id", "seller_organisation", "original_name", "status", "rows_total", "created_count",
        "updated_count", "unchanged_count", "rejected_count", "withdrawn_count", "created_at",
    ]  # fmt: skip
    list_filter = ["status", "withdraw_missing"]
    search_fields = ["original_name", "seller_organisation__name"]
    list_select_related = ["seller_organisation"]
    readonly_fields = ["all_rejections"]
    inlines = [FeedRejectionInline]

    @admin.display(description="rejections")
    def all_rejections(self, feed_import: FeedImport) -> str:
        url = reverse("admin:catalog_feedrejection_changelist")
        return format_html(
            '<a href="{}?feed_import__id__exact={}">All {} rejected rows</a>',
            url,
            feed_import.pk,
            feed_import.rejected_count,
        )


@admin.register(FeedRejection)
class FeedRejectionAdmin(ReadOnlyAdminMixin, admin.ModelAdmin):
    list_display = ["feed_import", "line", "column", "reason", "value"]
    search_fields = ["reason", "value", "column"]
    list_select_related = ["feed_import"]


@admin.register(ListingSearch)
class ListingSearchAdmin(ReadOnlyAdminMixin, admin.ModelAdmin):
    """The search rows as the database backend sees them, to answer "why is it not found?".
    Written only by the indexing service; deleting a row just drops it until the next index."""

    list_display = ["listing_id", "title", "part_type", "condition", "grade", "price", "make"]
    list_filter = ["condition", "grade", "seller_kind", "certified_until"]
    search_fields = ["title", "part_numbers", "=listing__id"]
    raw_id_fields = ["listing"]


# The passport: appended by `catalog.passport.passport_append` only.


@admin.register(PassportEvent)
class PassportEventAdmin(ReadOnlyAdminMixin, admin.ModelAdmin):
    """Passport events to look at, never to add, edit or delete: any of those would break the
    listing's hash chain, which is exactly what the chain exists to show."""

    list_display = ["listing", "sequence", "unit", "kind", "recorded_by", "recorded_at"]
    list_filter = ["kind"]
    search_fields = ["=listing__id", "listing__seller_sku", "=hash"]
    list_select_related = ["listing", "recorded_by"]
    fields = [
        "listing", "sequence", "unit", "kind", "details", "recorded_by", "recorded_at",
        "previous_hash", "hash", "chain",
    ]  # fmt: skip
    readonly_fields = ["chain"]

    def has_delete_permission(self, request: HttpRequest, obj=None) -> bool:
        return False

    @admin.display(description="chain of the listing")
    def chain(self, event: PassportEvent) -> str:
        verification = passport_verify(listing=event.listing)
        return f"{verification.events} events: {verification.reason}"


# Certification's side in the catalog: product lines, and badges written by certification only.


@admin.register(ProductLine)
class ProductLineAdmin(admin.ModelAdmin):
    list_display = ["name", "organisation"]
    search_fields = ["name", "organisation__name"]
    list_select_related = ["organisation"]
    autocomplete_fields = ["organisation"]


@admin.register(Badge)
class BadgeAdmin(ReadOnlyAdminMixin, admin.ModelAdmin):
    """Badges as listings show them; they change only with their certificate (revoke or
    suspend it in certification), so here they are read-only."""

    list_display = ["certificate_number", "label", "subject", "valid_until", "active"]
    list_filter = ["subject", "active", "scheme_slug"]
    search_fields = ["=certificate_number", "label", "certifier_name"]
    raw_id_fields = ["listing", "product_line", "seller_organisation"]

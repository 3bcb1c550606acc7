"""Forms of the seller's inventory pages. They check the shape of what is typed, with the same
bounds as the inventory API's input (`ListingInputSerializer`); the listing services decide
the rest, and their refusals are shown next to the field they name."""

from django import forms
from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import RegexValidator
from django.template.defaultfilters import filesizeformat
from django.utils.translation import gettext_lazy as _
from PIL import Image, UnidentifiedImageError

from catalog.api.serializers import ListingInputSerializer
from catalog.models import (
    Condition,
    Currency,
    Grade,
    Listing,
    ListingStatus,
    Location,
    Part,
    PartType,
    ProductLine,
    SizeClass,
)
from catalog.part_numbers import normalise_part_number
from catalog.services import MAX_PHOTOS_PER_LISTING, PHOTO_FORMATS

API_FIELDS = ListingInputSerializer().fields
MAX_PRICE = API_FIELDS["price"].max_value
SKU_PATTERN = next(
    v.regex for v in API_FIELDS["seller_sku"].validators if isinstance(v, RegexValidator)
)

AMOUNT_ERRORS = {
    "invalid": _("Give an amount such as 12.50."),
    "min_value": _("An amount cannot be negative."),
    "max_value": _("This amount is too large."),
    "max_decimal_places": _("Give at most two decimals (cents)."),
    "max_digits": _("This amount is too large."),
    "max_whole_digits": _("This amount is too large."),
}
WHOLE_NUMBER_ERRORS = {
    "invalid": _("Give a whole number such as 3."),
    "min_value": _("This cannot be below %(limit_value)s."),
    "max_value": _("This cannot be above %(limit_value)s."),
}


# Service argument names that the forms ask for under another name.
FORM_NAMES = {"part": "oe_number", "image": "photos"}


def amount_field(label, **kwargs) -> forms.DecimalField:
    return forms.DecimalField(
        label=label, min_value=0, max_value=MAX_PRICE, max_digits=12, decimal_places=2,
        error_messages=AMOUNT_ERRORS, widget=forms.TextInput(attrs={"inputmode": "decimal"}),
        **kwargs,
    )  # fmt: skip


def whole_number_field(label, api_name: str, **kwargs) -> forms.IntegerField:
    """A whole number bounded like the API's field of that name."""
    api_field = API_FIELDS[api_name]
    return forms.IntegerField(
        label=label, min_value=api_field.min_value, max_value=api_field.max_value,
        error_messages=WHOLE_NUMBER_ERRORS, widget=forms.TextInput(attrs={"inputmode": "numeric"}),
        **kwargs,
    )  # fmt: skip


class ChangesSinceShown:
    """For a form about an existing listing, sent with the values the page showed (hidden
    initial inputs): only what the seller changed is written, so a sale or another tab that
    changed another field in the meantime is not undone. A field the seller changed that also
    changed under them is refused, showing its new value."""

    service_names: dict[str, str] = {}

    def changes_to(self, listing: Listing) -> dict:
        """The service arguments for the changed fields; adds an error (and returns nothing) for
        each field changed by someone else since the page was shown. `expected` then holds the
        values shown of the changed fields, for the service to check again under its lock."""
        changes, stale = {}, False
        self.expected = {}
        for name in self.changed_data:
            field = self.fields[name]
            if not field.show_hidden_initial:
                continue
            current = self.current_value(listing, name)
            shown = self.shown_value(name)
            if shown != current:
                self._show_current(name, current)
                stale = True
                continue
            changes[self.service_names.get(name, name)] = self.cleaned_data[name]
            if name not in self.service_names:
                self.expected[name] = shown
        return {} if stale else changes

    def current_value(self, listing: Listing, name: str):
        return getattr(listing, name)

    def shown_value(self, name: str):
        field = self.fields[name]
        raw = self._widget_data_value(field.hidden_widget(), self.add_initial_prefix(name))
        try:
            return field.to_python(raw)
        except ValidationError:
            return None

    def _show_current(self, name: str, current) -> None:
        field = self.fields[name]
        shown = field.prepare_value(current)
        self.add_error(
            name,
            _(
                "Someone changed this since you opened the page: it is now %(value)s. "
                "Check it and save again."
            )
            % {"value": "-" if shown in (None, "") else shown},
        )
        # The next save compares against the value now shown.
        self.data = self.data.copy()
        self.data[self.add_initial_prefix(name)] = "" if shown is None else shown


class QuickEditForm(ChangesSinceShown, forms.Form):
    """Price and quantity of one row of the inventory list."""

    price = amount_field(_("Price"), show_hidden_initial=True)
    quantity_on_hand = whole_number_field(
        _("Quantity on hand"), "quantity_on_hand", show_hidden_initial=True
    )

    @classmethod
    def for_listing(cls, listing: Listing, data=None) -> "QuickEditForm":
        return cls(
            data,
            initial={"price": listing.price, "quantity_on_hand": listing.quantity_on_hand},
            auto_id=f"id_%s_{listing.pk}",
        )


SORTS = {
    "newest": ("-created_at", "-id"),
    "oldest": ("created_at", "id"),
    "title": ("title", "id"),
    "price": ("price", "id"),
    "-price": ("-price", "-id"),
    "quantity": ("quantity_on_hand", "id"),
    "-quantity": ("-quantity_on_hand", "-id"),
    "updated": ("-updated_at", "-id"),
}


class InventoryFilterForm(forms.Form):
    q = forms.CharField(label=_("Title, SKU or part number"), required=False, max_length=100)
    status = forms.ChoiceField(
        label=_("Status"), required=False, choices=[("", _("Any status")), *ListingStatus.choices]
    )
    condition = forms.ChoiceField(
        label=_("Condition"), required=False, choices=[("", _("Any condition")), *Condition.choices]
    )
    part_type = forms.ModelChoiceField(
        label=_("Part type"),
        required=False,
        queryset=PartType.objects.order_by("name"),
        to_field_name="code",
        empty_label=_("Any part type"),
    )
    sort = forms.ChoiceField(
        label=_("Sort by"),
        required=False,
        choices=[
            ("newest", _("Newest first")),
            ("oldest", _("Oldest first")),
            ("updated", _("Recently changed")),
            ("title", _("Title")),
            ("price", _("Lowest price")),
            ("-price", _("Highest price")),
            ("quantity", _("Fewest on hand")),
            ("-quantity", _("Most on hand")),
        ],
    )

    def ordering(self) -> tuple[str, ...]:
        return SORTS[self.cleaned_data.get("sort") or "newest"]

    def number_searched(self) -> str:
        return normalise_part_number(self.cleaned_data.get("q") or "")


class PhotoInput(forms.FileInput):
    allow_multiple_selected = True


class PhotosField(forms.FileField):
    """Several photos at once, each checked to be a JPEG, PNG or WebP image under the size
    limit (the photo service checks again before storing it)."""

    def __init__(self, **kwargs):
        kwargs.setdefault("widget", PhotoInput(attrs={"accept": "image/jpeg,image/png,image/webp"}))
        super().__init__(**kwargs)

    def clean(self, data, initial=None):
        uploads = data if isinstance(data, list | tuple) else [data]
        uploads = [super(PhotosField, self).clean(upload, initial) for upload in uploads if upload]
        for upload in uploads:
            check_photo(upload)
        return uploads


def check_photo(upload) -> None:
    if upload.size > settings.LISTING_PHOTO_MAX_BYTES:
        raise ValidationError(
            _("%(name)s is larger than %(limit)s."),
            params={"name": upload.name, "limit": filesizeformat(settings.LISTING_PHOTO_MAX_BYTES)},
        )
    try:
        with Image.open(upload) as picture:
            picture.verify()
            picture_format = picture.format
    except (UnidentifiedImageError, OSError, ValueError, Image.DecompressionBombError):
        raise ValidationError(
            _("%(name)s is not a readable image."), params={"name": upload.name}
        ) from None
    finally:
        upload.seek(0)
    if picture_format not in PHOTO_FORMATS:
        raise ValidationError(
            _("%(name)s is not a JPEG, PNG or WebP image."), params={"name": upload.name}
        )


class ListingForm(ChangesSinceShown, forms.Form):
    """Every field a seller sets on a listing, as the inventory API takes them; the part is
    given by its OE number rather than by our id."""

    service_names = {form_name: name for name, form_name in FORM_NAMES.items()}

    seller_sku = forms.RegexField(
        label=_("Your SKU"),
        regex=SKU_PATTERN,
        max_length=64,
        error_messages={"invalid": _("Use letters, digits, spaces and . - / _ only.")},
        help_text=_("Your own stock number; feeds update the listing with this SKU."),
    )
    part_type = forms.ModelChoiceField(
        label=_("Part type"),
        required=False,
        queryset=PartType.objects.order_by("name"),
        to_field_name="code",
        help_text=_("Needed unless the OE number names a catalogued part."),
    )
    oe_number = forms.CharField(
        label=_("OE part number"),
        required=False,
        max_length=60,
        help_text=_("The manufacturer's number of a catalogued part, in any spelling."),
    )
    title = forms.CharField(
        label=_("Title"),
        required=False,
        max_length=200,
        help_text=_("Left empty, it is made from the part type, number and donor vehicle."),
    )
    description = forms.CharField(
        label=_("Description"), required=False, max_length=5000, widget=forms.Textarea
    )
    condition = forms.ChoiceField(label=_("Condition"), choices=Condition.choices)
    grade = forms.ChoiceField(
        label=_("Grade"),
        required=False,
        choices=[("", _("No grade")), *Grade.choices],
        help_text=_("Recycled and refurbished parts only."),
    )
    damage_notes = forms.CharField(
        label=_("Damage notes"), required=False, max_length=2000, widget=forms.Textarea
    )
    price = amount_field(_("Price"))
    currency = forms.ChoiceField(label=_("Currency"), choices=Currency.choices)
    core_charge = amount_field(
        _("Core charge"),
        required=False,
        help_text=_("Refunded when the old part comes back (remanufactured and refurbished)."),
    )
    core_return_days = whole_number_field(
        _("Days to return the core"),
        "core_return_days",
        initial=30,
        help_text=_("Counted from delivery or collection."),
    )
    quantity_on_hand = whole_number_field(_("Quantity on hand"), "quantity_on_hand")
    warranty_days = whole_number_field(_("Warranty (days)"), "warranty_days")
    size_class = forms.ChoiceField(label=_("Size to ship"), choices=SizeClass.choices)
    location = forms.ModelChoiceField(
        label=_("Location"), required=False, queryset=Location.objects.none()
    )
    product_line = forms.ModelChoiceField(
        label=_("Product line"), required=False, queryset=ProductLine.objects.none()
    )
    donor_vin = forms.CharField(label=_("Donor VIN"), required=False, max_length=17)
    donor_year = whole_number_field(_("Donor year"), "donor_year", required=False)
    donor_make = forms.CharField(label=_("Donor make"), required=False, max_length=100)
    donor_model = forms.CharField(label=_("Donor model"), required=False, max_length=150)
    donor_mileage = whole_number_field(_("Donor mileage"), "donor_mileage", required=False)
    publish = forms.BooleanField(label=_("Publish it now"), required=False)
    photos = PhotosField(label=_("Add photos"), required=False)

    def __init__(self, *args, listing: Listing | None = None, locations, product_lines, **kwargs):
        super().__init__(*args, **kwargs)
        self.listing = listing
        self.fields["location"].queryset = locations
        self.fields["product_line"].queryset = product_lines
        if listing is not None:
            del self.fields["publish"]
            for field in self.fields.values():
                field.show_hidden_initial = not isinstance(field, PhotosField)

    @classmethod
    def initial_of(cls, listing: Listing) -> dict:
        names = set(cls.base_fields) - {"oe_number", "publish", "photos"}
        initial = {name: getattr(listing, name) for name in names}
        initial["oe_number"] = listing.part.oe_number if listing.part else ""
        return initial

    def current_value(self, listing: Listing, name: str):
        if name == "oe_number":
            return listing.part.oe_number if listing.part else ""
        return super().current_value(listing, name)

    def clean_oe_number(self):
        number = normalise_part_number(self.cleaned_data["oe_number"])
        if not number:
            return None
        part = Part.objects.filter(oe_number_normalised=number).order_by("id").first()
        if part is None:
            raise ValidationError(_("No catalogued part has this number."))
        return part

    def clean_core_charge(self):
        return self.cleaned_data["core_charge"] or 0

    def clean_photos(self):
        photos = self.cleaned_data["photos"]
        present = self.listing.photos.count() if self.listing is not None else 0
        if present + len(photos) > MAX_PHOTOS_PER_LISTING:
            raise ValidationError(
                _("A listing has at most %(limit)s photos; it has %(present)s already."),
                params={"limit": MAX_PHOTOS_PER_LISTING, "present": present},
            )
        return photos

    def listing_fields(self) -> dict:
        """The service arguments of a new listing."""
        not_listing_fields = {"seller_sku", "publish", "photos"}
        return {
            self.service_names.get(name, name): value
            for name, value in self.cleaned_data.items()
            if name not in not_listing_fields
        }


class FeedUploadForm(forms.Form):
    file = forms.FileField(
        label=_("Inventory CSV"),
        allow_empty_file=True,
        help_text=_("UTF-8 CSV with a header row: one listing per row, keyed by your SKU."),
        widget=forms.FileInput(attrs={"accept": ".csv,text/csv"}),
    )
    withdraw_missing = forms.BooleanField(
        label=_("This is my whole inventory: withdraw my listings missing from the file"),
        required=False,
    )

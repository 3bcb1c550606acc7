"""Writes to a seller's inventory: listings, their photos and the places that stock them.

Each function is one business action in its own transaction. Feeds live in catalog/feeds/.
"""

from collections.abc import Mapping
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from django.conf import settings
from django.core.files.uploadedfile import UploadedFile
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from PIL import Image, UnidentifiedImageError

from catalog import vin as vin_decoder
from catalog.models import Listing, ListingPartNumber, ListingPhoto, ListingPriceTier, Location
from catalog.models.listings import LISTING_TRANSITIONS, ListingStatus
from catalog.passport import passport_record_dismantled, passport_record_listed
from catalog.rules import ListingTerms, listing_terms_errors, status_for_stock
from catalog.selectors import vehicle_for
from catalog.tasks import search_index_soon
from marketplace.errors import Conflict, DomainError, NotPermitted, check_transition
from marketplace.models import Organisation, User

PHOTO_FORMATS = {"JPEG", "PNG", "WEBP"}
MAX_PHOTOS_PER_LISTING = 12
LISTING_FIELDS = frozenset(
    {
        "part_type", "part", "title", "description", "condition", "grade", "damage_notes",
        "price", "currency", "core_charge", "core_return_days", "quantity_on_hand",
        "warranty_days", "size_class",
        "location", "product_line",
        "donor_vin", "donor_year", "donor_make", "donor_model", "donor_mileage",
    }
)  # fmt: skip


@dataclass(frozen=True)
class Seller:
    """Who sells: an organisation, or an individual selling their own parts (C2C)."""

    organisation: Organisation | None = None
    user: User | None = None

    @property
    def can_sell(self) -> bool:
        return self.organisation.can_sell if self.organisation else self.user is not None

    def owns(self, obj) -> bool:
        if self.organisation is not None:
            return obj.owner_organisation_id == self.organisation.pk
        return obj.owner_organisation_id is None and obj.owner_user_id == self.user.pk


def _check_terms(listing: Listing) -> None:
    terms = ListingTerms(
        condition=listing.condition,
        grade=listing.grade,
        price=Decimal(listing.price),
        core_charge=Decimal(listing.core_charge),
        quantity_on_hand=listing.quantity_on_hand,
        warranty_days=listing.warranty_days,
    )
    errors = listing_terms_errors(terms)
    if errors:
        raise DomainError(_("The listing's terms do not agree."), fields=errors)


def _fill_part(listing: Listing) -> None:
    if listing.part is None:
        return
    if listing.part_type_id is None:
        listing.part_type = listing.part.part_type
    elif listing.part.part_type_id != listing.part_type_id:
        raise DomainError.for_field("part", _("This part is of another part type."))


def _fill_donor(listing: Listing) -> None:
    """Decode the donor VIN to fill year, make and model left blank, and link our vehicle row."""
    if listing.donor_vin:
        try:
            decoded = vin_decoder.decode_vin(listing.donor_vin)
        except vin_decoder.VinError as error:
            raise DomainError.for_field("donor_vin", error.message, code=error.code) from None
        listing.donor_vin = decoded.vin
        listing.donor_year = listing.donor_year or decoded.model_year
        listing.donor_make = listing.donor_make or decoded.make
        listing.donor_model = listing.donor_model or decoded.model
    listing.donor_vehicle = vehicle_for(
        make=listing.donor_make, model=listing.donor_model, year=listing.donor_year
    )


def _default_title(listing: Listing) -> str:
    """`Alternator 31100-RAA-A01 - 2005 Honda Accord`, with the pieces that are known."""
    name = listing.part_type.name
    if listing.part is not None:
        name = f"{name} {listing.part.oe_number}"
    donor = " ".join(
        str(p) for p in (listing.donor_year, listing.donor_make, listing.donor_model) if p
    )
    return f"{name} - {donor}" if donor else name


def _prepare(listing: Listing, seller: Seller) -> None:
    if listing.location is not None and not seller.owns(listing.location):
        raise DomainError.for_field("location", _("This location is not one of yours."))
    if listing.product_line is not None and not seller.owns(listing.product_line):
        raise DomainError.for_field("product_line", _("This product line is not one of yours."))
    _fill_part(listing)
    if listing.part_type_id is None:
        raise DomainError.for_field("part_type", _("Give a part type or a catalogued part."))
    _fill_donor(listing)
    listing.title = listing.title or _default_title(listing)
    _check_terms(listing)
    listing.status = status_for_stock(listing.status, listing.quantity_on_hand)
    listing.search_dirty = True


def _save(listing: Listing) -> None:
    try:
        with transaction.atomic():
            listing.save()
            _record_primary_part_number(listing)
            search_index_soon()
    except IntegrityError:
        # The check in the serializer can race; the unique constraint is the arbiter.
        raise Conflict.for_field(
            "seller_sku", _("You already have a listing with this SKU.")
        ) from None


def _record_primary_part_number(listing: Listing) -> None:
    if listing.part is not None:
        ListingPartNumber.objects.get_or_create(
            listing=listing,
            normalised=listing.part.oe_number_normalised,
            defaults={"number": listing.part.oe_number},
        )


def listing_create(*, seller: Seller, seller_sku: str, publish: bool = False, **fields) -> Listing:
    """Create a listing as a draft, or active when `publish` and the seller may sell.

    Raises DomainError naming the field for inconsistent terms, NotPermitted when publishing
    for a seller not yet approved, Conflict when the SKU is taken.
    """
    unknown = set(fields) - LISTING_FIELDS
    if unknown:
        raise DomainError(
            _("Unknown listing fields: %(fields)s.") % {"fields": ", ".join(sorted(unknown))}
        )
    if publish and not seller.can_sell:
        raise NotPermitted(_("Your organisation is not approved to sell yet."))
    listing = Listing(
        seller_organisation=seller.organisation,
        seller_user=None if seller.organisation else seller.user,
        seller_sku=seller_sku,
        status=ListingStatus.ACTIVE if publish else ListingStatus.DRAFT,
        **fields,
    )
    _prepare(listing, seller)
    with transaction.atomic():
        _save(listing)
        # The passport starts with the listing: its donor, then its first publication.
        passport_record_dismantled(listing=listing)
        if publish:
            passport_record_listed(listing=listing)
    return listing


def listing_update(
    *, listing: Listing, seller: Seller, expected: Mapping[str, Any] | None = None, **changes
) -> Listing:
    """Change a listing's terms; the status follows the stock (active <-> sold out).

    `expected` holds the values the caller last saw of the fields it changes (a page open while
    a sale or another tab changed them): if one differs under the row lock, Conflict names it
    with its value now and nothing is written."""
    unknown = set(changes) - LISTING_FIELDS - {"seller_sku"}
    if unknown:
        raise DomainError(
            _("Unknown listing fields: %(fields)s.") % {"fields": ", ".join(sorted(unknown))}
        )
    with transaction.atomic():
        locked = Listing.objects.select_for_update().get(pk=listing.pk)
        moved = {
            name: getattr(locked, name)
            for name, seen in (expected or {}).items()
            if getattr(locked, name) != seen
        }
        if moved:
            raise Conflict(
                _("The listing changed since it was shown."),
                fields={
                    name: [_("Someone changed this meanwhile: it is now %(value)s.")
                           % {"value": "-" if now in (None, "") else now}]
                    for name, now in moved.items()
                },
            )  # fmt: skip
        for name, value in changes.items():
            setattr(locked, name, value)
        _prepare(locked, seller)
        _save(locked)
    return locked


def listing_set_status(*, listing: Listing, seller: Seller, to_status: str) -> Listing:
    """Publish, withdraw or return a listing to draft, as the transition table allows.

    Publishing needs a seller approved to sell; publishing with nothing on hand makes it sold out.
    """
    if to_status == ListingStatus.ACTIVE and not seller.can_sell:
        raise NotPermitted(_("Your organisation is not approved to sell yet."))
    with transaction.atomic():
        locked = Listing.objects.select_for_update().get(pk=listing.pk)
        check_transition(
            LISTING_TRANSITIONS, entity="listing", from_status=locked.status, to_status=to_status
        )
        locked.status = status_for_stock(to_status, locked.quantity_on_hand)
        locked.search_dirty = True
        locked.save(update_fields=["status", "search_dirty", "updated_at"])
        search_index_soon()
        if to_status == ListingStatus.ACTIVE:
            passport_record_listed(listing=locked)  # the first publication only
    return locked


@dataclass(frozen=True)
class PriceTierTerms:
    min_quantity: int
    unit_price: Decimal


MAX_PRICE_TIERS = 10


def listing_price_tiers_set(*, listing: Listing, tiers: list[PriceTierTerms]) -> list:
    """Replace a listing's B2B quantity tiers. Each tier starts at 2 units or more, starts at
    a different quantity, and costs less per unit than the base price and than any tier
    before it: buying more never costs more per unit.

    Raises DomainError naming the field (`tiers.<n>.min_quantity` or `.unit_price`).
    """
    errors: dict[str, list[str]] = {}
    # Checked from the fewest units up; errors name each tier by its place in the input.
    ordered = sorted(enumerate(tiers), key=lambda numbered: numbered[1].min_quantity)
    if len(ordered) > MAX_PRICE_TIERS:
        errors["tiers"] = [_("At most %(count)s tiers.") % {"count": MAX_PRICE_TIERS}]
    previous_price, previous_quantity = listing.price, 1
    for index, tier in ordered:
        if tier.min_quantity <= previous_quantity:
            errors[f"tiers.{index}.min_quantity"] = [
                _("Must be more than %(quantity)s (each tier starts at a larger quantity).")
                % {"quantity": previous_quantity}
            ]
        if not 0 <= tier.unit_price < previous_price:
            errors[f"tiers.{index}.unit_price"] = [
                _("Must be below %(price)s, the price for fewer units.") % {"price": previous_price}
            ]
        previous_price, previous_quantity = tier.unit_price, tier.min_quantity
    if errors:
        raise DomainError(_("The price tiers do not agree."), fields=errors)
    with transaction.atomic():
        Listing.objects.select_for_update().get(pk=listing.pk)
        ListingPriceTier.objects.filter(listing=listing).delete()
        return ListingPriceTier.objects.bulk_create(
            ListingPriceTier(listing=listing, min_quantity=t.min_quantity, unit_price=t.unit_price)
            for _, t in ordered
        )


def listing_photo_add(*, listing: Listing, image: UploadedFile) -> ListingPhoto:
    """Attach a photo after checking it is a real JPEG, PNG or WebP image of a sane size."""
    if image.size > settings.LISTING_PHOTO_MAX_BYTES:
        limit = settings.LISTING_PHOTO_MAX_BYTES // (1024 * 1024)
        raise DomainError.for_field(
            "image", _("Photos are limited to %(limit)s MB.") % {"limit": limit}
        )
    try:
        with Image.open(image) as picture:
            picture.verify()
            picture_format = picture.format
    except (UnidentifiedImageError, OSError, ValueError, Image.DecompressionBombError):
        raise DomainError.for_field("image", _("This file is not a readable image.")) from None
    if picture_format not in PHOTO_FORMATS:
        raise DomainError.for_field("image", _("Photos must be JPEG, PNG or WebP."))
    image.seek(0)
    with transaction.atomic():
        Listing.objects.select_for_update().get(pk=listing.pk)
        count = ListingPhoto.objects.filter(listing=listing).count()
        if count >= MAX_PHOTOS_PER_LISTING:
            raise Conflict(
                _("A listing has at most %(count)s photos.") % {"count": MAX_PHOTOS_PER_LISTING}
            )
        Listing.objects.filter(pk=listing.pk).update(search_dirty=True, updated_at=timezone.now())
        search_index_soon()
        return ListingPhoto.objects.create(listing=listing, image=image, position=count)


def listing_photo_delete(*, photo: ListingPhoto) -> None:
    with transaction.atomic():
        Listing.objects.filter(pk=photo.listing_id).update(
            search_dirty=True, updated_at=timezone.now()
        )
        search_index_soon()
        photo.delete()
    photo.image.delete(save=False)


def location_create(*, seller: Seller, **fields) -> Location:
    return Location.objects.create(
        organisation=seller.organisation,
        user=None if seller.organisation else seller.user,
        **fields,
    )


def location_update(*, location: Location, **changes) -> Location:
    for name, value in changes.items():
        setattr(location, name, value)
    location.save()
    return location

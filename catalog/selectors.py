"""Reads of the catalog shared by the API, the pages, feeds and services."""

from django.db.models import Prefetch, Q, QuerySet

from catalog.models import (
    FeedImport,
    Fitment,
    Listing,
    ListingStatus,
    Location,
    Part,
    Vehicle,
)
from marketplace.models import User
from marketplace.selectors import organisation_ids_for

PUBLIC_STATUSES = (ListingStatus.ACTIVE, ListingStatus.SOLD_OUT)


def vehicle_for(*, make: str, model: str, year: int | None) -> Vehicle | None:
    """Our vehicle row for a make, model and year, matched without regard to case."""
    if not (make and model and year):
        return None
    return (
        Vehicle.objects.filter(
            model__make__name__iexact=make.strip(), model__name__iexact=model.strip(), year=year
        )
        .order_by("id")
        .first()
    )


def vehicles_for_decoding(*, make: str, model: str, year: int) -> QuerySet[Vehicle]:
    return Vehicle.objects.filter(
        model__make__name__iexact=make, model__name__iexact=model, year=year
    ).select_related("model__make")


def parts_with_details() -> QuerySet[Part]:
    """Parts with their type, fitment and the other parts of their interchange group."""
    return Part.objects.select_related("part_type__group", "interchange_group").prefetch_related(
        Prefetch("fitments", queryset=Fitment.objects.select_related("vehicle_model__make")),
        Prefetch(
            "interchange_group__parts",
            queryset=Part.objects.only("id", "oe_number", "brand", "interchange_group_id"),
        ),
    )


def _seller_scope(user: User) -> Q:
    """Listings the caller sells: their organisations' and, as an individual, their own."""
    return Q(seller_organisation_id__in=organisation_ids_for(user)) | Q(
        seller_organisation__isnull=True, seller_user_id=user.pk
    )


def listings_with_details(queryset: QuerySet[Listing] | None = None) -> QuerySet[Listing]:
    queryset = Listing.objects.all() if queryset is None else queryset
    return queryset.select_related(
        "seller_organisation", "seller_user", "part_type__group", "part", "location",
        "donor_vehicle__model__make",
    ).prefetch_related("photos", "part_numbers", "price_tiers")  # fmt: skip


def listings_public() -> QuerySet[Listing]:
    """What every visitor may see: published listings, in stock or sold out."""
    return listings_with_details(Listing.objects.filter(status__in=PUBLIC_STATUSES))


def listings_of_seller(user: User) -> QuerySet[Listing]:
    """A seller's own inventory, drafts and withdrawn listings included."""
    if not user.is_authenticated:
        return Listing.objects.none()
    return listings_with_details(Listing.objects.filter(_seller_scope(user)))


def locations_of(user: User) -> QuerySet[Location]:
    return Location.objects.filter(
        Q(organisation_id__in=organisation_ids_for(user))
        | Q(organisation__isnull=True, user_id=user.pk)
    )


def feed_imports_of(user: User) -> QuerySet[FeedImport]:
    return FeedImport.objects.filter(seller_organisation_id__in=organisation_ids_for(user))


def listings_for_search(ids) -> QuerySet[Listing]:
    """Listings with everything their search document needs, in a fixed number of queries."""
    return (
        Listing.objects.filter(id__in=ids)
        .select_related(
            "seller_organisation", "seller_user", "part_type__group", "location",
            "part__interchange_group", "donor_vehicle__model__make",
        )
        .prefetch_related(
            "photos",
            "part_numbers",
            Prefetch(
                "part__fitments", queryset=Fitment.objects.select_related("vehicle_model__make")
            ),
        )
    )  # fmt: skip

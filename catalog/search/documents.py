"""The search document of a listing: every fact a search filters, sorts or shows, flattened.

Both backends index this same document: the database backend as a row of the narrow search
table, Elasticsearch as a JSON document. Built from a listing loaded with
`catalog.selectors.listings_for_search`, without further queries.
"""

from dataclasses import dataclass
from datetime import date, datetime
from decimal import Decimal

from catalog.models import Listing, ListingStatus

GRADE_RANK = {"A": 1, "B": 2, "C": 3, "": 4}


@dataclass(frozen=True)
class Fitment:
    """A listing fits this make, model and model year (names kept for text and Elasticsearch)."""

    make_id: int
    model_id: int
    year: int
    make: str
    model: str


@dataclass(frozen=True)
class SearchDocument:
    listing_id: int
    title: str
    description: str
    part_type: str  # code
    part_type_name: str
    part_type_group: str  # code
    condition: str
    grade: str
    price: Decimal
    core_charge: Decimal
    currency: str
    warranty_days: int
    donor_mileage: int | None
    seller_name: str
    seller_kind: str  # business or individual
    part_numbers: tuple[str, ...]  # normalised OE numbers of the listing
    interchange_group: str  # code, or ""
    fitments: tuple[Fitment, ...]
    latitude: float | None
    longitude: float | None
    pickup_available: bool
    photo: str
    created_at: datetime
    # The last day an active badge covers the listing (from `catalog.badges`), or None.
    certified_until: date | None = None
    # The badges covering it, as (label, last valid day).
    badges: tuple[tuple[str, date], ...] = ()

    @property
    def price_with_core(self) -> Decimal:
        return self.price + self.core_charge

    @property
    def grade_rank(self) -> int:
        return GRADE_RANK[self.grade]


def is_searchable(listing: Listing) -> bool:
    """Only active listings with stock are found; sold-out and withdrawn ones leave the index."""
    return listing.status == ListingStatus.ACTIVE and listing.quantity_on_hand > 0


def _fitments(listing: Listing) -> tuple[Fitment, ...]:
    found: set[Fitment] = set()
    if listing.part is not None:
        for fitment in listing.part.fitments.all():
            model = fitment.vehicle_model
            for year in range(fitment.year_from, fitment.year_to + 1):
                found.add(Fitment(model.make_id, model.id, year, model.make.name, model.name))
    donor = listing.donor_vehicle
    if donor is not None:
        model = donor.model
        found.add(Fitment(model.make_id, model.id, donor.year, model.make.name, model.name))
    return tuple(sorted(found, key=lambda f: (f.make_id, f.model_id, f.year)))


def search_document(
    listing: Listing, *, badges: tuple[tuple[str, date], ...] = ()
) -> SearchDocument:
    """The document of a listing; its `badges` ((label, valid until) of the active badges
    covering it) come from `catalog.badges`, which the caller reads for a whole batch at once."""
    organisation = listing.seller_organisation
    location = listing.location
    photos = list(listing.photos.all())
    group = listing.part.interchange_group if listing.part is not None else None
    return SearchDocument(
        listing_id=listing.id,
        title=listing.title,
        description=listing.description,
        part_type=listing.part_type.code,
        part_type_name=listing.part_type.name,
        part_type_group=listing.part_type.group.code,
        condition=listing.condition,
        grade=listing.grade,
        price=listing.price,
        core_charge=listing.core_charge,
        currency=listing.currency,
        warranty_days=listing.warranty_days,
        donor_mileage=listing.donor_mileage,
        seller_name=organisation.name if organisation else listing.seller_user.username,
        seller_kind="business" if organisation else "individual",
        part_numbers=tuple(sorted({n.normalised for n in listing.part_numbers.all()})),
        interchange_group=group.code if group is not None else "",
        fitments=_fitments(listing),
        latitude=float(location.latitude) if location else None,
        longitude=float(location.longitude) if location else None,
        pickup_available=bool(location and location.pickup_available),
        photo=photos[0].image.name if photos else "",
        created_at=listing.created_at,
        certified_until=max((until for _, until in badges), default=None),
        badges=badges,
    )

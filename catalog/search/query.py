"""The one search interface: a SearchRequest in, a SearchResult out, whatever the backend.

Plain frozen dataclasses with no database access, so that the API, the pages and both backends
share one vocabulary and the request can be tested on its own.
"""

from dataclasses import dataclass, field
from datetime import date, datetime
from decimal import Decimal
from enum import StrEnum

MAX_PAGE_SIZE = 50
MAX_PAGE = 100  # no one reads past result 5,000; deeper pages only cost the database
PRICE_BANDS = (Decimal("50"), Decimal("100"), Decimal("250"), Decimal("500"), Decimal("1000"))


class Sort(StrEnum):
    RELEVANCE = "relevance"
    PRICE = "price"
    PRICE_WITH_CORE = "price_with_core"
    DISTANCE = "distance"
    NEWEST = "newest"
    GRADE = "grade"
    DONOR_MILEAGE = "donor_mileage"


class SellerKind(StrEnum):
    BUSINESS = "business"
    INDIVIDUAL = "individual"


@dataclass(frozen=True)
class GeoPoint:
    latitude: float
    longitude: float


@dataclass(frozen=True)
class VehicleFilter:
    """Fitment: a make, optionally a model, optionally a model year (ids of our vehicle rows)."""

    make_id: int
    model_id: int | None = None
    year: int | None = None


@dataclass(frozen=True)
class SearchRequest:
    text: str = ""
    vehicle: VehicleFilter | None = None
    conditions: tuple[str, ...] = ()
    grades: tuple[str, ...] = ()
    part_types: tuple[str, ...] = ()  # part-type codes
    part_type_group: str = ""  # a part-type group code
    price_min: Decimal | None = None
    price_max: Decimal | None = None
    seller_kind: SellerKind | None = None
    certified_only: bool = False
    warranty_days_min: int | None = None
    in_stock_only: bool = True
    near: GeoPoint | None = None
    within_km: float | None = None
    pickup_only: bool = False
    sort: Sort = Sort.RELEVANCE
    page: int = 1
    page_size: int = 20

    @property
    def offset(self) -> int:
        return (self.page - 1) * self.page_size


@dataclass(frozen=True)
class Hit:
    """What a result card needs about one listing."""

    listing_id: int
    title: str
    part_type: str
    condition: str
    grade: str
    price: Decimal
    core_charge: Decimal
    currency: str
    warranty_days: int
    donor_mileage: int | None
    seller_name: str
    seller_kind: str
    distance_km: float | None = None
    interchange_match: bool = False
    photo: str = ""
    # The badges covering the listing, as (label, last valid day).
    badges: tuple[tuple[str, date], ...] = ()
    created_at: datetime | None = None
    # The last day an active badge covers the listing; certified while today or later.
    certified_until: date | None = None

    def certified_on(self, day: date) -> bool:
        return self.certified_until is not None and self.certified_until >= day

    def badges_on(self, day: date) -> list[str]:
        return [label for label, until in self.badges if until >= day]


@dataclass(frozen=True)
class FacetValue:
    value: str
    label: str
    count: int


@dataclass(frozen=True)
class SearchResult:
    hits: tuple[Hit, ...]
    total: int
    total_exact: bool = True  # false: `total` and the facet counts are estimates
    facets: dict[str, tuple[FacetValue, ...]] = field(default_factory=dict)
    page: int = 1
    page_size: int = 20


def price_band(price: Decimal) -> str:
    """The price band a price falls in, as the facet shows it: `0-50`, ..., `1000+`."""
    lower = Decimal("0")
    for upper in PRICE_BANDS:
        if price < upper:
            return f"{lower}-{upper}"
        lower = upper
    return f"{lower}+"

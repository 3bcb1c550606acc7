"""The database search backend: SQL over the narrow `ListingSearch` table.

On PostgreSQL text goes through the stored tsvector (GIN), mistyped part numbers through
pg_trgm's word similarity, fitment through a tsvector of tokens (GIN). SQLite, the embedded
default, applies the same filters with LIKE so that `make run` finds the same listings; only
relevance ranking is simpler there (newest first among matches).
"""

import math

from django.db import connection
from django.db.models import (
    BooleanField,
    Case,
    F,
    FloatField,
    Q,
    QuerySet,
    Value,
    When,
)
from django.db.models.expressions import RawSQL
from django.db.models.functions import ACos, Cos, Greatest, Least, Radians, Sin

from catalog.models import ListingSearch
from catalog.part_numbers import normalise_part_number
from catalog.search.query import (
    FacetValue,
    Hit,
    SearchRequest,
    SearchResult,
    Sort,
    VehicleFilter,
)

EARTH_RADIUS_KM = 6371.0
FACETS = ("condition", "grade", "part_type", "make", "seller_kind", "certified", "price_band")
# pg_trgm word similarity from which a typed part number counts as a match.
PART_NUMBER_SIMILARITY = 0.6
MIN_PART_NUMBER_LENGTH = 4


def _postgresql() -> bool:
    return connection.vendor == "postgresql"


def fitment_token(vehicle: VehicleFilter) -> str:
    token = f"m{vehicle.make_id}"
    if vehicle.model_id is not None:
        token += f"x{vehicle.model_id}"
        if vehicle.year is not None:
            token += f"y{vehicle.year}"
    return token


def _fits(token: str) -> Q:
    if _postgresql():
        sql = "fitment_tsv @@ to_tsquery('simple', %s)"
        return Q(RawSQL(sql, [token], output_field=BooleanField()))
    return Q(fitment__regex=rf"(^| ){token}( |$)")


def looks_like_part_number(number: str) -> bool:
    """OE numbers carry digits; plain words ("ford", "door") skip the trigram match, which on a
    frequent word would test every matching row's part numbers for nothing."""
    return len(number) >= MIN_PART_NUMBER_LENGTH and any(c.isdigit() for c in number)


def _text_match(text: str, number: str) -> Q:
    """Words in the document, or a part number close to one the listing carries."""
    if _postgresql():
        words = RawSQL(
            "document_tsv @@ websearch_to_tsquery('english', %s)",
            [text],
            output_field=BooleanField(),
        )
        match = Q(words)
        if looks_like_part_number(number):
            similar = RawSQL("%s <%% part_numbers", [number], output_field=BooleanField())
            match |= Q(similar)
        return match
    every_word = Q()
    for word in text.split():
        every_word &= Q(document__icontains=word)
    if looks_like_part_number(number):
        return every_word | Q(part_numbers__contains=number)
    return every_word


def _distance_km(point) -> Case:
    """Great-circle distance by the spherical law of cosines (ORM functions on both databases)."""
    lat, lng = Radians(F("latitude")), Radians(F("longitude"))
    here_lat, here_lng = math.radians(point.latitude), math.radians(point.longitude)
    cosine = Value(math.sin(here_lat)) * Sin(lat) + Value(math.cos(here_lat)) * Cos(lat) * Cos(
        lng - Value(here_lng)
    )
    # Rounding can push the cosine a hair past 1, where ACOS is undefined.
    clamped = Greatest(Least(cosine, Value(1.0)), Value(-1.0))
    distance = ACos(clamped, output_field=FloatField()) * Value(EARTH_RADIUS_KM)
    # PostgreSQL's GREATEST and LEAST skip NULLs: without this, a listing with no location
    # would come out at distance 0, first in a distance sort.
    return Case(When(latitude__isnull=True, then=None), default=distance, output_field=FloatField())


def _bounding_box(request: SearchRequest) -> Q:
    """A cheap, indexable pre-filter around `near`: no point inside `within_km` is outside it."""
    point, km = request.near, request.within_km
    lat_delta = km / 111.0
    lng_delta = km / max(111.0 * math.cos(math.radians(point.latitude)), 0.01)
    return Q(
        latitude__gte=point.latitude - lat_delta,
        latitude__lte=point.latitude + lat_delta,
        longitude__gte=point.longitude - lng_delta,
        longitude__lte=point.longitude + lng_delta,
    )


# Request attributes that map straight onto a lookup, applied when given.
VALUE_FILTERS = (
    ("conditions", "condition__in"),
    ("grades", "grade__in"),
    ("part_types", "part_type__in"),
    ("part_type_group", "part_type_group"),
    ("price_min", "price__gte"),
    ("price_max", "price__lte"),
    ("seller_kind", "seller_kind"),
    ("warranty_days_min", "warranty_days__gte"),
)


def _filters(request: SearchRequest) -> Q:
    given = {
        lookup: getattr(request, name)
        for name, lookup in VALUE_FILTERS
        if getattr(request, name) not in (None, "", ())
    }
    filters = Q(**given)
    if request.certified_only:
        filters &= Q(certified=True)
    if request.pickup_only:
        filters &= Q(pickup_available=True)
    if request.vehicle is not None:
        filters &= _fits(fitment_token(request.vehicle))
    return filters


def _matching(request: SearchRequest, interchange_groups: tuple[str, ...]) -> QuerySet:
    rows = ListingSearch.objects.filter(_filters(request))
    text = request.text.strip()
    if text:
        match = _text_match(text, normalise_part_number(text))
        if interchange_groups:
            match |= Q(interchange_group__in=interchange_groups)
        rows = rows.filter(match)
    if request.near is not None:
        rows = rows.annotate(distance_km=_distance_km(request.near))
        if request.within_km is not None:
            rows = rows.filter(_bounding_box(request), distance_km__lte=request.within_km)
    return rows


def _relevance(text: str, number: str) -> RawSQL:
    rank = "ts_rank_cd(document_tsv, websearch_to_tsquery('english', %s))"
    if not looks_like_part_number(number):
        return RawSQL(rank, [text], output_field=FloatField())
    return RawSQL(
        f"{rank} + word_similarity(%s, part_numbers)", [text, number], output_field=FloatField()
    )


def _ordered(rows: QuerySet, request: SearchRequest) -> QuerySet:
    sort = request.sort
    if sort == Sort.DISTANCE and request.near is not None:
        distance = F("distance_km").asc(nulls_last=True)
        return rows.order_by(distance, "-created_at", "-listing_id")
    orderings = {
        Sort.PRICE: ("price",),
        Sort.PRICE_WITH_CORE: ("price_with_core",),
        Sort.NEWEST: ("-created_at",),
        Sort.GRADE: ("grade_rank",),
        Sort.DONOR_MILEAGE: (F("donor_mileage").asc(nulls_last=True),),
    }
    if sort in orderings:
        return rows.order_by(*orderings[sort], "-created_at", "-listing_id")
    text = request.text.strip()
    if text and _postgresql():
        rank = _relevance(text, normalise_part_number(text))
        return rows.annotate(rank=rank).order_by("-rank", "-created_at", "-listing_id")
    return rows.order_by("-created_at", "-listing_id")


def _facet_sql(rows: QuerySet) -> tuple[str, list]:
    """One statement for the total and every facet: the filtered rows are read once into a
    materialized CTE, then counted per facet. Five separate counts over the search table cost
    about three times as much on a frequent word (DESIGN.md's measurements)."""
    inner, params = rows.order_by().values(*FACETS).query.sql_with_params()
    counts = [
        f"SELECT '{name}' AS facet, CAST({name} AS TEXT) AS value, COUNT(*) AS n FROM f"
        f" GROUP BY {name}"
        for name in FACETS
    ]
    counts.append("SELECT '' AS facet, NULL AS value, COUNT(*) AS n FROM f")
    return f"WITH f AS MATERIALIZED ({inner}) " + " UNION ALL ".join(counts), list(params)


def _facet_value(name: str, value: str) -> str:
    if name == "certified":  # PostgreSQL casts booleans to 'true', SQLite to '1'
        return "true" if value in ("true", "1") else "false"
    return value


def _total_and_facets(rows: QuerySet) -> tuple[int, dict[str, tuple[FacetValue, ...]]]:
    sql, params = _facet_sql(rows)
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        counted = cursor.fetchall()
    total = next(n for facet, _, n in counted if facet == "")
    facets = {}
    for name in FACETS:
        values = sorted(
            ((value, n) for facet, value, n in counted if facet == name and value),
            key=lambda pair: (-pair[1], pair[0]),
        )
        facets[name] = tuple(
            FacetValue(value=_facet_value(name, value), label=value, count=n) for value, n in values
        )
    return total, facets


def _hit(row: ListingSearch, number: str, interchange_groups: tuple[str, ...]) -> Hit:
    own_number = bool(number) and number in row.part_numbers.split()
    return Hit(
        listing_id=row.listing_id,
        title=row.title,
        part_type=row.part_type,
        condition=row.condition,
        grade=row.grade,
        price=row.price,
        core_charge=row.core_charge,
        currency=row.currency,
        warranty_days=row.warranty_days,
        donor_mileage=row.donor_mileage,
        seller_name=row.seller_name,
        seller_kind=row.seller_kind,
        distance_km=getattr(row, "distance_km", None),
        interchange_match=row.interchange_group in interchange_groups and not own_number,
        photo=row.photo,
        created_at=row.created_at,
    )


class DatabaseBackend:
    """Search over `ListingSearch`: one statement for the total and the facets, one for the
    page: the same two queries whatever the page size."""

    def search(
        self, request: SearchRequest, *, interchange_groups: tuple[str, ...] = ()
    ) -> SearchResult:
        rows = _matching(request, interchange_groups)
        total, facets = _total_and_facets(rows)
        page = list(_ordered(rows, request)[request.offset : request.offset + request.page_size])
        number = normalise_part_number(request.text)
        return SearchResult(
            hits=tuple(_hit(row, number, interchange_groups) for row in page),
            total=total,
            facets=facets,
            page=request.page,
            page_size=request.page_size,
        )

"""The database search backend: SQL over the narrow `ListingSearch` table.

On PostgreSQL text goes through the stored tsvector (GIN), mistyped part numbers through
pg_trgm's word similarity, fitment through a tsvector of tokens (GIN), distance through a GiST
index on the location as a point on the unit sphere. SQLite, the embedded default, applies the
same filters with LIKE and spherical trigonometry so that `make run` finds the same listings;
only relevance ranking is simpler there (newest first among matches).

Counting a frequent word ("ford", "door") exactly means reading a tenth of the table on every
request, so on PostgreSQL a search first learns whether its matches are few or many: from the
planner's estimate, checked by counting at most `SEARCH_EXACT_COUNT_LIMIT` + 1 rows, or from a
sample: the same few pages of the table every time (`TABLESAMPLE SYSTEM ... REPEATABLE`), about
`SEARCH_SAMPLE_ROWS` rows. Few: the total, the facets and the page's ids come from one statement
that reads the matches once, and relevance is `ts_rank_cd` over every match. Many: the total and
the facets are the sample's counts scaled up (`total_exact` is false, as Elasticsearch's `gte`
totals), and the page walks the index of its sort order (newest first in place of relevance,
which among so many matches of a word tells little) and stops when the page is full.
"""

import math
import re
from dataclasses import dataclass, replace
from datetime import date

from django.conf import settings
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
from django.utils import timezone

from catalog.models import ListingSearch
from catalog.part_numbers import normalise_part_number
from catalog.search.query import (
    FacetValue,
    GeoPoint,
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


def _unit_vector(point: GeoPoint) -> list[float]:
    lat, lng = math.radians(point.latitude), math.radians(point.longitude)
    return [math.cos(lat) * math.cos(lng), math.cos(lat) * math.sin(lng), math.sin(lat)]


# PostgreSQL: a point as the `cube` the location column holds; its parameters are `_unit_vector`.
POINT_SQL = "cube(ARRAY[%s, %s, %s]::float8[])"


def _chord(point: GeoPoint) -> RawSQL:
    """PostgreSQL: the straight-line distance on the unit sphere from `point` to the listing's
    location, the ordering a GiST index scan serves nearest first."""
    return RawSQL(f"location <-> {POINT_SQL}", _unit_vector(point), output_field=FloatField())


def _chord_for_km(km: float) -> float:
    return 2 * math.sin(km / (2 * EARTH_RADIUS_KM))


def _distance_km(point: GeoPoint):
    """Great-circle distance in km; NULL for a listing without a location."""
    if _postgresql():
        chord = _chord(point)
        # LEAST skips NULLs: without the CASE no location would come out half the world away.
        sql = (
            "CASE WHEN location IS NULL THEN NULL"
            f" ELSE 2 * {EARTH_RADIUS_KM} * asin(least(1.0, ({chord.sql}) / 2)) END"
        )
        return RawSQL(sql, chord.params, output_field=FloatField())
    lat, lng = Radians(F("latitude")), Radians(F("longitude"))
    here_lat, here_lng = math.radians(point.latitude), math.radians(point.longitude)
    cosine = Value(math.sin(here_lat)) * Sin(lat) + Value(math.cos(here_lat)) * Cos(lat) * Cos(
        lng - Value(here_lng)
    )
    # Rounding can push the cosine a hair past 1, where ACOS is undefined.
    clamped = Greatest(Least(cosine, Value(1.0)), Value(-1.0))
    distance = ACos(clamped, output_field=FloatField()) * Value(EARTH_RADIUS_KM)
    # SQLite's MAX and MIN return NULL for a NULL argument, but say so: a listing with no
    # location must not come out at distance 0.
    return Case(When(latitude__isnull=True, then=None), default=distance, output_field=FloatField())


def _within(point: GeoPoint, km: float, *, bounded: bool) -> Q:
    """Listings at most `km` from `point`. `bounded` adds a box around the circle that an index
    can search: what a search with few matches wants, while one with many matches does better
    walking its sort order's index and testing the distance as it goes."""
    if _postgresql():
        chord = _chord(point)
        limit = _chord_for_km(km)
        within = Q(RawSQL(f"({chord.sql}) <= %s", [*chord.params, limit], BooleanField()))
        if bounded:
            box = f"location <@ cube_enlarge({POINT_SQL}, %s, 3)"
            within &= Q(RawSQL(box, [*_unit_vector(point), limit], BooleanField()))
        return within
    return _bounding_box(point, km)


def _bounding_box(point: GeoPoint, km: float) -> Q:
    """SQLite: an indexable box around the circle, no point inside `km` outside it."""
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
        filters &= _certified()
    if request.pickup_only:
        filters &= Q(pickup_available=True)
    if request.vehicle is not None:
        filters &= _fits(fitment_token(request.vehicle))
    return filters


def _certified() -> Q:
    """Covered by an active badge today: by date, so an expiry needs no re-indexing."""
    return Q(certified_until__gte=timezone.localdate())


def _with_certified(rows: QuerySet) -> QuerySet:
    """The `certified` facet column: true or false, never NULL (a NULL would go uncounted)."""
    return rows.annotate(certified=Case(When(_certified(), then=Value(True)), default=Value(False)))


def _matching(
    request: SearchRequest, interchange_groups: tuple[str, ...], *, bounded: bool = True
) -> QuerySet:
    rows = _with_certified(ListingSearch.objects.filter(_filters(request)))
    text = request.text.strip()
    if text:
        match = _text_match(text, normalise_part_number(text))
        if interchange_groups:
            match |= Q(interchange_group__in=interchange_groups)
        rows = rows.filter(match)
    if request.near is not None:
        rows = rows.annotate(distance_km=_distance_km(request.near))
        if request.within_km is not None:
            rows = rows.filter(_within(request.near, request.within_km, bounded=bounded))
            if not _postgresql():
                rows = rows.filter(distance_km__lte=request.within_km)
    return rows


def _relevance(text: str, number: str) -> RawSQL:
    rank = "ts_rank_cd(document_tsv, websearch_to_tsquery('english', %s))"
    if not looks_like_part_number(number):
        return RawSQL(rank, [text], output_field=FloatField())
    return RawSQL(
        f"{rank} + word_similarity(%s, part_numbers)", [text, number], output_field=FloatField()
    )


NEWEST = ("-created_at", "-listing_id")
SORT_KEYS = {
    Sort.PRICE: ("price", *NEWEST),
    Sort.PRICE_WITH_CORE: ("price_with_core", *NEWEST),
    Sort.NEWEST: NEWEST,
    Sort.GRADE: ("grade_rank", *NEWEST),
    Sort.DONOR_MILEAGE: ("donor_mileage", *NEWEST),
}
# The columns the sorts read, for sorting few matches in memory.
SORT_FIELDS = tuple(
    dict.fromkeys(key.removeprefix("-") for keys in SORT_KEYS.values() for key in keys)
)


def _sort_keys(request: SearchRequest, *, ranked: bool) -> tuple[str, ...]:
    """The page order as field names, `-` for descending (as the indexes are); ascending puts
    NULLs last. `rank` and `distance_km` are annotations."""
    if request.sort == Sort.DISTANCE and request.near is not None:
        return ("distance_km", *NEWEST)
    if request.sort in SORT_KEYS:
        return SORT_KEYS[request.sort]
    return ("-rank", *NEWEST) if ranked else NEWEST


def _ordered(rows: QuerySet, request: SearchRequest) -> QuerySet:
    """The page order through the ORM: on SQLite, and on PostgreSQL for many matches, where it
    walks the index of its sort order and stops when the page is full. Nearest first is then
    the GiST index's own order, which has no second key: listings at the same yard come in the
    index's order. Relevance is newest first here (see the module docstring)."""
    if request.sort == Sort.DISTANCE and request.near is not None and _postgresql():
        return rows.order_by(_chord(request.near).asc(nulls_last=True))
    terms = []
    for key in _sort_keys(request, ranked=False):
        name = key.removeprefix("-")
        terms.append(F(name).desc() if key.startswith("-") else F(name).asc(nulls_last=True))
    return rows.order_by(*terms)


# Facet counts come back as rows (grouping mask, one column per facet, count), the mask telling
# which facet a row counts, as PostgreSQL's GROUPING() reports it: a bit set for each facet the
# row is not grouped by, the first facet in the highest bit. All bits set: the total.
ALL_FACETS = (1 << len(FACETS)) - 1


def _mask(facet_index: int) -> int:
    return ALL_FACETS ^ (1 << (len(FACETS) - 1 - facet_index))


def _grouped_sql(inner: str, *, first: str = "", last: str = "") -> str:
    """The total and every facet of the rows `inner` selects, in one statement; on PostgreSQL
    `first` and `last` are expressions to put before the mask and after the count of each row."""
    if _postgresql():
        columns = ", ".join(f"CAST({name} AS TEXT)" for name in FACETS)
        sets = ", ".join(f"({name})" for name in FACETS)
        lead, tail = f"{first}, " if first else "", f", {last}" if last else ""
        return (
            f"SELECT {lead}GROUPING({', '.join(FACETS)}), {columns}, COUNT(*){tail}"
            f" FROM ({inner}) AS f GROUP BY GROUPING SETS ({sets}, ())"
        )
    # SQLite has no GROUPING SETS: the same rows, one GROUP BY per facet over the rows read once.
    counts = []
    for index, name in enumerate(FACETS):
        columns = ", ".join(f"CAST({n} AS TEXT)" if n == name else "NULL" for n in FACETS)
        counts.append(f"SELECT {_mask(index)}, {columns}, COUNT(*) FROM f GROUP BY {name}")
    nulls = ", ".join("NULL" for _ in FACETS)
    counts.append(f"SELECT {ALL_FACETS}, {nulls}, COUNT(*) FROM f")
    return f"WITH f AS MATERIALIZED ({inner}) " + " UNION ALL ".join(counts)


def _sampled_sql(inner: str) -> str:
    """PostgreSQL: `_grouped_sql` over a sample of the table's pages, each row led by the
    sampled percentage. The percentage comes from the planner's row count, so that the sample
    stays near SEARCH_SAMPLE_ROWS rows as the table grows; a smaller table is read whole."""
    name = ListingSearch._meta.db_table
    table = re.escape(connection.ops.quote_name(name))
    sample = "TABLESAMPLE SYSTEM ((SELECT pct FROM s)) REPEATABLE (0)"
    sampled, found = re.subn(rf"(FROM {table})(?=\s|$)", rf"\1 {sample}", inner, count=2)
    if found != 1:
        raise ValueError(f"Cannot sample a query that reads {name} {found} times.")
    return (
        "WITH s AS (SELECT LEAST(100, 100.0 * %s / GREATEST(reltuples, 1)) AS pct"
        f" FROM pg_class WHERE oid = '{name}'::regclass) "
        + _grouped_sql(sampled, first="(SELECT pct FROM s)")
    )


def _facet_value(name: str, value: str) -> str:
    if name == "certified":  # PostgreSQL casts booleans to 'true', SQLite to '1'
        return "true" if value in ("true", "1") else "false"
    return value


@dataclass(frozen=True)
class Counts:
    total: int
    facets: dict[str, tuple[FacetValue, ...]]
    exact: bool = True  # counted, not estimated
    sampled: bool = False  # from the sample: the matches are more than SEARCH_EXACT_COUNT_LIMIT
    page_ids: tuple[int, ...] | None = None  # the page, in order, where it was found with them


def _tally(counted: list[tuple], *, scale: float = 1.0, exact: bool = True) -> Counts:
    """Counts from the rows of `_grouped_sql`, each multiplied by `scale`."""
    by_mask = {_mask(index): (index, name) for index, name in enumerate(FACETS)}
    total, values = 0, {name: [] for name in FACETS}
    for mask, *columns, n in counted:
        estimate = round(n * scale)
        if mask == ALL_FACETS:
            total = estimate
        elif mask in by_mask and estimate:
            index, name = by_mask[mask]
            if columns[index]:
                values[name].append((columns[index], estimate))
    facets = {
        name: tuple(
            FacetValue(value=_facet_value(name, value), label=value, count=n)
            for value, n in sorted(pairs, key=lambda pair: (-pair[1], pair[0]))
        )
        for name, pairs in values.items()
    }
    return Counts(total, facets, exact)


def _fetch(sql: str, params) -> list[tuple]:
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        return cursor.fetchall()


def _planned_rows(inner: str, params) -> float:
    """PostgreSQL's own estimate of how many rows `inner` returns: planning only, no reading."""
    ((explained,),) = _fetch(f"EXPLAIN (FORMAT JSON) {inner}", params)
    return explained[0]["Plan"]["Plan Rows"]


def _counted_with_page(request: SearchRequest, rows: QuerySet, *, cap: int | None = None) -> Counts:
    """PostgreSQL, few matches: the total, the facets and the ids of the page in one statement
    that reads the matching rows once (at most `cap` of them), into a materialized CTE that is
    counted and sorted in memory. A sort index is no use for a few thousand matches scattered
    over it; offered one, the planner walks it testing every row."""
    ranked = bool(request.text.strip())
    if ranked:
        rows = rows.annotate(
            rank=_relevance(request.text.strip(), normalise_part_number(request.text))
        )
    annotated = [name for name in ("rank", "distance_km") if name in rows.query.annotations]
    fields = tuple(dict.fromkeys(("listing_id", *FACETS, *SORT_FIELDS, *annotated)))
    inner, params = rows.order_by().values(*fields).query.sql_with_params()
    quote = connection.ops.quote_name
    order = ", ".join(
        f"{quote(key[1:])} DESC" if key.startswith("-") else f"{quote(key)} ASC NULLS LAST"
        for key in _sort_keys(request, ranked=ranked)
    )
    limit = f" LIMIT {cap}" if cap else ""
    nulls = ", ".join("NULL" for _ in FACETS)
    sql = (
        f"WITH m AS MATERIALIZED ({inner}{limit}) "
        + _grouped_sql("SELECT * FROM m", last="CAST(NULL AS bigint[])")
        + f" UNION ALL SELECT -1, {nulls}, 0, ARRAY(SELECT listing_id FROM m ORDER BY {order}"
        " LIMIT %s OFFSET %s)"
    )
    counted = _fetch(sql, [*params, request.page_size, request.offset])
    page_ids = next(row[-1] for row in counted if row[0] == -1)
    facet_rows = [row[:-1] for row in counted if row[0] != -1]
    return replace(_tally(facet_rows), page_ids=tuple(page_ids))


def _planned_rows(inner: str, params) -> float:
    """PostgreSQL's own estimate of how many rows `inner` returns: planning only, no reading."""
    ((explained,),) = _fetch(f"EXPLAIN (FORMAT JSON) {inner}", params)
    return explained[0]["Plan"]["Plan Rows"]


def counts(request: SearchRequest, rows: QuerySet) -> Counts:
    """The total and the facets of the matching rows: counted exactly (on PostgreSQL with the
    page), or on PostgreSQL estimated from a sample when there are more than
    SEARCH_EXACT_COUNT_LIMIT.

    Where the planner expects few matches they are counted at once, reading one row past the
    limit to learn whether it holds; otherwise, or when it did not hold, the sample decides."""
    inner, params = rows.order_by().values(*FACETS).query.sql_with_params()
    if not _postgresql():
        return _tally(_fetch(_grouped_sql(inner), params))
    limit = settings.SEARCH_EXACT_COUNT_LIMIT
    known_many = False
    if _planned_rows(inner, params) <= limit:
        capped = _counted_with_page(request, rows, cap=limit + 1)
        if capped.total <= limit:
            return capped
        known_many = True
    sampled = _fetch(_sampled_sql(inner), [settings.SEARCH_SAMPLE_ROWS, *params])
    percent = float(sampled[0][0])
    estimate = _tally([row[1:] for row in sampled], scale=100 / percent, exact=percent >= 100)
    if known_many:
        return replace(estimate, total=max(estimate.total, limit + 1), sampled=True)
    if estimate.total > limit:
        return replace(estimate, sampled=True)
    return _counted_with_page(request, rows)


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
        certified_until=row.certified_until,
        badges=tuple((label, date.fromisoformat(until)) for label, until in row.badges),
    )


def _page(
    request: SearchRequest, interchange_groups: tuple[str, ...], counted: Counts
) -> list[ListingSearch]:
    """The page's rows: by key where the counting found their ids, else through the ORM."""
    if counted.page_ids is None:
        rows = _matching(request, interchange_groups, bounded=not counted.sampled)
        return list(_ordered(rows, request)[request.offset : request.offset + request.page_size])
    rows = ListingSearch.objects.filter(listing_id__in=counted.page_ids)
    if request.near is not None:
        rows = rows.annotate(distance_km=_distance_km(request.near))
    found = {row.listing_id: row for row in rows}
    # A row the indexer deleted since the count is left out.
    return [found[listing_id] for listing_id in counted.page_ids if listing_id in found]


class DatabaseBackend:
    """Search over `ListingSearch`: the counts (with the page's ids when the matches are few),
    then the page's rows: the same statements whatever the page size."""

    def search(
        self, request: SearchRequest, *, interchange_groups: tuple[str, ...] = ()
    ) -> SearchResult:
        counted = counts(request, _matching(request, interchange_groups))
        page = _page(request, interchange_groups, counted)
        number = normalise_part_number(request.text)
        return SearchResult(
            hits=tuple(_hit(row, number, interchange_groups) for row in page),
            total=counted.total,
            total_exact=counted.exact,
            facets=counted.facets,
            page=request.page,
            page_size=request.page_size,
        )

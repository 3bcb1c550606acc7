"""A SearchRequest as the JSON of an Elasticsearch search, built with `elasticsearch.dsl`.

Filters sit in the bool query's `filter`, so the facet aggregations count within every filter.
Only searchable listings are indexed (sold-out and withdrawn ones are deleted), so
`in_stock_only` needs no clause here.
"""

from decimal import Decimal
from itertools import pairwise
from typing import Any

from elasticsearch import dsl

from catalog.part_numbers import normalise_part_number
from catalog.search.query import (
    PRICE_BANDS,
    GeoPoint,
    SearchRequest,
    Sort,
    VehicleFilter,
    price_band,
)

TEXT_FIELDS = ("title^3", "part_type_name^2", "fitment_names", "description")
DISPLAY_FIELDS = (
    "listing_id",
    "title",
    "part_type",
    "condition",
    "grade",
    "price",
    "core_charge",
    "currency",
    "warranty_days",
    "donor_mileage",
    "seller_name",
    "seller_kind",
    "photo",
    "created_at",
    "location",
    "certified_until",
)
# facet name -> (field, terms aggregation options)
TERMS_FACETS: dict[str, tuple[str, dict[str, Any]]] = {
    "condition": ("condition", {"size": 10}),
    "grade": ("grade", {"size": 10, "exclude": [""]}),  # ungraded is not a grade to pick
    "part_type": ("part_type", {"size": 50}),
    "make": ("fitment_make", {"size": 50}),
    "seller_kind": ("seller_kind", {"size": 5}),
}
# Certified is a date compared with today, not a stored flag: its facet is two filters,
# keyed "true" and "false" as the database backend reports it.
CERTIFIED_FACET = "certified"
PRICE_FACET = "price_band"
INTERCHANGE_QUERY = "interchange"
PART_NUMBER_QUERY = "part_number"  # the exact match; near spellings add a suffix
_GRAMS = ("", "._2gram", "._3gram")  # the shingle sub-fields of search_as_you_type


def _looks_like_part_number(number: str) -> bool:
    # Words ("alternator") would only cost fuzzy expansions over the part-number terms.
    return len(number) >= 4 and any(char.isdigit() for char in number)


def _part_number_queries(number: str) -> list[dsl.Query]:
    """Exact, then up to two edits apart (AUTO), then as a prefix while it is being typed."""
    exact = {"value": number, "boost": 10, "_name": PART_NUMBER_QUERY}
    fuzzy = {
        "value": number,
        "fuzziness": "AUTO",
        "boost": 3,
        "_name": f"{PART_NUMBER_QUERY}_fuzzy",
    }
    prefix = {"query": number, "_name": f"{PART_NUMBER_QUERY}_prefix"}
    return [
        dsl.Q("term", part_numbers=exact),
        dsl.Q("fuzzy", part_numbers=fuzzy),
        dsl.Q("match", **{"part_numbers.prefix": prefix}),
    ]


def _text_query(text: str, interchange_groups: tuple[str, ...]) -> dsl.Query:
    """Any of: every word in the text fields, the part number, the part number's interchange."""
    should = [
        dsl.Q(
            "multi_match", query=text, fields=list(TEXT_FIELDS), type="cross_fields", operator="and"
        )
    ]
    number = normalise_part_number(text)
    if _looks_like_part_number(number):
        should.extend(_part_number_queries(number))
    if interchange_groups:
        should.append(
            dsl.Q("terms", interchange_group=list(interchange_groups), _name=INTERCHANGE_QUERY)
        )
    return dsl.Q("bool", should=should, minimum_should_match=1)


def fitment_filter(vehicle: VehicleFilter) -> dsl.Query:
    """One term on the fitment tokens; a year without a model matches any model of the make."""
    if vehicle.model_id is None and vehicle.year is not None:
        return dsl.Q("wildcard", fitment={"value": f"{vehicle.make_id}|*|{vehicle.year}"})
    parts = (vehicle.make_id, vehicle.model_id, vehicle.year if vehicle.model_id else None)
    return dsl.Q("term", fitment="|".join(str(part) for part in parts if part is not None))


def _category_filters(request: SearchRequest) -> list[dsl.Query]:
    filters = [
        dsl.Q("terms", **{field: list(values)})
        for field, values in (
            ("condition", request.conditions),
            ("grade", request.grades),
            ("part_type", request.part_types),
        )
        if values
    ]
    if request.part_type_group:
        filters.append(dsl.Q("term", part_type_group=request.part_type_group))
    if request.seller_kind:
        filters.append(dsl.Q("term", seller_kind=str(request.seller_kind)))
    if request.certified_only:
        filters.append(certified_filter())
    return filters


def certified_filter() -> dsl.Query:
    """Covered by an active badge today; `now/d` rounds to the day, so the query is cached."""
    return dsl.Q("range", certified_until={"gte": "now/d"})


def _certified_facet() -> dict[str, Any]:
    certified = certified_filter()
    return {"true": certified, "false": dsl.Q("bool", must_not=[certified])}


def _range_filters(request: SearchRequest) -> list[dsl.Query]:
    filters = []
    price = {"gte": request.price_min, "lte": request.price_max}
    price = {bound: str(value) for bound, value in price.items() if value is not None}
    if price:
        filters.append(dsl.Q("range", price=price))
    if request.warranty_days_min is not None:
        filters.append(dsl.Q("range", warranty_days={"gte": request.warranty_days_min}))
    return filters


def _place_filters(request: SearchRequest) -> list[dsl.Query]:
    filters = []
    if request.near is not None and request.within_km is not None:
        filters.append(
            dsl.Q(
                "geo_distance",
                distance=f"{request.within_km}km",
                location=_lat_lon(request.near),
            )
        )
    if request.pickup_only:
        filters.append(dsl.Q("term", pickup_available=True))
    if request.vehicle is not None:
        filters.append(fitment_filter(request.vehicle))
    return filters


def _lat_lon(point: GeoPoint) -> dict[str, float]:
    return {"lat": point.latitude, "lon": point.longitude}


# Ties go newest first, then by listing id, as in the database backend: pages stay stable.
_TIEBREAK = [{"created_at": "desc"}, {"listing_id": "desc"}]
_SORTS: dict[Sort, list[Any]] = {
    Sort.RELEVANCE: ["_score"],
    Sort.PRICE: [{"price": "asc"}],
    Sort.PRICE_WITH_CORE: [{"price_with_core": "asc"}],
    Sort.NEWEST: [],
    Sort.GRADE: [{"grade_rank": "asc"}],
    Sort.DONOR_MILEAGE: [{"donor_mileage": {"order": "asc", "missing": "_last"}}],
}


def sorts_by_distance(request: SearchRequest) -> bool:
    return request.sort == Sort.DISTANCE and request.near is not None


def _sort(request: SearchRequest) -> list[Any]:
    """Keys for the request's sort; distance without a point to measure from is relevance."""
    if sorts_by_distance(request):
        distance = {"location": _lat_lon(request.near), "order": "asc", "unit": "km"}
        return [{"_geo_distance": {**distance, "distance_type": "arc"}}, *_TIEBREAK]
    return [*_SORTS.get(request.sort, _SORTS[Sort.RELEVANCE]), *_TIEBREAK]


def _price_ranges() -> list[dict[str, Any]]:
    # Bucket bounds, not amounts of money: floats are exact for these round numbers.
    bounds = [Decimal("0"), *PRICE_BANDS]
    ranges = [
        {"key": price_band(lower), "from": float(lower), "to": float(upper)}
        for lower, upper in pairwise(bounds)
    ]
    return [*ranges, {"key": price_band(bounds[-1]), "from": float(bounds[-1])}]


def search_body(request: SearchRequest, interchange_groups: tuple[str, ...] = ()) -> dict[str, Any]:
    """The search request as Elasticsearch JSON. Facets count within every filter.

    `interchange_groups` are the groups of the parts whose number is the text, resolved by the
    caller from the database; their listings match too and come back marked as interchange.
    """
    must = [_text_query(request.text, interchange_groups)] if request.text.strip() else []
    filters = [*_category_filters(request), *_range_filters(request), *_place_filters(request)]
    search = dsl.Search().query(dsl.Q("bool", must=must, filter=filters))
    search = search.sort(*_sort(request)).source(list(DISPLAY_FIELDS))
    search = search[request.offset : request.offset + request.page_size]
    for name, (field, options) in TERMS_FACETS.items():
        search.aggs.bucket(name, "terms", field=field, **options)
    search.aggs.bucket(CERTIFIED_FACET, "filters", filters=_certified_facet())
    search.aggs.bucket(PRICE_FACET, "range", field="price", ranges=_price_ranges())
    return search.extra(track_total_hits=True).to_dict()


def suggestion_body(prefix: str, size: int = 8) -> dict[str, Any]:
    """Listings whose title, part type or part number begins with what the user has typed."""
    fields = [f"{name}.suggest{gram}" for name in ("title", "part_type_name") for gram in _GRAMS]
    should = [dsl.Q("multi_match", query=prefix, type="bool_prefix", fields=fields)]
    number = normalise_part_number(prefix)
    if len(number) >= 2:
        should.append(dsl.Q("match", **{"part_numbers.prefix": number}))
    query = dsl.Q("bool", should=should, minimum_should_match=1)
    return dsl.Search().query(query).source(["title", "part_numbers"])[:size].to_dict()

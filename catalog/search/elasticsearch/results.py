"""A raw Elasticsearch search response as the backend-neutral SearchResult."""

import math
from collections.abc import Iterable
from datetime import date, datetime
from decimal import Decimal
from typing import Any

from catalog.search.elasticsearch.queries import (
    CERTIFIED_FACET,
    INTERCHANGE_QUERY,
    PART_NUMBER_QUERY,
    PRICE_FACET,
    TERMS_FACETS,
    sorts_by_distance,
)
from catalog.search.query import FacetValue, GeoPoint, Hit, SearchRequest, SearchResult

EARTH_RADIUS_KM = 6371.0088  # the mean radius Elasticsearch's `arc` distance uses


def _kilometres_between(point: GeoPoint, location: dict[str, float]) -> float:
    """Great-circle (haversine) distance, as Elasticsearch's `arc` computes it."""
    lat1, lat2 = math.radians(point.latitude), math.radians(location["lat"])
    dlat = lat2 - lat1
    dlon = math.radians(location["lon"] - point.longitude)
    h = math.sin(dlat / 2) ** 2 + math.cos(lat1) * math.cos(lat2) * math.sin(dlon / 2) ** 2
    return 2 * EARTH_RADIUS_KM * math.asin(math.sqrt(h))


def _distance_km(request: SearchRequest, raw_hit: dict[str, Any]) -> float | None:
    """From the sort value when sorted by distance, else from the stored location."""
    if request.near is None:
        return None
    if sorts_by_distance(request):
        value = float(raw_hit["sort"][0])  # a listing with no location sorts at Infinity
        return value if math.isfinite(value) else None
    location = raw_hit["_source"].get("location")
    return _kilometres_between(request.near, location) if location else None


def _is_interchange_match(matched_queries: Iterable[str]) -> bool:
    """Found through the interchange group, not by carrying exactly the number searched for.

    A listing found by a near spelling of the number (fuzzy, prefix) that sits in the group
    carries a different number, so it is an interchange match too.
    """
    names = set(matched_queries)
    return INTERCHANGE_QUERY in names and PART_NUMBER_QUERY not in names


def _hit(request: SearchRequest, raw_hit: dict[str, Any]) -> Hit:
    source = raw_hit["_source"]
    created_at = source.get("created_at")
    certified_until = source.get("certified_until")
    return Hit(
        listing_id=int(source["listing_id"]),
        title=source["title"],
        part_type=source["part_type"],  # the code, as the database backend gives it
        condition=source["condition"],
        grade=source.get("grade") or "",
        price=Decimal(str(source["price"])),
        core_charge=Decimal(str(source["core_charge"])),
        currency=source["currency"],
        warranty_days=int(source["warranty_days"]),
        donor_mileage=source.get("donor_mileage"),
        seller_name=source["seller_name"],
        seller_kind=source["seller_kind"],
        distance_km=_distance_km(request, raw_hit),
        # A list, or a dict of name to score with `include_named_queries_score`.
        interchange_match=_is_interchange_match(raw_hit.get("matched_queries") or ()),
        photo=source.get("photo") or "",
        created_at=datetime.fromisoformat(created_at) if created_at else None,
        certified_until=date.fromisoformat(certified_until) if certified_until else None,
        badges=tuple(_badge(badge) for badge in source.get("badges") or ()),
    )


def _badge(stored: str) -> tuple[str, date]:
    until, label = stored.split("|", 1)
    return label, date.fromisoformat(until)


def price_band_label(band: str) -> str:
    """`0-50` reads `0 to 50`, `1000+` reads `1000 and over`."""
    if band.endswith("+"):
        return f"{band[:-1]} and over"
    return band.replace("-", " to ")


def _term_value(bucket: dict[str, Any]) -> FacetValue:
    # Booleans come back as 0/1 with the readable form in `key_as_string`.
    value = str(bucket.get("key_as_string", bucket["key"]))
    return FacetValue(value=value, label=value, count=bucket["doc_count"])


def _certified_values(aggregation: dict[str, Any]) -> tuple[FacetValue, ...]:
    """The keyed `filters` buckets ("true", "false"), the larger first, empty ones dropped."""
    counts = {key: bucket["doc_count"] for key, bucket in aggregation.get("buckets", {}).items()}
    ordered = sorted(counts.items(), key=lambda pair: (-pair[1], pair[0]))
    return tuple(FacetValue(value=key, label=key, count=n) for key, n in ordered if n)


def _facets(aggregations: dict[str, Any]) -> dict[str, tuple[FacetValue, ...]]:
    facets = {
        name: tuple(_term_value(b) for b in aggregations.get(name, {}).get("buckets", []))
        for name in TERMS_FACETS
    }
    facets[CERTIFIED_FACET] = _certified_values(aggregations.get(CERTIFIED_FACET, {}))
    bands = aggregations.get(PRICE_FACET, {}).get("buckets", [])
    facets[PRICE_FACET] = tuple(
        FacetValue(value=b["key"], label=price_band_label(b["key"]), count=b["doc_count"])
        for b in bands
        if b["doc_count"]
    )
    return facets


def search_result(request: SearchRequest, response: dict[str, Any]) -> SearchResult:
    """A raw search response (`client.search(...).body`) as the backend-neutral result."""
    hits = response["hits"]
    return SearchResult(
        hits=tuple(_hit(request, raw_hit) for raw_hit in hits["hits"]),
        total=hits["total"]["value"],
        total_exact=hits["total"].get("relation", "eq") == "eq",
        facets=_facets(response.get("aggregations", {})),
        page=request.page,
        page_size=request.page_size,
    )


def suggestions(response: dict[str, Any]) -> tuple[str, ...]:
    """Distinct titles of the suggested listings, best first."""
    titles = (raw_hit["_source"]["title"] for raw_hit in response["hits"]["hits"])
    return tuple(dict.fromkeys(titles))

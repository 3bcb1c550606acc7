"""The Elasticsearch backend, tested as data: mapping, document, query and response parsing.

No Elasticsearch server can be installed on the development machines, so the JSON the backend
sends and reads is asserted directly (no mock of the client). The tests marked `elasticsearch`
run against a real server whenever `ELASTICSEARCH_URL` answers, and are skipped (with the reason)
where it does not.
"""

import json
import math
from datetime import UTC, date, datetime
from decimal import Decimal
from uuid import uuid4

import pytest
from django.conf import settings as django_settings
from elasticsearch import Elasticsearch

from catalog.search.documents import Fitment, SearchDocument
from catalog.search.elasticsearch import (
    ElasticsearchBackend,
    document_body,
    index_body,
    index_name,
    listing_mapping,
    search_body,
    search_result,
    suggestion_body,
    suggestions,
)
from catalog.search.query import (
    PRICE_BANDS,
    GeoPoint,
    SearchRequest,
    SellerKind,
    Sort,
    VehicleFilter,
    price_band,
)

HONDA, ACURA, FORD = 1, 2, 3
ACCORD, TL, FOCUS = 10, 20, 30
CHICAGO = GeoPoint(41.8781, -87.6298)
MILWAUKEE = GeoPoint(43.0389, -87.9065)
DALLAS = GeoPoint(32.7767, -96.7970)


def _document(**overrides) -> SearchDocument:
    facts = {
        "listing_id": 7,
        "title": "Alternator 130A, tested",
        "description": "Pulled from a running car.",
        "part_type": "alternator",
        "part_type_name": "Alternator",
        "part_type_group": "electrical",
        "condition": "recycled",
        "grade": "A",
        "price": Decimal("120.50"),
        "core_charge": Decimal("0.00"),
        "currency": "USD",
        "warranty_days": 90,
        "donor_mileage": 84000,
        "seller_name": "North Yard",
        "seller_kind": "business",
        "part_numbers": ("31100RAAA01",),
        "interchange_group": "601-51234",
        "fitments": (
            Fitment(HONDA, ACCORD, 2003, "Honda", "Accord"),
            Fitment(HONDA, ACCORD, 2004, "Honda", "Accord"),
            Fitment(ACURA, TL, 2004, "Acura", "TL"),
        ),
        "latitude": CHICAGO.latitude,
        "longitude": CHICAGO.longitude,
        "pickup_available": True,
        "photo": "listings/7/front.jpg",
        "created_at": datetime(2025, 3, 1, 12, 0, tzinfo=UTC),
    }
    return SearchDocument(**{**facts, **overrides})


def _properties() -> dict:
    return listing_mapping().to_dict()["properties"]


def _filters(request: SearchRequest) -> list[dict]:
    return search_body(request)["query"]["bool"].get("filter", [])


def _text_clauses(request: SearchRequest, interchange_groups=()) -> list[dict]:
    must = search_body(request, interchange_groups)["query"]["bool"]["must"]
    return must[0]["bool"]["should"]


# The mapping


def _field_types(properties: dict) -> list[str]:
    types = []
    for field in properties.values():
        types.append(field["type"])
        types.extend(_field_types(field.get("fields", {})))
        types.extend(_field_types(field.get("properties", {})))
    return types


def test_mapping_stores_fitment_as_flat_keyword_tokens_never_nested_or_joined():
    properties = _properties()

    assert properties["fitment"] == {"type": "keyword"}
    assert not {"nested", "join", "object"} & set(_field_types(properties))


def test_mapping_stores_the_stocking_location_as_a_geo_point():
    assert _properties()["location"] == {"type": "geo_point"}


def test_mapping_analyses_title_description_and_part_type_name_as_english_text():
    properties = _properties()

    for name in ("title", "description", "part_type_name", "fitment_names"):
        assert properties[name]["type"] == "text"
        assert properties[name]["analyzer"] == "english"


def test_mapping_offers_search_as_you_type_on_title_and_part_type_name_for_suggestions():
    properties = _properties()

    for name in ("title", "part_type_name"):
        assert properties[name]["fields"]["suggest"] == {"type": "search_as_you_type"}


def test_mapping_keeps_every_filter_and_facet_field_as_a_keyword():
    properties = _properties()
    keywords = (
        "part_type",
        "part_type_group",
        "condition",
        "grade",
        "currency",
        "seller_kind",
        "interchange_group",
        "fitment_make",
    )

    for name in keywords:
        assert properties[name] == {"type": "keyword"}, name


def test_mapping_normalises_part_numbers_and_indexes_their_prefixes():
    part_numbers = _properties()["part_numbers"]

    assert part_numbers["type"] == "keyword"
    assert part_numbers["normalizer"] == "part_number"
    assert part_numbers["fields"]["prefix"] == {
        "type": "text",
        "analyzer": "part_number_prefix",
        "search_analyzer": "part_number_search",
    }


def test_mapping_stores_money_as_scaled_floats_in_cents():
    properties = _properties()

    for name in ("price", "price_with_core", "core_charge"):
        assert properties[name] == {"type": "scaled_float", "scaling_factor": 100}


def test_mapping_types_numbers_dates_and_flags():
    properties = _properties()

    assert properties["listing_id"] == {"type": "long"}
    for name in ("warranty_days", "donor_mileage", "grade_rank"):
        assert properties[name] == {"type": "integer"}
    assert properties["created_at"] == {"type": "date"}
    assert properties["pickup_available"] == {"type": "boolean"}
    assert properties["certified_until"] == {"type": "date"}


def test_mapping_keeps_display_only_fields_out_of_the_index():
    properties = _properties()

    for name in ("seller_name", "photo"):
        assert properties[name] == {"type": "keyword", "index": False, "doc_values": False}


def test_mapping_is_strict_so_a_field_it_lacks_is_refused():
    assert listing_mapping().to_dict()["dynamic"] == "strict"


def test_index_body_defines_the_analysis_the_mapping_names():
    analysis = index_body()["settings"]["analysis"]

    assert analysis["normalizer"]["part_number"] == {
        "type": "custom",
        "char_filter": ["part_number_strip"],
        "filter": ["uppercase"],
    }
    assert analysis["char_filter"]["part_number_strip"]["pattern"] == "[^0-9A-Za-z]"
    assert analysis["analyzer"]["part_number_prefix"]["filter"] == ["uppercase", "part_number_edge"]
    assert analysis["filter"]["part_number_edge"]["type"] == "edge_ngram"
    assert analysis["analyzer"]["part_number_search"]["tokenizer"] == "keyword"
    assert index_body()["mappings"] == listing_mapping().to_dict()


def test_index_name_comes_from_the_elasticsearch_index_setting(settings):
    settings.ELASTICSEARCH_INDEX = "listings-staging"

    assert index_name() == "listings-staging"
    assert ElasticsearchBackend().alias == "listings-staging"


def test_index_name_is_listings_when_the_setting_is_missing(settings):
    if hasattr(settings, "ELASTICSEARCH_INDEX"):
        del settings.ELASTICSEARCH_INDEX

    assert index_name() == "listings"


# The document of one listing


def test_document_body_has_exactly_the_fields_of_the_mapping():
    assert set(document_body(_document())) == set(_properties())


def test_document_body_turns_fitments_into_make_model_and_year_tokens():
    body = document_body(_document())

    assert body["fitment"] == ["1", "1|10", "1|10|2003", "1|10|2004", "2", "2|20", "2|20|2004"]


def test_document_body_sorts_fitment_tokens_by_id_not_as_text():
    fitments = (Fitment(12, 120, 2010, "Kia", "Rio"), Fitment(9, 90, 1999, "Fiat", "Uno"))

    body = document_body(_document(fitments=fitments))

    assert body["fitment"] == ["9", "9|90", "9|90|1999", "12", "12|120", "12|120|2010"]


def test_document_body_lists_each_make_and_vehicle_name_once():
    body = document_body(_document())

    assert body["fitment_make"] == ["Acura", "Honda"]
    assert body["fitment_names"] == ["Acura TL", "Honda Accord"]


def test_document_body_of_a_listing_without_fitment_has_no_tokens():
    body = document_body(_document(fitments=()))

    assert body["fitment"] == []
    assert body["fitment_make"] == []


def test_document_body_sends_money_as_exact_decimal_strings():
    body = document_body(_document(price=Decimal("1499.99"), core_charge=Decimal("150.00")))

    assert body["price"] == "1499.99"
    assert body["core_charge"] == "150.00"
    assert body["price_with_core"] == "1649.99"


def test_document_body_is_plain_json():
    body = document_body(_document())

    assert json.loads(json.dumps(body)) == body


def test_document_body_places_the_listing_at_its_stocking_location():
    body = document_body(_document())

    assert body["location"] == {"lat": CHICAGO.latitude, "lon": CHICAGO.longitude}
    assert body["pickup_available"] is True


def test_document_body_without_a_location_has_no_geo_point():
    body = document_body(_document(latitude=None, longitude=None))

    assert body["location"] is None


def test_document_body_carries_grade_rank_for_sorting_and_grade_for_facets():
    assert document_body(_document(grade="B"))["grade_rank"] == 2
    assert document_body(_document(grade="", condition="remanufactured"))["grade_rank"] == 4


def test_document_body_leaves_out_an_empty_interchange_group():
    assert document_body(_document(interchange_group=""))["interchange_group"] is None
    assert document_body(_document())["interchange_group"] == "601-51234"


def test_document_body_carries_the_last_certified_day_as_a_date_or_null():
    assert document_body(_document())["certified_until"] is None
    certified = _document(certified_until=date(2031, 5, 31))
    assert document_body(certified)["certified_until"] == "2031-05-31"


def test_badges_go_to_the_index_and_come_back_with_their_last_day():
    from catalog.search.elasticsearch.results import _badge

    badges = (("Certified reman", date(2031, 5, 31)), ("Yard | verified", date(2030, 1, 1)))
    stored = document_body(_document(badges=badges))["badges"]

    assert stored == ["2031-05-31|Certified reman", "2030-01-01|Yard | verified"]
    assert tuple(_badge(value) for value in stored) == badges


def test_document_body_keeps_what_a_result_card_shows():
    body = document_body(_document())

    assert body["seller_name"] == "North Yard"
    assert body["photo"] == "listings/7/front.jpg"
    assert body["part_numbers"] == ["31100RAAA01"]
    assert body["created_at"] == "2025-03-01T12:00:00+00:00"


# The query: text, part numbers and interchange


def test_search_body_without_text_or_filters_matches_everything():
    assert search_body(SearchRequest())["query"] == {"bool": {}}


def test_search_body_matches_every_word_across_the_text_fields():
    clauses = _text_clauses(SearchRequest(text="alternator accord"))

    assert clauses == [
        {
            "multi_match": {
                "query": "alternator accord",
                "fields": ["title^3", "part_type_name^2", "fitment_names", "description"],
                "type": "cross_fields",
                "operator": "and",
            }
        }
    ]


def test_search_body_looks_up_a_part_number_normalised_exactly_fuzzily_and_as_a_prefix():
    clauses = _text_clauses(SearchRequest(text="31100-raa a01"))

    assert clauses[1] == {
        "term": {"part_numbers": {"value": "31100RAAA01", "boost": 10, "_name": "part_number"}}
    }
    assert clauses[2] == {
        "fuzzy": {
            "part_numbers": {
                "value": "31100RAAA01",
                "fuzziness": "AUTO",
                "boost": 3,
                "_name": "part_number_fuzzy",
            }
        }
    }
    assert clauses[3] == {
        "match": {"part_numbers.prefix": {"query": "31100RAAA01", "_name": "part_number_prefix"}}
    }


def test_search_body_needs_any_one_of_text_part_number_or_interchange():
    must = search_body(SearchRequest(text="31100RAAA01"))["query"]["bool"]["must"]

    assert len(must) == 1
    assert must[0]["bool"]["minimum_should_match"] == 1


def test_search_body_does_not_treat_plain_words_as_part_numbers():
    clauses = _text_clauses(SearchRequest(text="alternator"))

    assert [next(iter(clause)) for clause in clauses] == ["multi_match"]


def test_search_body_adds_the_interchange_groups_as_a_named_clause():
    clauses = _text_clauses(SearchRequest(text="31100RAAA01"), ("601-51234", "601-51235"))

    assert clauses[-1] == {
        "terms": {"interchange_group": ["601-51234", "601-51235"], "_name": "interchange"}
    }


def test_search_body_ignores_interchange_groups_without_text():
    assert search_body(SearchRequest(), ("601-51234",))["query"] == {"bool": {}}


# The query: filters


@pytest.mark.parametrize(
    ("request_", "expected"),
    [
        (
            SearchRequest(conditions=("recycled", "remanufactured")),
            {"terms": {"condition": ["recycled", "remanufactured"]}},
        ),
        (SearchRequest(grades=("A", "B")), {"terms": {"grade": ["A", "B"]}}),
        (SearchRequest(part_types=("alternator",)), {"terms": {"part_type": ["alternator"]}}),
        (SearchRequest(part_type_group="electrical"), {"term": {"part_type_group": "electrical"}}),
        (
            SearchRequest(seller_kind=SellerKind.INDIVIDUAL),
            {"term": {"seller_kind": "individual"}},
        ),
        (
            SearchRequest(certified_only=True),
            {"range": {"certified_until": {"gte": "now/d"}}},
        ),
        (SearchRequest(warranty_days_min=90), {"range": {"warranty_days": {"gte": 90}}}),
        (SearchRequest(pickup_only=True), {"term": {"pickup_available": True}}),
        (
            SearchRequest(price_min=Decimal("50.00"), price_max=Decimal("250")),
            {"range": {"price": {"gte": "50.00", "lte": "250"}}},
        ),
        (SearchRequest(price_max=Decimal("99.99")), {"range": {"price": {"lte": "99.99"}}}),
        (
            SearchRequest(near=CHICAGO, within_km=50),
            {
                "geo_distance": {
                    "distance": "50km",
                    "location": {"lat": CHICAGO.latitude, "lon": CHICAGO.longitude},
                }
            },
        ),
    ],
    ids=[
        "conditions",
        "grades",
        "part_types",
        "part_type_group",
        "seller_kind",
        "certified_only",
        "warranty_days_min",
        "pickup_only",
        "price_range",
        "price_max",
        "within_km",
    ],
)
def test_search_body_filters_on_each_request_filter(request_, expected):
    assert _filters(request_) == [expected]


@pytest.mark.parametrize(
    ("vehicle", "expected"),
    [
        (VehicleFilter(HONDA), {"term": {"fitment": "1"}}),
        (VehicleFilter(HONDA, ACCORD), {"term": {"fitment": "1|10"}}),
        (VehicleFilter(HONDA, ACCORD, 2003), {"term": {"fitment": "1|10|2003"}}),
        (VehicleFilter(HONDA, year=2003), {"wildcard": {"fitment": {"value": "1|*|2003"}}}),
    ],
)
def test_search_body_filters_on_the_fitment_token_of_the_vehicle(vehicle, expected):
    assert _filters(SearchRequest(vehicle=vehicle)) == [expected]


def test_search_body_combines_every_filter_in_the_filter_context():
    request = SearchRequest(
        text="alternator",
        vehicle=VehicleFilter(HONDA, ACCORD, 2003),
        conditions=("recycled",),
        grades=("A",),
        price_max=Decimal("200"),
        near=CHICAGO,
        within_km=100,
        pickup_only=True,
        certified_only=True,
    )

    assert len(_filters(request)) == 7


def test_search_body_needs_no_clause_for_in_stock_because_only_stocked_listings_are_indexed():
    assert _filters(SearchRequest(in_stock_only=True)) == []
    assert _filters(SearchRequest(in_stock_only=False)) == []


def test_search_body_does_not_limit_distance_without_a_radius():
    assert _filters(SearchRequest(near=CHICAGO)) == []


# The query: sorts and pages


@pytest.mark.parametrize(
    ("sort", "expected"),
    [
        (Sort.RELEVANCE, ["_score"]),
        (Sort.PRICE, [{"price": {"order": "asc"}}]),
        (Sort.PRICE_WITH_CORE, [{"price_with_core": {"order": "asc"}}]),
        (Sort.NEWEST, []),  # the tiebreak alone: newest first
        (Sort.GRADE, [{"grade_rank": {"order": "asc"}}]),
        (Sort.DONOR_MILEAGE, [{"donor_mileage": {"order": "asc", "missing": "_last"}}]),
        (Sort.DISTANCE, ["_score"]),  # no point to measure from: relevance
    ],
)
def test_search_body_sorts_by_each_sort_then_newest_then_listing_id(sort, expected):
    body = search_body(SearchRequest(sort=sort))

    assert _normalised_sort(body["sort"]) == [
        *expected,
        {"created_at": {"order": "desc"}},
        {"listing_id": {"order": "desc"}},
    ]


def _normalised_sort(keys: list) -> list:
    """`{"price": "asc"}` and `{"price": {"order": "asc"}}` mean the same to Elasticsearch."""
    return [
        {k: v if isinstance(v, dict) else {"order": v} for k, v in key.items()}
        if isinstance(key, dict)
        else key
        for key in keys
    ]


def test_search_body_sorts_by_arc_distance_in_km_from_the_point():
    body = search_body(SearchRequest(near=CHICAGO, sort=Sort.DISTANCE))

    assert body["sort"][0] == {
        "_geo_distance": {
            "location": {"lat": CHICAGO.latitude, "lon": CHICAGO.longitude},
            "order": "asc",
            "unit": "km",
            "distance_type": "arc",
        }
    }


def test_search_body_pages_with_from_and_size_and_counts_every_hit():
    body = search_body(SearchRequest(page=3, page_size=25))

    assert body["from"] == 50
    assert body["size"] == 25
    assert body["track_total_hits"] is True


def test_search_body_fetches_only_what_a_result_card_shows():
    source = search_body(SearchRequest())["_source"]

    assert "description" not in source
    assert {"listing_id", "title", "price", "core_charge", "seller_name", "location"} <= set(source)


def test_search_body_is_plain_json():
    request = SearchRequest(text="31100RAAA01", price_min=Decimal("10.50"), near=CHICAGO)

    body = search_body(request, ("601-51234",))

    assert json.loads(json.dumps(body)) == body


# The query: facets


def test_search_body_counts_keyword_facets_over_the_filtered_set():
    body = search_body(SearchRequest(conditions=("recycled",)))

    assert "post_filter" not in body
    assert {
        name: agg["terms"]["field"] for name, agg in body["aggs"].items() if "terms" in agg
    } == {
        "condition": "condition",
        "grade": "grade",
        "part_type": "part_type",
        "make": "fitment_make",
        "seller_kind": "seller_kind",
    }


def test_search_body_counts_certified_by_date_in_two_keyed_filters():
    facet = search_body(SearchRequest())["aggs"]["certified"]["filters"]["filters"]

    today_or_later = {"range": {"certified_until": {"gte": "now/d"}}}
    assert facet == {"true": today_or_later, "false": {"bool": {"must_not": [today_or_later]}}}


def test_search_body_leaves_ungraded_listings_out_of_the_grade_facet():
    assert search_body(SearchRequest())["aggs"]["grade"]["terms"]["exclude"] == [""]


def test_search_body_counts_price_bands_keyed_as_price_band_names_them():
    ranges = search_body(SearchRequest())["aggs"]["price_band"]["range"]

    assert ranges["field"] == "price"
    assert [r["key"] for r in ranges["ranges"]] == [
        "0-50",
        "50-100",
        "100-250",
        "250-500",
        "500-1000",
        "1000+",
    ]


@pytest.mark.parametrize("price", ["0", "49.99", "50", "99.99", "100", "999.99", "1000", "25000"])
def test_search_body_puts_each_price_in_the_bucket_price_band_names(price):
    ranges = search_body(SearchRequest())["aggs"]["price_band"]["range"]["ranges"]
    amount = Decimal(price)

    buckets = [
        r["key"]
        for r in ranges
        if Decimal(str(r["from"])) <= amount and ("to" not in r or amount < Decimal(str(r["to"])))
    ]

    assert buckets == [price_band(amount)]
    assert len(ranges) == len(PRICE_BANDS) + 1


def test_suggestion_body_completes_titles_part_types_and_part_numbers():
    body = suggestion_body("31100 raa", size=5)

    should = body["query"]["bool"]["should"]
    assert should[0]["multi_match"]["type"] == "bool_prefix"
    assert "title.suggest._2gram" in should[0]["multi_match"]["fields"]
    assert "part_type_name.suggest" in should[0]["multi_match"]["fields"]
    assert should[1] == {"match": {"part_numbers.prefix": "31100RAA"}}
    assert body["size"] == 5


# Reading a response


def _source(listing_id: int, **overrides) -> dict:
    document = _document(listing_id=listing_id, **overrides)
    return document_body(document)


def _response(hits: list[dict], total: int = 3) -> dict:
    return {
        "took": 3,
        "timed_out": False,
        "hits": {"total": {"value": total, "relation": "eq"}, "max_score": None, "hits": hits},
        "aggregations": {
            "condition": {
                "buckets": [
                    {"key": "recycled", "doc_count": 2},
                    {"key": "remanufactured", "doc_count": 1},
                ]
            },
            "grade": {"buckets": [{"key": "A", "doc_count": 2}]},
            "part_type": {"buckets": [{"key": "alternator", "doc_count": 3}]},
            "make": {
                "buckets": [{"key": "Honda", "doc_count": 3}, {"key": "Acura", "doc_count": 1}]
            },
            "seller_kind": {"buckets": [{"key": "business", "doc_count": 3}]},
            "certified": {"buckets": {"true": {"doc_count": 0}, "false": {"doc_count": 3}}},
            "price_band": {
                "buckets": [
                    {"key": "0-50", "from": 0.0, "to": 50.0, "doc_count": 0},
                    {"key": "100-250", "from": 100.0, "to": 250.0, "doc_count": 2},
                    {"key": "1000+", "from": 1000.0, "doc_count": 1},
                ]
            },
        },
    }


def _raw_hit(source: dict, sort=None, matched_queries=None) -> dict:
    raw = {"_index": "listings-1", "_id": str(source["listing_id"]), "_source": source}
    if sort is not None:
        raw["sort"] = sort
    if matched_queries is not None:
        raw["matched_queries"] = matched_queries
    return raw


def test_search_result_reads_hits_with_exact_money_and_card_fields():
    response = _response([_raw_hit(_source(7, price=Decimal("120.50")), sort=[1.0, 7])])

    result = search_result(SearchRequest(page=2, page_size=10), response)

    hit = result.hits[0]
    assert hit.listing_id == 7
    assert hit.price == Decimal("120.50")
    assert hit.core_charge == Decimal("0.00")
    assert hit.part_type == "alternator"  # the code, as the database backend gives it
    assert (hit.condition, hit.grade, hit.warranty_days) == ("recycled", "A", 90)
    assert (hit.seller_name, hit.seller_kind) == ("North Yard", "business")
    assert hit.donor_mileage == 84000
    assert hit.photo == "listings/7/front.jpg"
    assert hit.created_at == datetime(2025, 3, 1, 12, 0, tzinfo=UTC)
    assert (hit.distance_km, hit.interchange_match) == (None, False)
    assert (result.total, result.page, result.page_size) == (3, 2, 10)


def test_search_result_reads_money_sent_back_as_numbers_exactly():
    source = {**_source(7), "price": 120.5, "core_charge": 35}

    hit = search_result(SearchRequest(), _response([_raw_hit(source)])).hits[0]

    assert (hit.price, hit.core_charge) == (Decimal("120.5"), Decimal("35"))


def test_search_result_marks_listings_found_only_through_their_interchange_group():
    response = _response(
        [
            _raw_hit(
                _source(1), matched_queries=["part_number", "part_number_fuzzy", "interchange"]
            ),
            _raw_hit(_source(2), matched_queries=["part_number_fuzzy", "interchange"]),
            _raw_hit(_source(3), matched_queries={"interchange": 1.0}),
            _raw_hit(_source(4), matched_queries=["part_number_fuzzy"]),
        ]
    )

    hits = search_result(SearchRequest(text="31100RAAA01"), response).hits

    assert [hit.interchange_match for hit in hits] == [False, True, True, False]


def test_search_result_takes_the_distance_from_the_sort_value_when_sorting_by_distance():
    far = _source(2, latitude=None, longitude=None)
    response = _response(
        [
            _raw_hit(_source(1), sort=[12.345, 1]),
            _raw_hit(far, sort=[float("inf"), 2]),
        ]
    )

    hits = search_result(SearchRequest(near=MILWAUKEE, sort=Sort.DISTANCE), response).hits

    assert hits[0].distance_km == 12.345
    assert hits[1].distance_km is None


def test_search_result_measures_the_distance_from_the_location_under_other_sorts():
    response = _response([_raw_hit(_source(1), sort=[120.5, 1])])

    hit = search_result(SearchRequest(near=MILWAUKEE, sort=Sort.PRICE), response).hits[0]

    assert math.isclose(hit.distance_km, 130.0, abs_tol=2.0)  # Chicago to Milwaukee


def test_search_result_has_no_distance_without_a_point():
    hit = search_result(SearchRequest(), _response([_raw_hit(_source(1))])).hits[0]

    assert hit.distance_km is None


def test_search_result_reads_keyword_facets_with_their_counts():
    facets = search_result(SearchRequest(), _response([])).facets

    assert [(f.value, f.label, f.count) for f in facets["condition"]] == [
        ("recycled", "recycled", 2),
        ("remanufactured", "remanufactured", 1),
    ]
    assert [(f.value, f.count) for f in facets["make"]] == [("Honda", 3), ("Acura", 1)]
    assert [(f.value, f.count) for f in facets["certified"]] == [("false", 3)]
    assert set(facets) == {
        "condition",
        "grade",
        "part_type",
        "make",
        "seller_kind",
        "certified",
        "price_band",
    }


def test_search_result_reads_price_bands_with_labels_and_drops_empty_ones():
    facets = search_result(SearchRequest(), _response([])).facets

    assert [(f.value, f.label, f.count) for f in facets["price_band"]] == [
        ("100-250", "100 to 250", 2),
        ("1000+", "1000 and over", 1),
    ]


def test_search_result_gives_empty_facets_when_the_response_has_no_aggregations():
    response = {"hits": {"total": {"value": 0, "relation": "eq"}, "hits": []}}

    result = search_result(SearchRequest(), response)

    assert result.total == 0
    assert result.facets["condition"] == ()
    assert result.facets["price_band"] == ()


def test_suggestions_gives_each_title_once_best_first():
    response = _response(
        [
            _raw_hit(_source(1, title="Alternator 130A")),
            _raw_hit(_source(2, title="Alternator 130A")),
            _raw_hit(_source(3, title="Alternator bracket")),
        ]
    )

    assert suggestions(response) == ("Alternator 130A", "Alternator bracket")


# Against a real Elasticsearch, whenever ELASTICSEARCH_URL answers


@pytest.fixture(scope="module")
def elasticsearch_client():
    url = getattr(django_settings, "ELASTICSEARCH_URL", "")
    if not url:
        pytest.skip("ELASTICSEARCH_URL is not set")
    client = Elasticsearch(url, request_timeout=30)
    if not client.ping():
        pytest.skip(f"Elasticsearch at ELASTICSEARCH_URL ({url}) does not answer")
    return client


def _catalog() -> list[SearchDocument]:
    honda = Fitment(HONDA, ACCORD, 2003, "Honda", "Accord")
    acura = Fitment(ACURA, TL, 2004, "Acura", "TL")
    focus = Fitment(FORD, FOCUS, 2008, "Ford", "Focus")
    day = datetime(2025, 3, 1, tzinfo=UTC)
    return [
        _document(listing_id=1, fitments=(honda,), created_at=day),
        _document(
            listing_id=2,
            title="Remanufactured alternator",
            condition="remanufactured",
            grade="",
            price=Decimal("180.00"),
            core_charge=Decimal("40.00"),
            part_numbers=("31100RCAA02",),
            fitments=(acura,),
            latitude=MILWAUKEE.latitude,
            longitude=MILWAUKEE.longitude,
            created_at=day.replace(day=2),
        ),
        _document(
            listing_id=3,
            title="Starter motor",
            part_type="starter",
            part_type_name="Starter",
            price=Decimal("60.00"),
            part_numbers=("3M5T11000CE",),
            interchange_group="",
            fitments=(focus,),
            latitude=DALLAS.latitude,
            longitude=DALLAS.longitude,
            created_at=day.replace(day=3),
        ),
        _document(
            listing_id=4,
            title="Front left door, silver",
            part_type="door_front_left",
            part_type_name="Front door",
            grade="B",
            price=Decimal("45.00"),
            seller_kind="individual",
            part_numbers=(),
            interchange_group="",
            fitments=(honda,),
            latitude=None,
            longitude=None,
            created_at=day.replace(day=4),
        ),
    ]


@pytest.fixture(scope="module")
def live_backend(elasticsearch_client):
    backend = ElasticsearchBackend(
        client=elasticsearch_client, alias=f"test-listings-{uuid4().hex[:12]}"
    )
    concrete = backend.rebuild(_catalog())
    yield backend
    elasticsearch_client.indices.delete(index=concrete, ignore_unavailable=True)


def _ids(result) -> list[int]:
    return [hit.listing_id for hit in result.hits]


@pytest.mark.elasticsearch
def test_live_search_finds_listings_by_text(live_backend):
    result = live_backend.search(SearchRequest(text="alternators"))

    assert sorted(_ids(result)) == [1, 2]
    assert result.total == 2


@pytest.mark.elasticsearch
def test_live_search_finds_a_part_number_with_a_typo_and_other_spacing(live_backend):
    result = live_backend.search(SearchRequest(text="3110-RAA A01"))  # one "1" missing

    assert _ids(result)[0] == 1


@pytest.mark.elasticsearch
def test_live_search_finds_and_marks_interchange_listings(live_backend):
    result = live_backend.search(
        SearchRequest(text="31100-RAA-A01"), interchange_groups=("601-51234",)
    )

    marks = {hit.listing_id: hit.interchange_match for hit in result.hits}
    assert marks == {1: False, 2: True}


@pytest.mark.elasticsearch
def test_live_search_keeps_only_listings_that_fit_the_vehicle(live_backend):
    by_year = live_backend.search(SearchRequest(vehicle=VehicleFilter(HONDA, ACCORD, 2003)))
    other_year = live_backend.search(SearchRequest(vehicle=VehicleFilter(HONDA, ACCORD, 2010)))
    by_make = live_backend.search(SearchRequest(vehicle=VehicleFilter(FORD)))

    assert sorted(_ids(by_year)) == [1, 4]
    assert _ids(other_year) == []
    assert _ids(by_make) == [3]


@pytest.mark.elasticsearch
def test_live_search_counts_facets_over_the_filtered_set(live_backend):
    result = live_backend.search(SearchRequest(seller_kind=SellerKind.BUSINESS))

    facets = {name: {f.value: f.count for f in values} for name, values in result.facets.items()}
    assert facets["condition"] == {"recycled": 2, "remanufactured": 1}
    assert facets["make"] == {"Honda": 1, "Acura": 1, "Ford": 1}
    assert facets["price_band"] == {"50-100": 1, "100-250": 2}
    assert facets["certified"] == {"false": 3}


@pytest.mark.elasticsearch
def test_live_search_sorts_by_distance_and_reports_it(live_backend):
    result = live_backend.search(SearchRequest(near=CHICAGO, sort=Sort.DISTANCE))

    assert _ids(result) == [1, 2, 3, 4]
    assert result.hits[0].distance_km < 1
    assert math.isclose(result.hits[1].distance_km, 130.0, abs_tol=2.0)
    assert result.hits[3].distance_km is None


@pytest.mark.elasticsearch
def test_live_search_filters_by_price_and_distance(live_backend):
    near = live_backend.search(SearchRequest(near=CHICAGO, within_km=200))
    cheap = live_backend.search(SearchRequest(price_max=Decimal("60.00")))

    assert sorted(_ids(near)) == [1, 2]
    assert sorted(_ids(cheap)) == [3, 4]


@pytest.mark.elasticsearch
def test_live_suggest_completes_a_part_name(live_backend):
    assert "Remanufactured alternator" in live_backend.suggest("remanufactured alt")


@pytest.fixture
def throwaway_backend(elasticsearch_client):
    backend = ElasticsearchBackend(
        client=elasticsearch_client, alias=f"test-listings-{uuid4().hex[:12]}"
    )
    yield backend
    if elasticsearch_client.indices.exists_alias(name=backend.alias):
        for index in elasticsearch_client.indices.get_alias(name=backend.alias).body:
            elasticsearch_client.indices.delete(index=index, ignore_unavailable=True)


@pytest.mark.elasticsearch
def test_live_index_and_delete_write_through_the_alias(throwaway_backend):
    throwaway_backend.rebuild(_catalog()[:1])

    written = throwaway_backend.index(_catalog()[1:], refresh=True)
    deleted = throwaway_backend.delete([3, 99], refresh=True)

    assert (written, deleted) == (3, 1)
    assert sorted(_ids(throwaway_backend.search(SearchRequest()))) == [1, 2, 4]


@pytest.mark.elasticsearch
def test_live_rebuild_swaps_the_alias_and_drops_the_old_index(throwaway_backend):
    client = throwaway_backend.client
    first = throwaway_backend.rebuild(_catalog()[:1])

    second = throwaway_backend.rebuild(_catalog()[:2])

    assert list(client.indices.get_alias(name=throwaway_backend.alias).body) == [second]
    assert not client.indices.exists(index=first)
    assert sorted(_ids(throwaway_backend.search(SearchRequest()))) == [1, 2]


def test_writes_carry_the_listing_change_time_as_external_version():
    from catalog.search.elasticsearch.backend import _versioned

    action = {"_index": "listings", "_id": "7"}

    assert _versioned(action, 1732400000000000) == {
        **action,
        "_version": 1732400000000000,
        "_version_type": "external_gte",
    }
    assert _versioned(action, None) == action

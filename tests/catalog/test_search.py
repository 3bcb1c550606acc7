"""Search through the API on PostgreSQL: vehicle, part numbers, interchange, filters, facets."""

import json
import os
import subprocess
import sys
from decimal import Decimal
from pathlib import Path

import pytest

from catalog.models import InterchangeGroup, ListingSearch
from catalog.search.indexing import search_index_dirty
from catalog.services import Seller, listing_update
from tests.catalog.factories import (
    FitmentFactory,
    ListingFactory,
    LocationFactory,
    MakeFactory,
    PartFactory,
    PartTypeFactory,
    VehicleFactory,
    VehicleModelFactory,
)
from tests.marketplace.factories import OrganisationFactory, UserFactory

pytestmark = pytest.mark.django_db

SEARCH = "/api/v1/search/"
CHICAGO = {"lat": "41.8781", "lng": "-87.6298"}


@pytest.fixture
def catalog():
    return search_catalog()


def search_catalog() -> dict:
    """Two Honda alternators that interchange, a Toyota one, a sold-out one and a C2C door."""
    honda = VehicleModelFactory(make=MakeFactory(name="Honda"), name="Accord")
    camry = VehicleModelFactory(make=MakeFactory(name="Toyota"), name="Camry")
    for year in (2003, 2005):
        VehicleFactory(model=honda, year=year)
    alternator = PartTypeFactory()
    group = InterchangeGroup.objects.create(code="601-01234", part_type=alternator)
    a01 = PartFactory(oe_number="31100-RAA-A01", part_type=alternator, interchange_group=group)
    a02 = PartFactory(oe_number="31100-RAA-A02", part_type=alternator, interchange_group=group)
    toyota = PartFactory(oe_number="27060-0H140", part_type=alternator)
    FitmentFactory(part=a01, vehicle_model=honda, year_from=2003, year_to=2007)
    FitmentFactory(part=toyota, vehicle_model=camry, year_from=2007, year_to=2011)
    yard = OrganisationFactory(name="North Yard")
    reman = OrganisationFactory(name="Precision Reman", kind="remanufacturer")
    chicago = LocationFactory(organisation=yard, pickup_available=True)
    dallas = LocationFactory(
        organisation=reman, latitude=Decimal("32.7767"), longitude=Decimal("-96.797")
    )
    door_type = PartTypeFactory(code="door_front_left", name="Door, front left")
    listings = {
        "honda": _listing(
            yard, a01, price="65.00", location=chicago, warranty_days=90, donor_mileage=118000
        ),
        "reman": _listing(
            reman, a02, price="149.00", core_charge="40.00", condition="remanufactured",
            grade="", location=dallas, warranty_days=730,
        ),
        "toyota": _listing(
            yard, toyota, price="55.00", grade="B", location=chicago, donor_mileage=142000
        ),
        "sold": _listing(yard, a01, price="20.00", quantity_on_hand=0, status="sold_out"),
        "door": ListingFactory(
            seller_organisation=None, seller_user=UserFactory(), part_type=door_type,
            title="Front left door, red", condition="aftermarket", grade="",
            price=Decimal("120.00"),
        ),
    }  # fmt: skip
    search_index_dirty()
    return listings


def _listing(seller, part, **fields):
    listing = ListingFactory(
        seller_organisation=seller,
        part=part,
        part_type=part.part_type,
        title=f"Alternator {part}",
        **fields,
    )
    listing.part_numbers.create(number=part.oe_number)
    return listing


def ids(response) -> set[int]:
    assert response.status_code == 200, response.content
    return {hit["listing_id"] for hit in response.json()["hits"]}


def test_text_finds_active_listings_and_leaves_sold_out_ones_out(api_client, catalog):
    found = ids(api_client.get(SEARCH, {"q": "alternator"}))

    assert found == {catalog["honda"].id, catalog["reman"].id, catalog["toyota"].id}


@pytest.mark.parametrize("typed", ["31100 RAA A01", "31100-raa-a0l", "31100RAAA1"])
def test_part_number_with_typo_or_other_spacing_finds_the_part(api_client, catalog, typed):
    assert catalog["honda"].id in ids(api_client.get(SEARCH, {"q": typed}))


def test_oe_number_also_finds_its_interchange_group_marked_as_such(api_client, catalog):
    hits = api_client.get(SEARCH, {"q": "31100-RAA-A01"}).json()["hits"]

    marked = {hit["listing_id"]: hit["interchange_match"] for hit in hits}
    assert marked[catalog["honda"].id] is False
    assert marked[catalog["reman"].id] is True
    assert catalog["toyota"].id not in marked


def test_vehicle_by_make_model_year_returns_only_fitting_listings(api_client, catalog):
    found = ids(api_client.get(SEARCH, {"make": "honda", "model": "accord", "year": 2005}))
    wrong_year = ids(api_client.get(SEARCH, {"make": "Honda", "model": "Accord", "year": 2010}))
    by_make = ids(api_client.get(SEARCH, {"make": "Toyota"}))

    assert found == {catalog["honda"].id}
    assert wrong_year == set()
    assert by_make == {catalog["toyota"].id}


def test_vehicle_by_vin_is_decoded_then_matched_on_fitment(api_client, catalog):
    assert ids(api_client.get(SEARCH, {"vin": "1HGCM82633A004352"})) == {catalog["honda"].id}


@pytest.mark.parametrize(
    ("params", "expected"),
    [
        ({"condition": "remanufactured"}, {"reman"}),
        ({"grade": ["A", "B"]}, {"honda", "toyota"}),
        ({"price_min": "60", "price_max": "130"}, {"honda", "door"}),
        ({"seller_kind": "individual"}, {"door"}),
        ({"warranty_days_min": 90}, {"honda", "reman"}),
        ({"pickup": "true"}, {"honda", "toyota"}),
        ({"part_type": "door_front_left"}, {"door"}),
        ({**CHICAGO, "within_km": 50}, {"honda", "toyota"}),
        ({"certified": "true"}, set()),
    ],
)
def test_every_filter_narrows_the_results(api_client, catalog, params, expected):
    assert ids(api_client.get(SEARCH, params)) == {catalog[name].id for name in expected}


def test_facets_count_the_filtered_set(api_client, catalog):
    facets = api_client.get(SEARCH, {"q": "alternator"}).json()["facets"]

    assert {f["value"]: f["count"] for f in facets["condition"]} == {
        "recycled": 2,
        "remanufactured": 1,
    }
    assert {f["value"]: f["count"] for f in facets["make"]} == {"Honda": 1, "Toyota": 1}
    assert {f["value"]: f["count"] for f in facets["price_band"]} == {"50-100": 2, "100-250": 1}
    assert set(facets) == {
        "condition",
        "grade",
        "part_type",
        "make",
        "seller_kind",
        "certified",
        "price_band",
    }


@pytest.mark.parametrize(
    ("sort", "first"),
    [
        ("price", "toyota"),
        ("price_with_core", "toyota"),
        ("grade", "honda"),
        ("donor_mileage", "honda"),
    ],
)
def test_sorts_put_the_right_listing_first(api_client, catalog, sort, first):
    hits = api_client.get(SEARCH, {"q": "alternator", "sort": sort}).json()["hits"]

    assert hits[0]["listing_id"] == catalog[first].id


def test_distance_sort_reports_kilometres(api_client, catalog):
    hits = api_client.get(SEARCH, {"q": "alternator", "sort": "distance", **CHICAGO}).json()["hits"]

    assert hits[-1]["listing_id"] == catalog["reman"].id
    assert hits[0]["distance_km"] < 1 < 1000 < hits[-1]["distance_km"] < 1400


def test_a_listing_sold_out_leaves_the_results_once_indexed(api_client, catalog):
    listing = catalog["honda"]
    listing_update(
        listing=listing, seller=Seller(organisation=listing.seller_organisation), quantity_on_hand=0
    )

    search_index_dirty()

    assert listing.id not in ids(api_client.get(SEARCH, {"q": "alternator"}))
    assert not ListingSearch.objects.filter(listing=listing).exists()


@pytest.mark.parametrize(
    ("params", "field"),
    [
        ({"colour": "red"}, "colour"),
        ({"page": 100000}, "page"),
        ({"page_size": 500}, "page_size"),
        ({"vin": "1HGCM82633A00435"}, "vin"),
        ({"vin": "1HGCM82643A004352"}, "vin"),
        ({"make": "Narnia"}, "make"),
        ({"condition": "broken"}, "condition"),
        ({"sort": "distance"}, "lat"),
        ({"price_min": "cheap"}, "price_min"),
    ],
)
def test_bad_search_input_is_a_400_naming_the_field(api_client, catalog, params, field):
    response = api_client.get(SEARCH, params)

    assert response.status_code == 400, response.content
    named = {name.split(".")[0] for name in response.json()["error"]["fields"]}
    assert field in named


def test_search_runs_a_fixed_number_of_queries_whatever_the_page_size(
    api_client, catalog, django_assert_max_num_queries
):
    # The interchange lookup, the planner's estimate, the counts, the page.
    for size in (1, 50):
        with django_assert_max_num_queries(4):
            response = api_client.get(SEARCH, {"q": "31100-RAA-A01", "page_size": size})
        assert response.json()["total"] == 2


# The same searches on SQLite, the embedded default, in a child process configured like `make run`.
SQLITE_SCRIPT = """
import json, sys
import django
django.setup()
from django.core.management import call_command
call_command("migrate", verbosity=0)
from rest_framework.test import APIClient
from tests.catalog.test_search import SAME_ON_BOTH, search_catalog
names = {listing.id: name for name, listing in search_catalog().items()}
client = APIClient()
found = {}
for label, params in SAME_ON_BOTH.items():
    response = client.get("/api/v1/search/", params)
    assert response.status_code == 200, response.content
    found[label] = [names[hit["listing_id"]] for hit in response.json()["hits"]]
json.dump(found, sys.stdout)
"""

SAME_ON_BOTH = {
    "text": {"q": "alternator", "sort": "price"},
    "part number": {"q": "31100 RAA A01", "sort": "price"},
    "vehicle": {"make": "Honda", "model": "Accord", "year": 2005},
    "vin": {"vin": "1HGCM82633A004352"},
    "distance": {**CHICAGO, "within_km": 50, "sort": "distance"},
    "filters": {"condition": ["recycled", "aftermarket"], "price_max": "100", "sort": "newest"},
}


def test_the_embedded_default_sqlite_finds_the_same_listings(api_client, catalog, tmp_path):
    names = {listing.id: name for name, listing in catalog.items()}
    on_postgresql = {
        label: [names[hit["listing_id"]] for hit in api_client.get(SEARCH, params).json()["hits"]]
        for label, params in SAME_ON_BOTH.items()
    }
    assert all(on_postgresql.values()), on_postgresql
    env = {
        **os.environ,
        "DATABASE_URL": f"sqlite:///{tmp_path / 'db.sqlite3'}",
        "DJANGO_SECRET_KEY": "sqlite-test",
        "DJANGO_SETTINGS_MODULE": "marketplace.settings",
    }
    env.pop("CELERY_BROKER_URL", None)

    done = subprocess.run(
        [sys.executable, "-c", SQLITE_SCRIPT],
        env=env,
        cwd=Path(__file__).resolve().parents[2],
        capture_output=True,
        text=True,
    )

    assert done.returncode == 0, done.stderr
    assert json.loads(done.stdout) == on_postgresql


def test_search_reindex_rebuilds_rows_for_active_listings_only(catalog):
    from io import StringIO

    from django.core.management import call_command

    ListingSearch.objects.all().delete()
    out = StringIO()

    call_command("search_reindex", stdout=out, stderr=StringIO())

    indexed = set(ListingSearch.objects.values_list("listing_id", flat=True))
    assert indexed == {catalog[name].id for name in ("honda", "reman", "toyota", "door")}
    assert "Indexed 5 listings." in out.getvalue()


def test_suggestions_complete_part_names_and_numbers(api_client, catalog):
    by_name = api_client.get("/api/v1/search/suggest/", {"q": "alter"}).json()
    by_number = api_client.get("/api/v1/search/suggest/", {"q": "31100 ra"}).json()
    too_short = api_client.get("/api/v1/search/suggest/", {"q": "a"})

    assert by_name["part_types"] == [{"code": "alternator", "name": "Alternator"}]
    assert by_number["part_numbers"] == ["31100-RAA-A01", "31100-RAA-A02"]
    assert too_short.status_code == 400


class RecordingElasticsearch:
    """Stands in for the Elasticsearch server, which cannot run here: records what is sent."""

    sent: list = []
    fail = False

    def index(self, docs, *, versions):
        if self.fail:
            raise ConnectionError("Elasticsearch is down")
        self.sent.append(("index", sorted(d.listing_id for d in docs), versions))

    def delete(self, listing_ids, *, versions):
        self.sent.append(("delete", sorted(listing_ids), versions))


@pytest.fixture
def elasticsearch(settings, monkeypatch):
    import catalog.search.elasticsearch as es

    settings.SEARCH_BACKEND = "elasticsearch"
    RecordingElasticsearch.sent, RecordingElasticsearch.fail = [], False
    monkeypatch.setattr(es, "ElasticsearchBackend", RecordingElasticsearch)
    return RecordingElasticsearch


def test_indexing_sends_committed_batches_to_elasticsearch_with_versions(catalog, elasticsearch):
    listing = catalog["honda"]
    listing_update(
        listing=listing, seller=Seller(organisation=listing.seller_organisation), price="70.00"
    )
    listing.refresh_from_db()

    search_index_dirty()

    (_, indexed, versions), (_, deleted, _) = elasticsearch.sent
    assert indexed == [listing.id] and deleted == []
    assert versions[listing.id] == int(listing.updated_at.timestamp() * 1_000_000)


def test_a_failed_send_leaves_the_listings_dirty_for_the_next_run(catalog, elasticsearch):
    listing = catalog["honda"]
    listing_update(
        listing=listing, seller=Seller(organisation=listing.seller_organisation), price="70.00"
    )
    elasticsearch.fail = True

    with pytest.raises(ConnectionError):
        search_index_dirty()

    listing.refresh_from_db()
    assert listing.search_dirty


def test_hits_carry_the_first_photo_as_a_url(api_client, catalog):
    from django.core.files.uploadedfile import SimpleUploadedFile

    from catalog.services import listing_photo_add
    from tests.catalog.test_listing_api import png_bytes

    listing = catalog["honda"]
    listing_photo_add(listing=listing, image=SimpleUploadedFile("front.png", png_bytes()))
    search_index_dirty()

    hits = api_client.get(SEARCH, {"q": "31100-RAA-A01"}).json()["hits"]

    photos = {hit["listing_id"]: hit["photo"] for hit in hits}
    assert photos[listing.id].startswith("/media/listings/")
    assert photos[catalog["reman"].id] is None


def test_distance_sort_puts_listings_without_a_location_last(api_client, catalog):
    hits = api_client.get(SEARCH, {"sort": "distance", **CHICAGO}).json()["hits"]

    assert hits[-1]["listing_id"] == catalog["door"].id
    assert hits[-1]["distance_km"] is None
    assert all(hit["distance_km"] is not None for hit in hits[:-1])


def test_many_matches_come_newest_first_with_counts_from_the_sample(api_client, catalog, settings):
    # With no room for exact counting every search takes the many-matches path; the sample of
    # so small a table is the whole table, so its counts are still exact.
    settings.SEARCH_EXACT_COUNT_LIMIT = 0
    newest_first = [catalog[name].id for name in ("toyota", "reman", "honda")]

    result = api_client.get(SEARCH, {"q": "alternator"}).json()

    assert [hit["listing_id"] for hit in result["hits"]] == newest_first
    assert (result["total"], result["total_exact"]) == (3, True)
    assert {f["value"]: f["count"] for f in result["facets"]["condition"]} == {
        "recycled": 2,
        "remanufactured": 1,
    }


@pytest.mark.parametrize("limit", [0, 2])
def test_one_match_past_the_limit_is_many_however_it_was_predicted(
    api_client, catalog, settings, limit
):
    # 0: the planner expects more, the sample says how many; 2: the planner may expect fewer,
    # and counting stops one row past the limit.
    settings.SEARCH_EXACT_COUNT_LIMIT = limit
    newest_first = [catalog[name].id for name in ("toyota", "reman", "honda")]

    result = api_client.get(SEARCH, {"q": "alternator"}).json()

    assert result["total"] == 3
    assert [hit["listing_id"] for hit in result["hits"]] == newest_first


def test_many_matches_within_a_radius_come_nearest_first_and_only_inside_it(
    api_client, catalog, settings
):
    settings.SEARCH_EXACT_COUNT_LIMIT = 0
    near_chicago = {"q": "alternator", "sort": "distance", **CHICAGO}

    inside = api_client.get(SEARCH, {**near_chicago, "within_km": 50}).json()["hits"]
    everywhere = api_client.get(SEARCH, near_chicago).json()["hits"]

    assert {hit["listing_id"] for hit in inside} == {catalog["honda"].id, catalog["toyota"].id}
    assert all(hit["distance_km"] < 1 for hit in inside)
    assert everywhere[-1]["listing_id"] == catalog["reman"].id
    assert everywhere[-1]["distance_km"] > 1000


def test_estimated_counts_scale_the_sample_up():
    from catalog.search.database import ALL_FACETS, FACETS, _mask, _tally

    nothing = [None] * len(FACETS)
    condition = FACETS.index("condition")
    recycled = [*nothing]
    recycled[condition] = "recycled"
    sampled = [(ALL_FACETS, *nothing, 212), (_mask(condition), *recycled, 200)]

    counts = _tally(sampled, scale=100 / 2.0, exact=False)

    assert (counts.total, counts.exact) == (10_600, False)
    assert [(f.value, f.count) for f in counts.facets["condition"]] == [("recycled", 10_000)]


# Certified: badges written by certification, counted by date (see catalog.badges)


def _certify(subject, kind: str = "listing"):
    from certification.services.certificates import certificate_issue
    from tests.certification.factories import SchemeFactory, certifier_member

    scheme = SchemeFactory(subject=kind)
    inspector = certifier_member(scheme.certifier)
    certificate = certificate_issue(scheme=scheme, actor=inspector, subject=subject)
    return certificate, inspector


def _certified_ids(api_client) -> set[int]:
    return ids(api_client.get(SEARCH, {"q": "alternator", "certified": "true"}))


def test_an_issued_certificate_makes_its_listing_certified_once_indexed(api_client, catalog):
    _certify(catalog["honda"])
    search_index_dirty()

    result = api_client.get(SEARCH, {"q": "alternator"}).json()

    assert _certified_ids(api_client) == {catalog["honda"].id}
    assert {f["value"]: f["count"] for f in result["facets"]["certified"]} == {
        "true": 1,
        "false": 2,
    }
    card = next(hit for hit in result["hits"] if hit["listing_id"] == catalog["honda"].id)
    assert card["certified"] is True and card["certified_until"]
    assert card["badges"] == ["Certified reman"]


@pytest.mark.parametrize("action", ["suspend", "revoke"])
def test_a_suspended_or_revoked_certificate_stops_counting_on_the_next_index(
    api_client, catalog, action
):
    from certification.services import certificates

    certificate, inspector = _certify(catalog["honda"])
    search_index_dirty()
    change = getattr(certificates, f"certificate_{action}")

    change(certificate=certificate, actor=inspector, reason="Failed the audit")
    indexed = search_index_dirty()

    assert indexed == 1  # the dirty flag carried the change
    assert _certified_ids(api_client) == set()


def test_an_expired_badge_stops_counting_by_date_with_no_job_run(api_client, catalog):
    from datetime import timedelta

    from django.utils import timezone

    from catalog.models import Badge

    _certify(catalog["honda"])
    search_index_dirty()
    yesterday = timezone.localdate() - timedelta(days=1)
    # The search row as the indexer wrote it, its last day passed: nothing is re-indexed.
    ListingSearch.objects.filter(listing=catalog["honda"]).update(
        certified_until=yesterday, badges=[["Certified reman", yesterday.isoformat()]]
    )
    Badge.objects.update(valid_from=yesterday - timedelta(days=30), valid_until=yesterday)

    result = api_client.get(SEARCH, {"q": "alternator"}).json()

    assert _certified_ids(api_client) == set()
    assert {f["value"]: f["count"] for f in result["facets"]["certified"]} == {"false": 3}
    assert all(hit["certified"] is False and hit["badges"] == [] for hit in result["hits"])


def test_seller_and_product_line_certificates_cover_their_listings(api_client, catalog):
    from tests.certification.factories import ProductLineFactory

    reman = catalog["reman"]
    line = ProductLineFactory(organisation=reman.seller_organisation)
    reman.product_line = line
    reman.save()
    _certify(line, kind="product_line")
    _certify(catalog["toyota"].seller_organisation, kind="seller")  # North Yard: honda, toyota

    search_index_dirty()

    expected = {catalog[name].id for name in ("reman", "honda", "toyota")}
    assert _certified_ids(api_client) == expected

"""The search page and the part page, through Django's test client."""

import re
from html import unescape

import pytest

from catalog.models import PassportEvent
from catalog.search.indexing import search_index_dirty
from tests.catalog.factories import LocationFactory
from tests.catalog.page_catalog import page_catalog
from tests.marketplace.factories import MembershipFactory, OrganisationFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def catalog():
    return page_catalog()


def field_block(html: str, name: str) -> str:
    """The markup of one form field: its label, input and errors."""
    match = re.search(rf'<div class="field[^"]*" id="field-{name}">(.*?)</div>', html, re.S)
    assert match, f"no field {name}"
    return match.group(1)


def facet_link(html: str, label: str) -> str:
    match = re.search(rf'<a href="([^"]*)"[^>]*>{re.escape(label)} \(\d+\)</a>', html)
    assert match, f"no facet link {label}"
    return unescape(match.group(1))


def test_the_search_page_without_a_query_shows_the_form_only(client, catalog):
    response = client.get("/search/")

    assert response.status_code == 200
    html = response.content.decode()
    assert 'name="vin"' in html and 'name="year"' in html
    assert "found" not in html


def test_a_text_search_shows_cards_the_total_and_facets_with_counts(client, catalog):
    response = client.get("/search/", {"q": "alternator", "sort": "price", "year": ""})

    assert response.status_code == 200
    html = response.content.decode()
    assert "2 parts found" in html
    assert html.index("Alternator - 2005 Honda Accord") < html.index("Alternator - 2003")
    assert f'href="/parts/{catalog.grade_a.pk}/"' in html
    assert "Starter motor" not in html
    assert "+ 25.00 core charge" in html and "90 days" in html and "118000" in html
    assert "Bench tested" in html
    assert re.search(r">Grade A \(1\)</a>", html) and re.search(r">Grade B \(1\)</a>", html)


def test_a_facet_link_adds_its_filter_to_the_current_query(client, catalog):
    html = client.get("/search/", {"q": "alternator"}).content.decode()

    link = facet_link(html, "Grade B")
    narrowed = client.get("/search/" + link).content.decode()

    assert "q=alternator" in link and "grade=B" in link
    assert "1 part found" in narrowed
    assert "Alternator - 2005 Honda Accord" in narrowed
    assert "Alternator - 2003 Honda Accord" not in narrowed
    assert "q=alternator" in facet_link(narrowed, "Grade B")
    assert "grade=B" not in facet_link(narrowed, "Grade B")  # a second click drops it


def test_filters_from_the_form_narrow_the_results(client, catalog):
    html = client.get(
        "/search/", {"make": "Honda", "model": "Accord", "year": "2004", "grade": "A"}
    ).content.decode()

    assert "1 part found" in html
    assert "Alternator - 2003 Honda Accord" in html


@pytest.mark.parametrize(
    ("params", "field", "reason"),
    [
        ({"make": "Honda", "model": "Accord", "year": "3000"}, "year", "less than or equal"),
        ({"vin": "NOT-A-VIN"}, "vin", ""),
        ({"make": "Narnia"}, "make", "not a make we know"),
        ({"model": "Accord"}, "make", "Give the make"),
        ({"q": "x", "grade": "Z"}, "grade", "not a valid choice"),
    ],
)
def test_bad_input_is_told_next_to_its_field_never_as_a_server_error(
    client, catalog, params, field, reason
):
    response = client.get("/search/", params)

    assert response.status_code == 400
    block = field_block(response.content.decode(), field)
    assert 'class="errorlist"' in block
    assert reason in unescape(block)


def test_an_unknown_parameter_or_a_page_too_far_is_listed_under_the_form(client, catalog):
    unknown = client.get("/search/", {"q": "alternator", "colour": "red"})
    too_far = client.get("/search/", {"q": "alternator", "page": "999"})

    assert (unknown.status_code, too_far.status_code) == (400, 400)
    assert "colour: Not a search parameter." in unescape(unknown.content.decode())
    assert "page: Ensure this value is less than or equal to" in unescape(too_far.content.decode())


def test_a_distance_without_a_point_is_told_by_the_distance_field(client, catalog):
    response = client.get("/search/?q=alternator&within_km=50")

    assert response.status_code == 400
    assert "Give lat and lng" in field_block(response.content.decode(), "within_km")


def test_a_signed_in_garage_measures_distances_from_its_own_place(client, catalog):
    garage = OrganisationFactory(kind="garage")
    LocationFactory(organisation=garage, name="Workshop, Evanston",
                    latitude="42.045100", longitude="-87.687700")  # fmt: skip
    near = LocationFactory(organisation=catalog.grade_a.seller_organisation, name="Near yard")
    catalog.grade_a.location = near  # Chicago, about 20 km away
    catalog.grade_a.search_dirty = True
    catalog.grade_a.save(update_fields=["location", "search_dirty"])
    search_index_dirty()
    client.force_login(MembershipFactory(organisation=garage).user)

    response = client.get("/search/?q=alternator&within_km=50&sort=distance")

    html = response.content.decode()
    assert response.status_code == 200
    assert "Distances from Workshop, Evanston." in html
    assert [card.hit.listing_id for card in response.context["cards"]] == [catalog.grade_a.pk]
    assert 18 < response.context["cards"][0].hit.distance_km < 22
    # the point rides along hidden, so facet and page links keep it
    assert 'name="lat" value="42.045100"' in html


def test_the_part_page_shows_condition_fitment_donor_badges_offers_and_passport(
    client, catalog, django_assert_max_num_queries
):
    with django_assert_max_num_queries(12):
        response = client.get(f"/parts/{catalog.grade_a.pk}/")

    assert response.status_code == 200
    html = unescape(response.content.decode())
    assert "Grade A</strong>: Best" in html
    assert "Honda Accord, 2003-2007" in html
    assert "Interchange group 601-01234" in html
    assert "118000 miles" in html and "1HGCM82633A004352" in html
    assert "North Yard (Dismantler)" in html
    assert "refunded" in html
    number = catalog.certificate.number
    assert f'href="/api/v1/verify/{number}/"' in html
    assert "Parts cover 12" in html and "Mutual Parts" in html and "12 months" in html
    assert "Verified intact: 3 events" in html
    assert html.index("Dismantled from the donor vehicle") < html.index("Listed for sale")


def test_the_part_page_needs_no_more_queries_for_a_longer_passport(
    client, catalog, django_assert_max_num_queries
):
    from catalog.passport import passport_append

    for _ in range(10):
        passport_append(listing=catalog.grade_a, kind="inspected", details={"grade": "A"})

    with django_assert_max_num_queries(12):
        response = client.get(f"/parts/{catalog.grade_a.pk}/")

    assert "Verified intact: 13 events" in response.content.decode()


def test_the_part_page_tells_where_a_tampered_passport_breaks(client, catalog):
    event = PassportEvent.objects.get(listing=catalog.grade_a, sequence=2)
    PassportEvent.objects.filter(pk=event.pk).update(details={"title": "forged"})

    html = client.get(f"/parts/{catalog.grade_a.pk}/").content.decode()

    assert "Broken at event 2" in html


def test_the_part_page_of_a_draft_or_a_missing_listing_is_not_found(client, catalog):
    assert client.get(f"/parts/{catalog.draft.pk}/").status_code == 404
    assert client.get("/parts/999999/").status_code == 404


def test_home_links_the_search_page(client, catalog):
    html = client.get("/").content.decode()

    assert 'href="/search/"' in html

"""A garage buys from two sellers and collects one order at an outlet, every party at work in
a real browser: the garage, the seller and the outlet's staff."""

import re
from decimal import Decimal

import pytest

from catalog.search.indexing import search_index_dirty
from orders.models import Order
from tests.catalog.factories import (
    FitmentFactory,
    LocationFactory,
    MakeFactory,
    PartFactory,
    PartTypeFactory,
    VehicleFactory,
    VehicleModelFactory,
)
from tests.marketplace.factories import MembershipFactory, OrganisationFactory, UserFactory
from tests.orders.conftest import listing_of, outlet_option, seller_with_shipping
from tests.orders.factories import InvoiceTermsFactory, OutletLocationFactory

PASSWORD = "correct horse battery"


EVANSTON = (Decimal("42.045100"), Decimal("-87.687700"))
CHICAGO = (Decimal("41.878100"), Decimal("-87.629800"))
PHOENIX = (Decimal("33.448400"), Decimal("-112.074000"))
ACCORD_VIN = "1HGCM82633A004352"  # a 2003 Honda Accord


def located(organisation, point, name):
    return LocationFactory(organisation=organisation, name=name, latitude=point[0],
                           longitude=point[1])  # fmt: skip


@pytest.fixture
def market(transactional_db):
    garage = OrganisationFactory(
        kind="garage", name="Main Street Garage", address="1200 Main Street", city="Evanston"
    )
    located(garage, EVANSTON, "Main Street Garage, Evanston")
    buyer = MembershipFactory(organisation=garage, user=UserFactory(username="garage-anna")).user
    InvoiceTermsFactory(organisation=garage, credit_limit=Decimal("5000"))
    outlet = OrganisationFactory(kind="outlet", name="Corner Parts Counter")
    staff = MembershipFactory(organisation=outlet, user=UserFactory(username="counter-sam")).user
    counter = OutletLocationFactory(organisation=outlet, name="Corner Parts, Oak Park")

    # alternators that fit a 2003 Accord: two of grade A near the garage from two dismantlers,
    # one of grade B near it, one of grade A in Phoenix
    accord = VehicleModelFactory(make=MakeFactory(name="Honda"), name="Accord")
    VehicleFactory(model=accord, year=2003)
    alternator = PartTypeFactory()
    part = PartFactory(oe_number="31100-RAA-A01", part_type=alternator)
    FitmentFactory(part=part, vehicle_model=accord, year_from=2003, year_to=2007)
    north, _ = seller_with_shipping()
    south, _ = seller_with_shipping()
    outlet_option(south, counter)
    far, _ = seller_with_shipping()
    for seller, point, title, grade in (
        (north, CHICAGO, "Alternator, North Yard - 2005 Honda Accord", "A"),
        (south, CHICAGO, "Alternator, South Yard - 2004 Honda Accord", "A"),
        (south, CHICAGO, "Alternator, worn - 2003 Honda Accord", "B"),
        (far, PHOENIX, "Alternator, Phoenix - 2004 Honda Accord", "A"),
    ):
        listing_of(seller, title=title, grade=grade, part=part, part_type=alternator,
                   location=located(seller, point, f"{title} yard"))  # fmt: skip
    search_index_dirty()
    return {"buyer": buyer, "staff": staff, "seller": south.memberships.first().user}


def sign_in(page, site, user, then: str) -> None:
    page.context.clear_cookies()
    page.goto(f"{site}/accounts/login/?next={then}")
    page.fill("input[name=username]", user.username)
    page.fill("input[name=password]", PASSWORD)
    page.click("button[type=submit]")
    page.wait_for_url(f"{site}{then}")


def add_to_cart(page, title: str) -> None:
    results = page.url
    page.click(f"text={title}")
    page.click("button:has-text('Add to cart')")
    page.goto(results)


def test_a_garage_buys_from_two_sellers_and_collects_at_the_outlet(page, site, market):
    # the garage finds the alternators by its customer's VIN: four fit
    sign_in(page, site, market["buyer"], "/search/")
    page.fill("input[name=vin]", ACCORD_VIN)
    page.click("button[type=submit] >> text=Search")
    assert page.locator(".card").count() == 4

    # grade A only, within 100 km of the garage: the two nearby yards
    page.click(".facets >> text=Grade A (3)")
    page.wait_for_url("**grade=A**")
    assert "Main Street Garage, Evanston" in page.locator("#distance-from").inner_text()
    page.select_option("select[name=within_km]", "100")
    page.click("button[type=submit] >> text=Search")
    page.wait_for_url("**within_km=100**")
    titles = page.locator(".card h3").all_inner_texts()
    assert sorted(titles) == [
        "Alternator, North Yard - 2005 Honda Accord", "Alternator, South Yard - 2004 Honda Accord"
    ]  # fmt: skip
    assert "km" in page.locator(".card").first.inner_text()

    # it puts both in its cart
    add_to_cart(page, "Alternator, North Yard - 2005 Honda Accord")
    add_to_cart(page, "Alternator, South Yard - 2004 Honda Accord")
    page.goto(f"{site}/cart/")
    assert page.locator("section.seller").count() == 2

    # it collects the South Yard's one at the outlet, has the other shipped to the
    # garage's own address (offered in the form), and pays on invoice
    page.get_by_label(re.compile("Collect at Corner Parts")).check()
    assert page.locator("fieldset#ship-to").is_visible()
    assert page.input_value("input[name=ship_city]") == "Evanston"
    page.select_option("select[name=payment_method]", "invoice")
    page.click("button:has-text('Place the order')")
    page.wait_for_url(f"{site}/my/orders/")
    assert page.locator("table.orders tbody tr").count() == 2
    code = page.locator("td.pickup-code").filter(has_text="Corner Parts").inner_text().split()[0]

    # the garage opens that order's page: the pickup code as text and as a QR code
    page.locator("tr", has_text=code).locator("a").click()
    assert page.locator("strong.pickup-code").inner_text() == code
    assert page.locator("figure.qr svg").count() == 1

    # the South Yard accepts, and marks the part ready at the outlet, on its order page
    sign_in(page, site, market["seller"], "/sales/")
    order = Order.objects.get(pickup_code=code)
    page.click(f"tr[data-order='{order.pk}'] button[value=accept]")
    assert "accepted" in page.locator(".notice").inner_text()
    page.goto(f"{site}/sales/{order.pk}/")
    page.click("button[value=ready]")
    assert "ready for pickup" in page.locator(".notice").inner_text()

    # the outlet's staff hand it over by its code
    sign_in(page, site, market["staff"], "/outlet/console/")
    page.fill("input[name=code]", code)
    page.click("button[value=find]")
    page.click("button[value=collect]")
    assert "handed over" in page.locator(".notice").inner_text()

    # the garage sees it collected
    sign_in(page, site, market["buyer"], "/my/orders/")
    assert "Collected" in page.locator(f"tr[data-order='{order.pk}'] td.status").inner_text()

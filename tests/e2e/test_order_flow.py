"""A garage buys from two sellers and collects one order at an outlet, every party at work in
a real browser: the garage, the seller and the outlet's staff."""

import re
from decimal import Decimal

import pytest

from catalog.search.indexing import search_index_dirty
from orders.models import Order
from orders.services import orders as order_services
from tests.marketplace.factories import MembershipFactory, OrganisationFactory, UserFactory
from tests.orders.conftest import listing_of, outlet_option, seller_with_shipping
from tests.orders.factories import InvoiceTermsFactory, OutletLocationFactory

PASSWORD = "correct horse battery"


@pytest.fixture
def market(transactional_db):
    garage = OrganisationFactory(kind="garage", name="Main Street Garage")
    buyer = MembershipFactory(organisation=garage, user=UserFactory(username="garage-anna")).user
    InvoiceTermsFactory(organisation=garage, credit_limit=Decimal("5000"))
    outlet = OrganisationFactory(kind="outlet", name="Corner Parts Counter")
    staff = MembershipFactory(organisation=outlet, user=UserFactory(username="counter-sam")).user
    counter = OutletLocationFactory(organisation=outlet, name="Corner Parts, Oak Park")
    yard, _ = seller_with_shipping()
    reman, _ = seller_with_shipping(kind="remanufacturer")
    outlet_option(reman, counter)
    listing_of(yard, title="Alternator, used - 2005 Honda Accord", grade="A")
    listing_of(reman, title="Alternator, remanufactured - 2005 Honda Accord",
               condition="remanufactured", grade="", price=Decimal("149.00"))  # fmt: skip
    search_index_dirty()
    return {"buyer": buyer, "staff": staff, "seller": reman.memberships.first().user}


def sign_in(page, site, user, then: str) -> None:
    page.context.clear_cookies()
    page.goto(f"{site}/accounts/login/?next={then}")
    page.fill("input[name=username]", user.username)
    page.fill("input[name=password]", PASSWORD)
    page.click("button[type=submit]")
    page.wait_for_url(f"{site}{then}")


def add_to_cart(page, site, title: str) -> None:
    page.goto(f"{site}/search/?q=alternator")
    page.click(f"text={title}")
    page.click("button:has-text('Add to cart')")


def test_a_garage_buys_from_two_sellers_and_collects_at_the_outlet(page, site, market):
    # the garage finds both alternators and puts them in its cart
    sign_in(page, site, market["buyer"], "/search/")
    add_to_cart(page, site, "Alternator, used - 2005 Honda Accord")
    add_to_cart(page, site, "Alternator, remanufactured - 2005 Honda Accord")
    assert page.locator("section.seller").count() == 2

    # it collects the remanufactured one at the outlet and pays on invoice
    page.get_by_label(re.compile("Collect at Corner Parts")).check()
    page.select_option("select[name=payment_method]", "invoice")
    page.click("button:has-text('Place the order')")
    page.wait_for_url(f"{site}/my/orders/")
    assert page.locator("table.orders tbody tr").count() == 2
    code = page.locator("td.pickup-code").filter(has_text="Corner Parts").inner_text().split()[0]

    # the garage opens that order's page: the pickup code as text and as a QR code
    page.locator("tr", has_text=code).locator("a").click()
    assert page.locator("strong.pickup-code").inner_text() == code
    assert page.locator("figure.qr svg").count() == 1

    # the remanufacturer accepts, and marks the part ready at the outlet (through its API
    # today: the seller's fulfilment page does not exist yet)
    sign_in(page, site, market["seller"], "/sales/")
    page.click("button[value=accept]")
    assert "accepted" in page.locator(".notice").inner_text()
    order = Order.objects.get(pickup_code=code)
    order_services.order_mark_ready_for_pickup(order=order, actor=market["seller"])

    # the outlet's staff hand it over by its code
    sign_in(page, site, market["staff"], "/outlet/console/")
    page.fill("input[name=code]", code)
    page.click("button[value=find]")
    page.click("button[value=collect]")
    assert "handed over" in page.locator(".notice").inner_text()

    # the garage sees it collected
    sign_in(page, site, market["buyer"], "/my/orders/")
    assert "Collected" in page.locator(f"tr[data-order='{order.pk}'] td.status").inner_text()

"""A seller corrects price and stock from the inventory list, in a real browser."""

from decimal import Decimal

import pytest
from playwright.sync_api import expect

from catalog.models import Listing
from tests.catalog.factories import ListingFactory
from tests.marketplace.factories import MembershipFactory, OrganisationFactory, UserFactory


@pytest.fixture
def inventory(transactional_db):
    yard = OrganisationFactory(kind="dismantler", name="North Yard")
    MembershipFactory(organisation=yard, user=UserFactory(username="yard-kim"))
    first = ListingFactory(
        seller_organisation=yard, seller_sku="ALT-1", title="Alternator, 2004 Accord",
        price=Decimal("89.00"), quantity_on_hand=3,
    )  # fmt: skip
    second = ListingFactory(seller_organisation=yard, seller_sku="STA-1", title="Starter motor")
    return first, second


def test_a_bad_price_is_told_on_its_row_and_saves_nothing_then_a_good_one_saves(
    page, site, inventory
):
    alternator, starter = inventory
    page.goto(f"{site}/accounts/login/?next=/inventory/%3Fsort%3Dtitle")
    page.fill("input[name=username]", "yard-kim")
    page.fill("input[name=password]", "correct horse battery")
    page.click("button[type=submit]")
    row = page.locator(f"tr[data-listing='{alternator.pk}']")
    other_row = page.locator(f"tr[data-listing='{starter.pk}']")

    row.locator("input[name=price]").fill("-5")
    row.get_by_role("button", name="Save").click()

    expect(row.locator(".field-price .errorlist")).to_have_text("An amount cannot be negative.")
    expect(other_row.locator(".errorlist")).to_have_count(0)
    assert Listing.objects.get(pk=alternator.pk).price == Decimal("89.00")

    row.locator("input[name=price]").fill("95.50")
    row.locator("input[name=quantity_on_hand]").fill("4")
    row.get_by_role("button", name="Save").click()

    page.wait_for_url(f"{site}/inventory/?sort=title")
    expect(page.locator(".notice")).to_contain_text("ALT-1 saved.")
    expect(row.locator("input[name=price]")).to_have_value("95.50")
    expect(row.locator(".errorlist")).to_have_count(0)
    saved = Listing.objects.get(pk=alternator.pk)
    assert (saved.price, saved.quantity_on_hand) == (Decimal("95.50"), 4)

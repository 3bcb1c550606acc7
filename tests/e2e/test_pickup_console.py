"""Outlet staff hand over an order at the counter, in a real browser."""

from decimal import Decimal

import pytest

from orders.models import Order, OrderStatus
from orders.parties import Buyer
from orders.services import orders as order_services
from tests.marketplace.factories import MembershipFactory, OrganisationFactory, UserFactory
from tests.orders.conftest import listing_of, outlet_option, place, seller_with_shipping
from tests.orders.factories import OutletLocationFactory


@pytest.fixture
def counter_scene(transactional_db):
    outlet = OrganisationFactory(kind="outlet", name="Corner Parts Counter")
    staff = MembershipFactory(organisation=outlet, user=UserFactory(username="counter-sam")).user
    counter = OutletLocationFactory(organisation=outlet)
    seller, _ = seller_with_shipping()
    starter = listing_of(seller, title="Starter motor, 2009 Ford F-150", price=Decimal("140.00"))
    buyer = Buyer(user=UserFactory())
    option = outlet_option(seller, counter)
    order = place(buyer, {starter: 1}, [option], payment_method="at_pickup").orders.get()
    seller_user = seller.memberships.first().user
    order_services.order_accept(order=order, actor=seller_user)
    order_services.order_mark_ready_for_pickup(order=order, actor=seller_user)
    return staff, order


def sign_in(page, site, username: str) -> None:
    page.goto(f"{site}/accounts/login/?next=/outlet/console/")
    page.fill("input[name=username]", username)
    page.fill("input[name=password]", "correct horse battery")
    page.click("button[type=submit]")


def test_staff_enter_a_code_take_cash_and_hand_the_part_over(page, site, counter_scene):
    staff, order = counter_scene
    sign_in(page, site, staff.username)

    # a mistyped code is told next to the field
    page.fill("input[name=code]", "WRONGCODE1")
    page.click("button[value=find]")
    assert "No order at this outlet" in page.locator(".errorlist").first.inner_text()

    # the right code, typed in lower case, shows what to hand over and what to collect
    page.fill("input[name=code]", order.pickup_code.lower())
    page.click("button[value=find]")
    assert "Starter motor, 2009 Ford F-150" in page.locator("section.order").inner_text()
    assert "140.00 USD" in page.locator(".collect").inner_text()

    page.select_option("select[name=collected_by]", "cash")
    page.click("button[value=collect]")

    assert "handed over" in page.locator(".notice").inner_text()
    assert Order.objects.get(pk=order.pk).status == OrderStatus.COLLECTED

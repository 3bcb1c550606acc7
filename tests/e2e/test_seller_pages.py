"""A seller fulfils an order and inspects a returned core, in a real browser."""

import io
from decimal import Decimal

import pytest
from PIL import Image

from orders.models import OrderStatus, ReturnCase, ReturnStatus
from orders.parties import Buyer
from orders.services import cores, returns
from tests.marketplace.factories import MembershipFactory, OrganisationFactory, UserFactory
from tests.orders.api_fixtures import give_invoice_terms
from tests.orders.conftest import listing_of, outlet_option, place, seller_with_shipping
from tests.orders.core_scenes import core_of, delivered_by_parcel, seller_user_of
from tests.orders.factories import OutletLocationFactory

PASSWORD = "correct horse battery"


def sign_in(page, site, user, then: str) -> None:
    page.context.clear_cookies()
    page.goto(f"{site}/accounts/login/?next={then}")
    page.fill("input[name=username]", user.username)
    page.fill("input[name=password]", PASSWORD)
    page.click("button[type=submit]")
    page.wait_for_url(f"{site}{then}")


@pytest.fixture
def garage(transactional_db):
    garage = OrganisationFactory(kind="garage", name="Main Street Garage")
    user = MembershipFactory(organisation=garage, user=UserFactory(username="garage-anna")).user
    return Buyer(user=user, organisation=garage)


@pytest.fixture
def outlet_order(garage):
    """A garage's invoice order of a starter motor, to be collected at an outlet."""
    give_invoice_terms(garage)
    outlet = OrganisationFactory(kind="outlet", name="Corner Parts Counter")
    counter = OutletLocationFactory(organisation=outlet, name="Corner Parts, Oak Park")
    seller, _ = seller_with_shipping()
    starter = listing_of(seller, title="Starter motor, 2009 Ford F-150", price=Decimal("140.00"))
    return place(garage, {starter: 1}, [outlet_option(seller, counter)]).orders.get()


@pytest.fixture
def core_on_its_way(garage):
    """A remanufactured alternator delivered to the garage (on invoice), whose core is posted
    back."""
    order = delivered_by_parcel(garage)
    case = cores.core_return_open(obligation=core_of(order), actor=garage.user)
    return returns.return_ship(case=case, actor=garage.user, carrier="UPS", tracking_number="1Z9")


def photo_file(tmp_path):
    path = tmp_path / "core.png"
    buffer = io.BytesIO()
    Image.new("RGB", (8, 8), "gray").save(buffer, format="PNG")
    path.write_bytes(buffer.getvalue())
    return str(path)


def test_the_seller_accepts_an_outlet_order_marks_it_ready_and_sees_the_history(
    page, site, outlet_order
):
    sign_in(page, site, seller_user_of(outlet_order), "/sales/")

    page.click(f"tr[data-order='{outlet_order.pk}'] a[href='/sales/{outlet_order.pk}/']")
    assert "Corner Parts, Oak Park" in page.locator(".sale-delivery").inner_text()
    page.click("button[value=accept]")
    assert f"Order {outlet_order.pk} accepted." in page.locator(".notice").inner_text()

    page.click("button[value=ready]")

    assert "ready for pickup" in page.locator(".notice").inner_text()
    history = page.locator("ol.history").inner_text()
    assert "Placed, awaiting the seller to Accepted by the seller" in history
    assert "Accepted by the seller to Ready for pickup" in history
    outlet_order.refresh_from_db()
    assert outlet_order.status == OrderStatus.READY_FOR_PICKUP


def test_the_seller_inspects_a_core_a_finding_needs_a_photo_then_it_is_credited(
    page, site, core_on_its_way, tmp_path
):
    sign_in(page, site, seller_user_of(core_on_its_way.order_line.order), "/sales/returns/")

    page.click(f"tr[data-return='{core_on_its_way.pk}'] a")
    page.click("button[value=receive]")
    assert "received" in page.locator(".notice").inner_text()

    # a finding without a photo is told next to the photo field, and nothing is credited
    page.get_by_label("Damaged casing").check()
    page.click("button[value=inspect]")
    photos_field = page.locator("form.inspection .errorlist")
    assert "Add a photo of what the inspection found." in photos_field.inner_text()
    assert ReturnCase.objects.get(pk=core_on_its_way.pk).status == ReturnStatus.RECEIVED

    # with a photo, the core is credited by the rubric
    page.get_by_label("Damaged casing").check()
    page.set_input_files("input[name=photos]", photo_file(tmp_path))
    page.fill("textarea[name=notes]", "Dented at the mount.")
    page.click("button[value=inspect]")

    assert "33.75 USD credited" in page.locator(".notice").inner_text()
    assert "Partially accepted" in page.locator("h2").inner_text()
    assert page.locator(".return-photos img").count() == 1

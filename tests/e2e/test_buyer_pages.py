"""A garage follows its orders in a real browser: the order page with its history, pickup code
and QR code, a part return refused by the field, then the cores it owes and its credit."""

from decimal import Decimal

import pytest

from orders.models import AccountKind, CoreObligation, ReturnCase, ReturnKind
from orders.parties import Buyer
from orders.services import orders as order_services
from orders.services import pickups
from orders.services.ledger import Posting, account_for, ledger_post, platform_account
from tests.marketplace.factories import MembershipFactory, OrganisationFactory, UserFactory
from tests.orders.api_fixtures import member_of
from tests.orders.conftest import outlet_option, place, seller_with_shipping
from tests.orders.core_scenes import reman_alternator
from tests.orders.factories import InvoiceTermsFactory, OutletLocationFactory

PASSWORD = "correct horse battery"


@pytest.fixture
def garage_orders(transactional_db):
    """A garage with two outlet orders of a remanufactured alternator: one collected (its core
    is owed), one waiting at the counter; and some goodwill credit."""
    garage = OrganisationFactory(kind="garage", name="Main Street Garage")
    user = MembershipFactory(organisation=garage, user=UserFactory(username="garage-anna")).user
    buyer = Buyer(user=user, organisation=garage)
    InvoiceTermsFactory(organisation=garage, credit_limit=Decimal("5000"))
    outlet = OrganisationFactory(kind="outlet", name="Corner Parts Counter")
    staff = MembershipFactory(organisation=outlet).user
    counter = OutletLocationFactory(organisation=outlet, name="Corner Parts, Oak Park",
                                    address="12 Oak Street", city="Oak Park")  # fmt: skip
    seller, _ = seller_with_shipping(kind="remanufacturer")
    option = outlet_option(seller, counter)
    seller_user = member_of(seller)
    orders = []
    for _ in range(2):
        order = place(buyer, {reman_alternator(seller): 1}, [option]).orders.get()
        order_services.order_accept(order=order, actor=seller_user)
        order_services.order_mark_ready_for_pickup(order=order, actor=seller_user)
        orders.append(order)
    collected = pickups.pickup_collect(outlet=outlet, user=staff, code=orders[0].pickup_code)
    give_goodwill(buyer, "25.00")
    return {"user": user, "collected": collected, "waiting": orders[1]}


def give_goodwill(buyer: Buyer, amount: str) -> None:
    account = account_for(AccountKind.BUYER_CREDIT, currency="USD", organisation=buyer.organisation)
    ledger_post(
        idempotency_key="goodwill:e2e", kind="goodwill", description="Welcome credit",
        postings=[Posting(account, Decimal(amount)),
                  Posting(platform_account(AccountKind.GOODWILL, "USD"), -Decimal(amount))],
    )  # fmt: skip


def sign_in(page, site, user, then: str) -> None:
    page.goto(f"{site}/accounts/login/?next={then}")
    page.fill("input[name=username]", user.username)
    page.fill("input[name=password]", PASSWORD)
    page.click("button[type=submit]")
    page.wait_for_url(f"{site}{then}")


def test_a_garage_sees_an_orders_history_pickup_code_and_qr_code(page, site, garage_orders):
    waiting = garage_orders["waiting"]
    sign_in(page, site, garage_orders["user"], "/my/orders/")

    page.click(f"tr[data-order='{waiting.pk}'] a")
    page.wait_for_url(f"{site}/my/orders/{waiting.pk}/")

    history = page.locator("table.order-history").inner_text()
    assert "Placed, awaiting the seller" in history
    assert "Accepted by the seller" in history and "Ready for pickup" in history
    assert page.locator("strong.pickup-code").inner_text() == waiting.pickup_code
    assert page.locator("figure.qr svg path").count() == 1
    assert "12 Oak Street" in page.locator(".pickup-place").inner_text()


def test_a_garage_asks_for_too_many_units_back_and_is_told_by_the_field(page, site, garage_orders):
    order = garage_orders["collected"]
    line = order.lines.get()
    sign_in(page, site, garage_orders["user"], f"/my/orders/{order.pk}/")

    page.click("tr.return-request summary")
    page.fill(f"#id_line-{line.pk}-quantity", "5")
    page.select_option(f"#id_line-{line.pk}-reason", "wrong_fitment")
    page.click("button:has-text('Ask to return it')")

    field = page.locator(f"#id_line-{line.pk}-quantity ~ .errorlist")
    assert "1 of 1 units of this line can still be returned" in field.inner_text()
    assert not ReturnCase.objects.filter(kind=ReturnKind.RMA).exists()

    page.fill(f"#id_line-{line.pk}-quantity", "1")
    page.click("button:has-text('Ask to return it')")
    page.wait_for_url(f"{site}/my/orders/{order.pk}/")
    assert "requested" in page.locator(".notice").inner_text()
    assert ReturnCase.objects.filter(kind=ReturnKind.RMA, quantity=1).exists()


def test_a_garage_sends_a_core_back_and_reads_its_credit_statement(page, site, garage_orders):
    core = CoreObligation.objects.get()
    sign_in(page, site, garage_orders["user"], "/my/cores/")

    row = page.locator(f"tr[data-core='{core.pk}']")
    assert "45.00 USD" in row.inner_text() and core.due_on.isoformat() in row.inner_text()
    row.locator("button:has-text('Send this core back')").click()
    page.wait_for_url(f"{site}/my/cores/")
    code = CoreObligation.objects.get().return_case.code
    assert code in page.locator(".notice").inner_text()
    assert page.locator(f"tr[data-core='{core.pk}'] .return-code").inner_text() == code

    page.click("header nav a:has-text('Credit')")
    page.wait_for_url(f"{site}/my/credit/")
    assert page.locator("td.balance").inner_text() == "25.00 USD"
    statement = page.locator("table.statement tbody tr").first.inner_text()
    assert "Welcome credit" in statement and "25.00 USD" in statement

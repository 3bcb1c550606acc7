"""The cores and returns API: the buyer sees what it owes and opens returns, the outlet takes
cores over the counter by code, the seller receives and inspects; nobody sees another's."""

from decimal import Decimal

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from marketplace.models import OrganisationKind
from orders.models import LedgerTransaction, SellerReturnPolicy
from orders.parties import Buyer
from orders.services import cores, returns
from tests.conftest import client_for
from tests.marketplace.factories import MembershipFactory, OrganisationFactory, UserFactory
from tests.orders.api_fixtures import member_of
from tests.orders.core_scenes import (
    CORE_CHARGE,
    buyer_credit,
    collected_at_outlet,
    core_of,
    delivered_by_parcel,
    png,
    seller_receivable,
)
from tests.orders.factories import OutletLocationFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def collected(consumer, outlet, outlet_staff, outlet_counter):
    return collected_at_outlet(consumer, outlet, outlet_staff, outlet_counter)


@pytest.fixture
def dropped(collected, consumer, outlet, outlet_staff):
    case = cores.core_return_open(obligation=core_of(collected), actor=consumer.user)
    return returns.return_drop_off(outlet=outlet, user=outlet_staff, code=case.code)


def queries_of(call) -> int:
    with CaptureQueriesContext(connection) as captured:
        call()
    return len(captured)


def seller_of(order):
    return client_for(member_of(order.seller_organisation))


def test_a_core_is_returned_at_an_outlet_and_partly_credited_through_the_api(
    collected, consumer, outlet_staff
):
    buyer = client_for(consumer.user)

    # given the buyer's owed core, listed with its seller, deposit and deadline
    [owed] = buyer.get("/api/v1/cores/").json()["results"]
    assert owed["status"] == "owed" and Decimal(owed["deposit"]) == CORE_CHARGE
    assert owed["seller"]["slug"] == collected.seller_organisation.slug
    assert owed["due_on"] and owed["return_case"] is None

    # when the buyer opens the return and the outlet takes the core by its code
    opened = buyer.post(f"/api/v1/cores/{owed['id']}/return/")
    assert opened.status_code == 201, opened.json()
    case = opened.json()
    assert len(case["code"]) == 10 and case["status"] == "awaiting_return"
    counter = client_for(outlet_staff)
    taken = counter.post("/api/v1/outlet/returns/drop-off/", {"code": case["code"]}, format="json")
    assert taken.status_code == 200, taken.json()
    assert taken.json()["status"] == "dropped_off" and "code" not in taken.json()

    # when the seller receives it, photographs the dented casing and inspects it
    seller = seller_of(collected)
    url = f"/api/v1/sales/returns/{case['id']}"
    assert seller.post(f"{url}/receive/").json()["status"] == "received"
    photo = seller.post(f"{url}/photos/", {"image": png()}, format="multipart")
    assert photo.status_code == 201, photo.json()
    inspected = seller.post(
        f"{url}/inspect/", {"findings": ["damaged_casing"], "notes": "Dented."}, format="json"
    )

    # then the buyer has three quarters of the deposit as credit, the seller the rest
    assert inspected.status_code == 200, inspected.json()
    assert inspected.json()["status"] == "partially_accepted"
    seen = buyer.get(f"/api/v1/returns/{case['id']}/").json()
    assert Decimal(seen["payout_amount"]) == Decimal("33.75")
    assert seen["findings"] == ["damaged_casing"] and len(seen["photos"]) == 1
    assert buyer_credit(consumer) == Decimal("33.75")
    assert seller_receivable(collected) == Decimal("11.25")
    assert buyer.get("/api/v1/cores/").json()["results"][0]["status"] == "credited"


def test_the_buyer_ships_a_core_by_post(collected, consumer):
    case = cores.core_return_open(obligation=core_of(collected), actor=consumer.user)

    shipped = client_for(consumer.user).post(
        f"/api/v1/returns/{case.pk}/ship/",
        {"carrier": "UPS", "tracking_number": "1Z999"},
        format="json",
    )

    assert shipped.status_code == 200, shipped.json()
    assert shipped.json()["status"] == "shipped" and shipped.json()["carrier"] == "UPS"


def test_the_rubric_is_published(consumer):
    rubric = client_for(consumer.user).get("/api/v1/returns/core-rubric/").json()

    assert {row["code"] for row in rubric} >= {"damaged_casing", "missing_parts", "wrong_part"}


def test_an_acceptance_submitted_twice_credits_the_core_once(dropped, consumer):
    order = dropped.order_line.order
    seller = seller_of(order)
    seller.post(f"/api/v1/sales/returns/{dropped.pk}/receive/")

    first = seller.post(f"/api/v1/sales/returns/{dropped.pk}/inspect/", {}, format="json")
    again = seller.post(f"/api/v1/sales/returns/{dropped.pk}/inspect/", {}, format="json")

    assert first.status_code == again.status_code == 200
    assert buyer_credit(consumer) == CORE_CHARGE
    key = f"core_return:{dropped.pk}:credited"
    assert LedgerTransaction.objects.filter(idempotency_key=key).count() == 1


def test_a_rejection_by_the_rubric_and_bad_input_get_clear_answers(dropped, consumer):
    seller = seller_of(dropped.order_line.order)
    url = f"/api/v1/sales/returns/{dropped.pk}"
    seller.post(f"{url}/receive/")

    unknown = seller.post(f"{url}/inspect/", {"findings": ["dusty"]}, format="json")
    no_photo = seller.post(f"{url}/inspect/", {"findings": ["wrong_part"]}, format="json")
    seller.post(f"{url}/photos/", {"image": png()}, format="multipart")
    rejected = seller.post(f"{url}/inspect/", {"findings": ["wrong_part"]}, format="json")

    assert unknown.status_code == 400 and "findings" in unknown.json()["error"]["fields"]
    assert no_photo.status_code == 400 and "photos" in no_photo.json()["error"]["fields"]
    assert rejected.status_code == 200 and rejected.json()["status"] == "rejected"
    assert buyer_credit(consumer) == 0
    cores_seen = client_for(consumer.user).get("/api/v1/cores/").json()["results"]
    assert cores_seen[0]["status"] == "rejected"


def test_a_wrong_code_at_the_counter_is_a_404(collected, outlet_staff):
    answer = client_for(outlet_staff).post(
        "/api/v1/outlet/returns/drop-off/", {"code": "NOTACODE22"}, format="json"
    )

    assert answer.status_code == 404
    assert answer.json()["error"]["code"] == "return_code_not_found"


def test_the_outlet_inspects_at_the_counter_only_when_the_seller_lets_it(
    dropped, consumer, outlet_staff
):
    counter = client_for(outlet_staff)
    url = f"/api/v1/outlet/returns/{dropped.pk}/inspect/"

    refused = counter.post(url, {"findings": []}, format="json")
    SellerReturnPolicy.objects.create(
        seller_organisation=dropped.seller_organisation, outlets_inspect_cores=True
    )
    accepted = counter.post(url, {"findings": []}, format="json")

    assert refused.status_code == 403
    assert accepted.status_code == 200 and accepted.json()["status"] == "accepted"
    assert buyer_credit(consumer) == CORE_CHARGE


# Nobody sees another's cores, returns or balances


def test_other_buyers_sellers_and_outlets_see_nothing_of_the_core_or_its_return(dropped):
    order = dropped.order_line.order
    core = core_of(order)
    garage = OrganisationFactory(kind=OrganisationKind.GARAGE)
    other_buyer = client_for(MembershipFactory(organisation=garage).user)
    stranger = client_for(UserFactory())
    other_seller = client_for(MembershipFactory(organisation=OrganisationFactory()).user)
    other_outlet = OutletLocationFactory().organisation
    other_staff = client_for(MembershipFactory(organisation=other_outlet).user)

    for client in (other_buyer, stranger):
        assert client.get("/api/v1/cores/").json()["results"] == []
        assert client.get("/api/v1/returns/").json()["results"] == []
        assert client.get(f"/api/v1/returns/{dropped.pk}/").status_code == 404
        assert client.post(f"/api/v1/cores/{core.pk}/return/").status_code == 404
        ship = {"carrier": "UPS", "tracking_number": "1"}
        assert client.post(f"/api/v1/returns/{dropped.pk}/ship/", ship).status_code == 404
        credit = client.get("/api/v1/credit/").json()
        assert all(Decimal(a["balance"]) == 0 for a in credit.get("results", credit))
    assert other_seller.get("/api/v1/sales/returns/").json()["results"] == []
    for action in ("receive", "inspect"):
        url = f"/api/v1/sales/returns/{dropped.pk}/{action}/"
        assert other_seller.post(url, {}, format="json").status_code == 404
    assert other_staff.get("/api/v1/outlet/returns/").json()["results"] == []
    url = f"/api/v1/outlet/returns/{dropped.pk}/inspect/"
    assert other_staff.post(url, {}, format="json").status_code == 404


def test_the_lists_cost_the_same_queries_however_many_cores(consumer, outlet, outlet_staff):
    counter = OutletLocationFactory(organisation=outlet)
    first = collected_at_outlet(consumer, outlet, outlet_staff, counter)
    cores.core_return_open(obligation=core_of(first), actor=consumer.user)
    buyer, seller = client_for(consumer.user), seller_of(first)
    paths = ["/api/v1/cores/", "/api/v1/returns/"]
    one = [queries_of(lambda p=p: buyer.get(p)) for p in paths]
    one_sold = queries_of(lambda: seller.get("/api/v1/sales/returns/"))

    for _ in range(3):
        more = collected_at_outlet(consumer, outlet, outlet_staff, counter, quantity=2)
        case = cores.core_return_open(obligation=core_of_first_unit(more), actor=consumer.user)
        returns.return_drop_off(outlet=outlet, user=outlet_staff, code=case.code)

    assert [queries_of(lambda p=p: buyer.get(p)) for p in paths] == one
    assert queries_of(lambda: seller.get("/api/v1/sales/returns/")) == one_sold
    assert len(buyer.get("/api/v1/cores/").json()["results"]) == 7


def core_of_first_unit(order):
    return order.lines.get().cores.get(unit=1)


def test_a_business_buyers_colleague_sees_its_cores(garage_buyer):
    order = delivered_by_parcel(garage_buyer)
    colleague = MembershipFactory(organisation=garage_buyer.organisation).user

    listed = client_for(colleague).get("/api/v1/cores/").json()["results"]

    assert [row["id"] for row in listed] == [core_of(order).pk]
    assert Buyer(user=colleague, organisation=garage_buyer.organisation).is_business

"""The part returns (RMA) API: the buyer asks on an order line, the seller approves, declines
and inspects; other parties' orders and cases are 404s; lists cost the same queries however long."""

import io
from decimal import Decimal

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.test.utils import CaptureQueriesContext
from PIL import Image

from orders.models import PaymentStatus, ReturnCase, ReturnStatus, RmaReason
from orders.services.returns import return_receive, return_ship
from orders.services.rma import RmaDetails, rma_request
from tests.conftest import client_for
from tests.orders.api_fixtures import give_invoice_terms
from tests.orders.stripe_helpers import sent_refunds
from tests.orders.test_api import another_garage_buyer
from tests.orders.test_rma import delivered

pytestmark = pytest.mark.django_db


def photo(name="fitment.png") -> SimpleUploadedFile:
    buffer = io.BytesIO()
    Image.new("RGB", (8, 8), "grey").save(buffer, format="PNG")
    return SimpleUploadedFile(name, buffer.getvalue(), content_type="image/png")


def returns_url(order) -> str:
    return f"/api/v1/orders/{order.pk}/lines/{order.lines.get().pk}/returns/"


def request_return(client, order, **fields):
    body = {"quantity": 1, "reason": RmaReason.FAULTY, **fields}
    return client.post(returns_url(order), body, format="json")


def queries_of(call) -> int:
    with CaptureQueriesContext(connection) as captured:
        call()
    return len(captured)


def test_a_consumer_returns_a_part_that_does_not_fit_and_is_refunded_to_the_card(
    consumer, django_capture_on_commit_callbacks
):
    # given a consumer's delivered card order of an 89.00 part
    order, staff = delivered(consumer)
    buyer_api, seller_api = client_for(consumer.user), client_for(staff)

    # when the consumer asks to return it with two photos (multipart)
    created = buyer_api.post(
        returns_url(order),
        {"quantity": 1, "reason": "wrong_fitment", "photos": [photo(), photo("label.png")]},
        format="multipart",
    )
    assert created.status_code == 201, created.json()
    case = created.json()
    assert (case["status"], case["order"], len(case["photos"])) == ("requested", order.pk, 2)

    # and the seller approves; the buyer posts the part back and the seller receives it
    approved = seller_api.post(f"/api/v1/sales/rma/{case['id']}/approve/")
    assert approved.status_code == 200
    assert "code" not in approved.json()  # the seller never sees the buyer's return code
    assert buyer_api.get(f"/api/v1/rma/{case['id']}/").json()["code"]
    shipped = buyer_api.post(
        f"/api/v1/returns/{case['id']}/ship/",
        {"carrier": "UPS", "tracking_number": "1Z1"},
        format="json",
    )
    assert shipped.status_code == 200, shipped.json()
    assert seller_api.post(f"/api/v1/sales/returns/{case['id']}/receive/").status_code == 200

    # and the seller accepts it at inspection
    with django_capture_on_commit_callbacks(execute=True):
        inspected = seller_api.post(
            f"/api/v1/sales/rma/{case['id']}/inspect/",
            {"accept": True, "resellable": True},
            format="json",
        )

    # then the buyer sees it refunded, and Stripe has the refund
    assert inspected.status_code == 200, inspected.json()
    seen = buyer_api.get(f"/api/v1/rma/{case['id']}/").json()
    assert seen["status"] == "accepted"
    assert Decimal(seen["payout_amount"]) == Decimal("89.00")
    assert [e["to_status"] for e in seen["events"]][-1] == "accepted"
    assert [r.amount for r in sent_refunds(order.payment.stripe_payment_intent_id)] == [8900]


def test_a_change_of_mind_on_a_b2b_order_is_a_400_naming_the_reason(garage_buyer):
    give_invoice_terms(garage_buyer)
    order, _ = delivered(garage_buyer, price="100.00", payment_method="invoice")

    response = request_return(client_for(garage_buyer.user), order, reason="changed_mind")

    assert response.status_code == 400
    error = response.json()["error"]
    assert error["code"] == "return_not_allowed"
    assert "B2B" in error["fields"]["reason"][0]
    assert not ReturnCase.objects.exists()


def test_bad_input_is_a_400_with_the_field_and_nothing_is_written(consumer):
    order, _ = delivered(consumer)
    client = client_for(consumer.user)

    too_many = request_return(client, order, quantity=2)
    unknown = request_return(client, order, reason="bored")
    not_an_image = client.post(
        returns_url(order),
        {"quantity": 1, "reason": "faulty", "photos": [SimpleUploadedFile("a.png", b"nope")]},
        format="multipart",
    )

    assert too_many.status_code == 400 and "quantity" in too_many.json()["error"]["fields"]
    assert unknown.status_code == 400 and "reason" in unknown.json()["error"]["fields"]
    assert not_an_image.status_code == 400 and "photos.0" in not_an_image.json()["error"]["fields"]
    assert not ReturnCase.objects.exists()


def test_status_amounts_and_fees_cannot_be_set_by_the_buyer(consumer):
    order, _ = delivered(consumer)

    response = request_return(
        client_for(consumer.user),
        order,
        status="accepted",
        payout_amount="999.00",
        restocking_fee="0",
        code="FREECODE",
    )

    assert response.status_code == 201
    case = ReturnCase.objects.get()
    assert (case.status, case.payout_amount, case.code) == (ReturnStatus.REQUESTED, None, None)


def test_rejecting_needs_a_reason(consumer):
    order, staff = delivered(consumer)
    case = rma_request(
        order_line=order.lines.get(), buyer=consumer, details=RmaDetails(1, RmaReason.FAULTY)
    )
    client_for(staff).post(f"/api/v1/sales/rma/{case.pk}/approve/")
    return_ship(case=case, actor=consumer.user, carrier="UPS", tracking_number="1Z2")
    return_receive(case=case, actor=staff)

    response = client_for(staff).post(
        f"/api/v1/sales/rma/{case.pk}/inspect/", {"accept": False}, format="json"
    )

    assert response.status_code == 400
    assert "notes" in response.json()["error"]["fields"]
    case.refresh_from_db()
    assert case.status == ReturnStatus.RECEIVED


def test_other_buyers_and_sellers_cannot_see_or_touch_a_return(consumer, garage_buyer):
    # given a consumer's return on a delivered order
    order, staff = delivered(consumer)
    case = rma_request(
        order_line=order.lines.get(), buyer=consumer, details=RmaDetails(1, RmaReason.FAULTY)
    )
    other_seller, _ = delivered(garage_buyer, payment_method="card")
    stranger_seller = client_for(other_seller.seller_organisation.memberships.first().user)
    stranger_buyer = client_for(garage_buyer.user)

    # then another buyer can neither see it nor return units of the order
    assert stranger_buyer.get(f"/api/v1/rma/{case.pk}/").status_code == 404
    assert stranger_buyer.get("/api/v1/rma/").json()["count"] == 0
    assert request_return(stranger_buyer, order).status_code == 404
    # and another seller can neither list nor decide it
    assert stranger_seller.get("/api/v1/sales/rma/").json()["count"] == 0
    for action in ("approve", "decline", "inspect"):
        body = {"reason": "No.", "accept": True}
        response = stranger_seller.post(f"/api/v1/sales/rma/{case.pk}/{action}/", body)
        assert response.status_code == 404
    # nor can the buyer approve their own return
    assert (
        client_for(consumer.user).post(f"/api/v1/sales/rma/{case.pk}/approve/").status_code == 404
    )
    case.refresh_from_db()
    assert case.status == ReturnStatus.REQUESTED
    order.payment.refresh_from_db()
    assert order.payment.status == PaymentStatus.PAID
    # while its own parties see it
    assert client_for(consumer.user).get("/api/v1/rma/").json()["count"] == 1
    assert client_for(staff).get("/api/v1/sales/rma/").json()["count"] == 1


def test_a_line_of_another_order_in_the_url_is_a_404(consumer):
    order, _ = delivered(consumer)
    second, _ = delivered(consumer)

    url = f"/api/v1/orders/{order.pk}/lines/{second.lines.get().pk}/returns/"
    response = client_for(consumer.user).post(url, {"quantity": 1, "reason": "faulty"})

    assert response.status_code == 404


def returns_of(buyer, count: int):
    give_invoice_terms(buyer)
    order, staff = delivered(buyer, quantity=count, on_hand=count, payment_method="invoice")
    for _ in range(count):
        rma_request(
            order_line=order.lines.get(), buyer=buyer, details=RmaDetails(1, RmaReason.FAULTY)
        )
    return staff


def test_listing_returns_costs_the_same_queries_for_2_and_10_cases(
    garage_buyer, django_assert_max_num_queries
):
    few_buyer, many_buyer = another_garage_buyer(), garage_buyer
    few_staff, many_staff = returns_of(few_buyer, 2), returns_of(many_buyer, 10)
    for path, few, many in [
        ("/api/v1/rma/", client_for(few_buyer.user), client_for(many_buyer.user)),
        ("/api/v1/sales/rma/", client_for(few_staff), client_for(many_staff)),
    ]:
        few.get(path)
        queries_for_2 = queries_of(lambda: few.get(path))  # noqa: B023

        with django_assert_max_num_queries(queries_for_2):
            response = many.get(path)
        assert response.json()["count"] == 10

"""The seller's pages: the sales list by stage, one sale and its next steps, and the returns to
handle (part returns to decide, cores and parts to receive and inspect)."""

from decimal import Decimal

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client

from orders.models import CoreStatus, OrderStatus, ReturnCase, ReturnStatus, RmaReason
from orders.services import cores, returns, rma
from orders.services import orders as order_services
from tests.orders.api_fixtures import give_invoice_terms, invoice_order, member_of
from tests.orders.conftest import SHIP_TO, listing_of, outlet_option, place, seller_with_shipping
from tests.orders.core_scenes import (
    CORE_CHARGE,
    add_photo,
    buyer_credit,
    core_of,
    delivered_by_parcel,
    png,
    seller_user_of,
)

pytestmark = pytest.mark.django_db


def signed_in(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


def seller_of(order) -> Client:
    return signed_in(seller_user_of(order))


def notices(response) -> list[str]:
    return [str(message) for message in response.context["messages"]]


@pytest.fixture
def placed(garage_buyer):
    give_invoice_terms(garage_buyer)
    return invoice_order(garage_buyer)


@pytest.fixture
def for_the_outlet(garage_buyer, outlet_counter):
    """An invoice order to be collected at the outlet, accepted by the seller."""
    give_invoice_terms(garage_buyer)
    seller, _ = seller_with_shipping()
    option = outlet_option(seller, outlet_counter)
    starter = listing_of(seller, title="Starter motor, 2009 Ford F-150", price=Decimal("140.00"))
    order = place(garage_buyer, {starter: 1}, [option]).orders.get()
    return order_services.order_accept(order=order, actor=member_of(seller))


# The sales list


def test_the_list_shows_buyer_channel_total_and_deadline_and_links_to_the_order(placed):
    page = seller_of(placed).get("/sales/")

    assert page.status_code == 200
    row = page.content.decode()
    assert f'href="/sales/{placed.pk}/"' in row
    assert "Main Street Garage" in row and placed.get_channel_display() in row
    assert f"{placed.total} USD" in row and "Accept by" in row


def test_the_list_filters_by_stage_of_fulfilment(garage_buyer):
    give_invoice_terms(garage_buyer)
    seller, parcel = seller_with_shipping()
    waiting = place(garage_buyer, {listing_of(seller): 1}, [parcel]).orders.get()
    accepted = place(garage_buyer, {listing_of(seller): 1}, [parcel]).orders.get()
    order_services.order_accept(order=accepted, actor=member_of(seller))
    client = signed_in(member_of(seller))

    to_prepare = client.get("/sales/", {"stage": "to_prepare"})
    to_accept = client.get("/sales/", {"stage": "to_accept"})
    shipped = client.get("/sales/", {"stage": "shipped"})

    assert [order.pk for order in to_prepare.context["orders"]] == [accepted.pk]
    assert [order.pk for order in to_accept.context["orders"]] == [waiting.pk]
    assert list(shipped.context["orders"]) == []


def test_an_unknown_stage_is_told_by_the_filter_field_and_every_order_is_shown(placed):
    page = seller_of(placed).get("/sales/", {"stage": "lost"})

    assert page.status_code == 200
    assert "stage" in page.context["filter"].errors
    assert [order.pk for order in page.context["orders"]] == [placed.pk]


def test_the_list_costs_the_same_queries_however_many_orders(
    garage_buyer, django_assert_max_num_queries
):
    give_invoice_terms(garage_buyer)
    seller, parcel = seller_with_shipping()
    for _ in range(6):
        place(
            garage_buyer,
            {listing_of(seller): 1, listing_of(seller, quantity_on_hand=2): 2},
            [parcel],
        )
    client = signed_in(member_of(seller))

    with django_assert_max_num_queries(10):
        page = client.get("/sales/")

    assert len(page.context["orders"]) == 6
    assert page.content.count(b"<tr data-order=") == 6


def test_the_sales_pages_are_forbidden_to_outlet_staff(outlet_staff):
    client = signed_in(outlet_staff)

    assert client.get("/sales/").status_code == 403
    assert client.get("/sales/returns/").status_code == 403


# One sale


def test_the_order_page_shows_lines_buyer_outlet_payment_and_history(for_the_outlet):
    page = seller_of(for_the_outlet).get(f"/sales/{for_the_outlet.pk}/")

    html = page.content.decode()
    assert page.status_code == 200
    assert "Starter motor, 2009 Ford F-150" in html and "Main Street Garage" in html
    assert for_the_outlet.pickup_location.name in html and "Corner Parts Counter" in html
    assert "Invoice with net terms" in html and 'class="payment-status">Pending' in html
    assert "Placed, awaiting the seller to Accepted by the seller" in html
    assert page.context["steps"] == {"ready", "cancel"}


def test_the_order_page_shows_the_address_the_buyer_gave_not_its_organisations(garage_buyer):
    # given a garage whose own address differs from the one it had the parcel shipped to
    give_invoice_terms(garage_buyer)
    garage = garage_buyer.organisation
    garage.address, garage.city = "1 Old Depot Road", "Skokie"
    garage.save()
    seller, parcel = seller_with_shipping()
    order = place(garage_buyer, {listing_of(seller): 1}, [parcel], ship_to=SHIP_TO).orders.get()

    # when the seller opens the order
    html = seller_of(order).get(f"/sales/{order.pk}/").content.decode()

    # then it sees where to ship it: the order's own address
    assert "Ship to:" in html and SHIP_TO.name in html
    assert SHIP_TO.address in html and f"{SHIP_TO.postcode} {SHIP_TO.city}, US" in html
    assert "Old Depot Road" not in html and "ask the buyer" not in html


def test_the_seller_accepts_then_marks_the_outlet_order_ready_and_sees_it_in_the_history(
    garage_buyer, outlet_counter
):
    give_invoice_terms(garage_buyer)
    seller, _ = seller_with_shipping()
    order = place(garage_buyer, {listing_of(seller): 1}, [outlet_option(seller, outlet_counter)])
    order = order.orders.get()
    client = seller_of(order)

    accepted = client.post(f"/sales/{order.pk}/accept/", follow=True)
    ready = client.post(f"/sales/{order.pk}/ready/", follow=True)

    assert accepted.redirect_chain == [(f"/sales/{order.pk}/", 302)]
    assert notices(accepted) == [f"Order {order.pk} accepted."]
    assert ready.context["order"].status == OrderStatus.READY_FOR_PICKUP
    assert "Accepted by the seller to Ready for pickup" in ready.content.decode()
    assert "Collect by" in ready.content.decode()


def test_shipping_needs_carrier_and_tracking_number_by_the_field(placed):
    client = seller_of(placed)
    client.post(f"/sales/{placed.pk}/accept/")

    refused = client.post(f"/sales/{placed.pk}/ship/", {"carrier": "DHL", "tracking_number": ""})
    shipped = client.post(
        f"/sales/{placed.pk}/ship/", {"carrier": "DHL", "tracking_number": "JD014600"}, follow=True
    )

    assert refused.status_code == 400
    assert list(refused.context["ship"].errors) == ["tracking_number"]
    assert shipped.context["order"].status == OrderStatus.SHIPPED
    assert "Shipped with DHL, tracking number JD014600." in shipped.content.decode()
    assert shipped.context["steps"] == {"delivered"}


def test_the_seller_marks_a_shipped_order_delivered(placed):
    client = seller_of(placed)
    client.post(f"/sales/{placed.pk}/accept/")
    client.post(f"/sales/{placed.pk}/ship/", {"carrier": "DHL", "tracking_number": "1"})

    page = client.post(f"/sales/{placed.pk}/delivered/", follow=True)

    assert page.context["order"].status == OrderStatus.DELIVERED
    assert notices(page)[-1] == f"Order {placed.pk} marked delivered."


def test_a_refused_step_is_a_message_naming_the_reason_and_changes_nothing(placed):
    page = seller_of(placed).post(
        f"/sales/{placed.pk}/ship/", {"carrier": "DHL", "tracking_number": "1"}, follow=True
    )

    assert page.context["order"].status == OrderStatus.PLACED
    [message] = notices(page)
    assert message.startswith(f"Order {placed.pk} was not changed:") and "shipped" in message


def test_rejecting_needs_a_reason_by_the_field(placed):
    client = seller_of(placed)

    refused = client.post(f"/sales/{placed.pk}/reject/", {"reason": "  "})
    rejected = client.post(f"/sales/{placed.pk}/reject/", {"reason": "Sold at the counter."})

    assert "reason" in refused.context["reject"].errors
    assert rejected.status_code == 302
    placed.refresh_from_db()
    assert placed.status == OrderStatus.CANCELLED


def test_another_sellers_order_is_not_found(placed, other_dismantler_owner):
    client = signed_in(other_dismantler_owner)

    assert client.get(f"/sales/{placed.pk}/").status_code == 404
    assert client.post(f"/sales/{placed.pk}/accept/").status_code == 404
    placed.refresh_from_db()
    assert placed.status == OrderStatus.PLACED


def test_a_step_is_a_post(placed):
    assert seller_of(placed).get(f"/sales/{placed.pk}/accept/").status_code == 405


# Returns to handle


@pytest.fixture
def delivered(garage_buyer):
    return delivered_by_parcel(garage_buyer)


@pytest.fixture
def core_received(delivered, garage_buyer):
    case = cores.core_return_open(obligation=core_of(delivered), actor=garage_buyer.user)
    returns.return_ship(case=case, actor=garage_buyer.user, carrier="UPS", tracking_number="1Z9")
    return case


@pytest.fixture
def part_requested(delivered, garage_buyer):
    details = rma.RmaDetails(quantity=1, reason=RmaReason.WRONG_FITMENT)
    return rma.rma_request(order_line=delivered.lines.get(), buyer=garage_buyer, details=details)


def test_the_seller_receives_a_core_then_a_finding_without_photo_is_told_by_the_field(
    core_received, garage_buyer
):
    client = seller_of(core_received.order_line.order)
    url = f"/sales/returns/{core_received.pk}/"

    client.post(f"{url}receive/")
    refused = client.post(f"{url}inspect/", {"findings": ["damaged_casing"]})

    assert refused.status_code == 400
    assert refused.context["inspect"].errors["photos"] == [
        "Add a photo of what the inspection found."
    ]
    assert ReturnCase.objects.get(pk=core_received.pk).status == ReturnStatus.RECEIVED


def test_a_finding_with_a_photo_credits_the_core_by_the_rubric(core_received, garage_buyer):
    client = seller_of(core_received.order_line.order)
    url = f"/sales/returns/{core_received.pk}/"
    client.post(f"{url}receive/")

    page = client.post(
        f"{url}inspect/",
        {"findings": ["damaged_casing"], "notes": "Dented at the mount.", "photos": png()},
        follow=True,
    )

    assert page.context["case"].status == ReturnStatus.PARTIALLY_ACCEPTED
    assert buyer_credit(garage_buyer) == Decimal("33.75")
    assert core_of(core_received.order_line.order).status == CoreStatus.CREDITED
    assert "33.75 USD credited" in notices(page)[-1]
    photo = page.context["case"].photos.get()
    assert client.get(f"{url}photos/{photo.pk}/").status_code == 200


def test_a_file_that_is_not_an_image_is_told_by_the_photo_field(core_received):
    client = seller_of(core_received.order_line.order)
    client.post(f"/sales/returns/{core_received.pk}/receive/")
    text = SimpleUploadedFile("core.png", b"not a picture", content_type="image/png")

    page = client.post(
        f"/sales/returns/{core_received.pk}/inspect/", {"findings": ["seized"], "photos": text}
    )

    assert "photos" in page.context["inspect"].errors
    assert not ReturnCase.objects.get(pk=core_received.pk).photos.exists()


def test_a_core_without_findings_is_credited_in_full_without_photo(core_received, garage_buyer):
    client = seller_of(core_received.order_line.order)
    client.post(f"/sales/returns/{core_received.pk}/receive/")

    client.post(f"/sales/returns/{core_received.pk}/inspect/", {"notes": ""})

    assert buyer_credit(garage_buyer) == CORE_CHARGE


def test_an_unknown_finding_is_told_by_the_field(core_received):
    client = seller_of(core_received.order_line.order)
    client.post(f"/sales/returns/{core_received.pk}/receive/")

    page = client.post(f"/sales/returns/{core_received.pk}/inspect/", {"findings": ["rusty"]})

    assert "findings" in page.context["inspect"].errors


def test_inspecting_before_the_core_arrived_is_a_message(core_received):
    client = seller_of(core_received.order_line.order)

    page = client.post(f"/sales/returns/{core_received.pk}/inspect/", {}, follow=True)

    assert notices(page)[0].startswith(f"Return {core_received.pk} was not changed:")
    assert page.context["case"].status == ReturnStatus.SHIPPED


def test_declining_a_part_return_needs_a_reason_by_the_field(part_requested):
    client = seller_of(part_requested.order_line.order)
    url = f"/sales/returns/{part_requested.pk}/"

    refused = client.post(f"{url}decline/", {"reason": ""})
    declined = client.post(f"{url}decline/", {"reason": "Fitted and damaged."}, follow=True)

    assert "reason" in refused.context["decline"].errors
    assert declined.context["case"].status == ReturnStatus.DECLINED
    assert "Fitted and damaged." in declined.content.decode()


def test_an_approved_part_is_received_and_rejecting_it_needs_notes_by_the_field(
    part_requested, garage_buyer
):
    client = seller_of(part_requested.order_line.order)
    url = f"/sales/returns/{part_requested.pk}/"
    client.post(f"{url}approve/")
    case = ReturnCase.objects.get(pk=part_requested.pk)
    returns.return_ship(case=case, actor=garage_buyer.user, carrier="UPS", tracking_number="2")
    client.post(f"{url}receive/")

    refused = client.post(f"{url}inspect/", {"decision": "reject", "notes": ""})
    accepted = client.post(f"{url}inspect/", {"decision": "accept"}, follow=True)

    assert "notes" in refused.context["inspect"].errors
    assert accepted.context["case"].status == ReturnStatus.ACCEPTED
    assert "refunded" in notices(accepted)[-1]


def test_the_returns_list_shows_those_to_handle_at_constant_query_cost(
    garage_buyer, django_assert_max_num_queries
):
    give_invoice_terms(garage_buyer)
    seller, parcel = seller_with_shipping()
    parts = {listing_of(seller, title=f"Mirror {n}"): 1 for n in range(5)}
    order = place(garage_buyer, parts, [parcel]).orders.get()
    staff = member_of(seller)
    order_services.order_accept(order=order, actor=staff)
    order_services.order_ship(order=order, actor=staff, carrier="DHL", tracking_number="1")
    order_services.order_mark_delivered(order=order, actor=staff)
    for line in order.lines.all():
        details = rma.RmaDetails(quantity=1, reason=RmaReason.FAULTY)
        rma.rma_request(order_line=line, buyer=garage_buyer, details=details)
    client = signed_in(staff)

    with django_assert_max_num_queries(10):
        page = client.get("/sales/returns/")

    assert len(page.context["cases"]) == 5
    assert page.content.count(b"<tr data-return=") == 5
    assert b"Mirror 4" in page.content and b"Faulty" in page.content


def test_the_returns_list_filters_by_stage_and_kind(core_received, part_requested):
    client = seller_of(core_received.order_line.order)

    cores_only = client.get("/sales/returns/", {"stage": "to_receive", "kind": "core"})
    to_decide = client.get("/sales/returns/", {"stage": "to_decide"})
    bad = client.get("/sales/returns/", {"stage": "soon"})

    assert [case.pk for case in cores_only.context["cases"]] == [core_received.pk]
    assert [case.pk for case in to_decide.context["cases"]] == [part_requested.pk]
    assert "stage" in bad.context["filter"].errors


def test_another_sellers_return_and_its_photos_are_not_found(core_received, other_dismantler_owner):
    seller = seller_user_of(core_received.order_line.order)
    returns.return_receive(case=core_received, actor=seller)
    photo = add_photo(core_received, seller)
    client = signed_in(other_dismantler_owner)

    assert client.get(f"/sales/returns/{core_received.pk}/").status_code == 404
    assert client.get(f"/sales/returns/{core_received.pk}/photos/{photo.pk}/").status_code == 404
    assert client.post(f"/sales/returns/{core_received.pk}/receive/").status_code == 404


def test_the_navigation_shows_sellers_the_returns_to_handle(dismantler_owner, garage_buyer):
    seller = signed_in(dismantler_owner).get("/").content
    garage = signed_in(garage_buyer.user).get("/").content

    assert b'href="/sales/returns/"' in seller and b"Returns to handle" in seller
    assert b"Returns to handle" not in garage

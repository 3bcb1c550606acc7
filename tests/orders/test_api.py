from decimal import Decimal

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from marketplace.models import OrganisationKind
from orders.models import (
    Channel,
    Checkout,
    DeliveryKind,
    Order,
    OrderEvent,
    OrderStatus,
    PaymentStatus,
)
from orders.parties import Buyer
from tests.catalog.factories import LocationFactory
from tests.conftest import client_for
from tests.marketplace.factories import MembershipFactory, OrganisationFactory
from tests.orders.api_fixtures import (
    give_invoice_terms,
    invoice_order,
    seller_client,
)
from tests.orders.conftest import listing_of, outlet_option, place, seller_with_shipping
from tests.orders.factories import DeliveryOptionFactory

pytestmark = pytest.mark.django_db


def another_garage_buyer() -> Buyer:
    garage = OrganisationFactory(kind=OrganisationKind.GARAGE)
    return Buyer(user=MembershipFactory(organisation=garage).user, organisation=garage)


def put_line(client, listing, quantity):
    return client.put(f"/api/v1/cart/lines/{listing.pk}/", {"quantity": quantity}, format="json")


SHIP_TO = {"name": "Anna Berg", "address": "12 Elm Street", "city": "Evanston", "country": "US"}


def check_out(client, options, payment_method="invoice", **fields):
    """POST a checkout, shipped to `SHIP_TO` unless `ship_to` is given (None included)."""
    option_ids = [getattr(option, "pk", option) for option in options]
    body = {"payment_method": payment_method, "delivery_options": option_ids, "ship_to": SHIP_TO}
    return client.post("/api/v1/checkouts/", {**body, **fields}, format="json")


def queries_of(call) -> int:
    with CaptureQueriesContext(connection) as captured:
        call()
    return len(captured)


# The cart and checkout


def test_a_garage_fills_its_cart_and_checks_out_on_invoice_through_the_api(garage_buyer):
    # given a garage with invoice terms and a dismantler's two parts, shipped by parcel
    give_invoice_terms(garage_buyer)
    seller, parcel = seller_with_shipping()
    door = listing_of(seller, price=Decimal("150.00"), quantity_on_hand=3)
    mirror = listing_of(seller, price=Decimal("40.00"))
    client = client_for(garage_buyer.user)

    # when it puts both in its cart, looks at the cart and checks out on invoice
    assert put_line(client, door, 2).status_code == 200
    assert put_line(client, mirror, 1).status_code == 200
    cart = client.get("/api/v1/cart/").json()
    response = check_out(client, [parcel], po_number="PO-77")

    # then the cart showed one seller with its lines and delivery option, and the checkout
    # holds one b2b order awaiting the seller, its invoice pending, and the cart is empty
    assert cart["line_count"] == 2
    [group] = cart["sellers"]
    assert group["seller"]["slug"] == seller.slug
    assert [line["quantity"] for line in group["lines"]] == [2, 1]
    assert [option["id"] for option in group["delivery_options"]] == [parcel.pk]
    assert response.status_code == 201, response.json()
    body = response.json()
    assert Decimal(body["total"]) == Decimal("352.00")  # 2 x 150 + 40 + 12 shipping
    [order] = body["orders"]
    assert order["channel"] == Channel.B2B
    assert order["status"] == OrderStatus.PLACED
    assert order["payment"]["status"] == PaymentStatus.PENDING
    assert order["po_number"] == "PO-77"
    assert order["pickup_code"] is None
    assert client.get("/api/v1/cart/").json()["line_count"] == 0


def test_setting_a_cart_line_to_zero_or_deleting_it_removes_it(garage_buyer):
    seller, _ = seller_with_shipping()
    door, mirror = listing_of(seller), listing_of(seller)
    client = client_for(garage_buyer.user)
    put_line(client, door, 1)
    put_line(client, mirror, 1)

    zeroed = put_line(client, door, 0)
    deleted = client.delete(f"/api/v1/cart/lines/{mirror.pk}/")

    assert zeroed.status_code == 200 and zeroed.json()["line_count"] == 1
    assert deleted.status_code == 204
    assert client.get("/api/v1/cart/").json()["line_count"] == 0
    assert client.delete(f"/api/v1/cart/lines/{mirror.pk}/").status_code == 404


def test_a_negative_cart_quantity_is_400_naming_quantity(garage_buyer):
    seller, _ = seller_with_shipping()

    response = put_line(client_for(garage_buyer.user), listing_of(seller), -1)

    assert response.status_code == 400
    assert "quantity" in response.json()["error"]["fields"]


def test_a_draft_listing_of_another_seller_cannot_be_put_in_the_cart(garage_buyer):
    seller, _ = seller_with_shipping()

    response = put_line(client_for(garage_buyer.user), listing_of(seller, status="draft"), 1)

    assert response.status_code == 404


def test_checkout_with_an_unknown_delivery_option_is_400_naming_it_and_writes_nothing(
    garage_buyer,
):
    give_invoice_terms(garage_buyer)
    seller, parcel = seller_with_shipping()
    client = client_for(garage_buyer.user)
    put_line(client, listing_of(seller), 1)
    response = check_out(client, [parcel.pk + 1000])

    assert response.status_code == 400
    assert "delivery_options" in response.json()["error"]["fields"]
    assert not Order.objects.exists()
    assert client.get("/api/v1/cart/").json()["line_count"] == 1


def test_checkout_without_an_option_for_every_seller_is_400_naming_delivery_options(
    garage_buyer,
):
    give_invoice_terms(garage_buyer)
    first, first_parcel = seller_with_shipping()
    second, _ = seller_with_shipping()
    client = client_for(garage_buyer.user)
    put_line(client, listing_of(first), 1)
    put_line(client, listing_of(second), 1)

    response = check_out(client, [first_parcel])

    assert response.status_code == 400
    assert "delivery_options" in response.json()["error"]["fields"]
    assert not Checkout.objects.exists()


def test_paying_at_pickup_for_a_shipped_order_is_400_naming_payment_method(garage_buyer):
    seller, parcel = seller_with_shipping()
    client = client_for(garage_buyer.user)
    put_line(client, listing_of(seller), 1)

    response = check_out(client, [parcel], payment_method="at_pickup")

    assert response.status_code == 400
    assert "payment_method" in response.json()["error"]["fields"]
    assert not Order.objects.exists()


def test_card_checkout_without_a_card_payment_method_is_400_naming_it(garage_buyer):
    seller, parcel = seller_with_shipping()
    client = client_for(garage_buyer.user)
    put_line(client, listing_of(seller), 1)

    response = check_out(client, [parcel], payment_method="card")

    assert response.status_code == 400
    assert "card_payment_method" in response.json()["error"]["fields"]


def test_malformed_checkout_input_is_400_naming_the_fields(garage_buyer):
    client = client_for(garage_buyer.user)

    response = client.post(
        "/api/v1/checkouts/",
        {"payment_method": "cheque", "delivery_options": ["x", 10**30]},
        format="json",
    )

    assert response.status_code == 400
    fields = response.json()["error"]["fields"]
    assert "payment_method" in fields
    assert {"delivery_options.0", "delivery_options.1"} <= set(fields)


def test_the_address_to_ship_to_goes_through_to_the_buyers_and_the_sellers_order(
    garage_buyer,
):
    # given a garage with a part in its cart that a dismantler ships
    give_invoice_terms(garage_buyer)
    seller, parcel = seller_with_shipping()
    client = client_for(garage_buyer.user)
    put_line(client, listing_of(seller), 1)
    address = {
        "name": "Main Street Garage",
        "address": "1200 Main Street\nBay 3",
        "city": "Evanston",
        "postcode": "60202",
        "country": "US",
        "phone": "555-0142",
    }

    # when it checks out with that address
    response = check_out(client, [parcel], ship_to=address)

    # then the buyer's order and the seller's show it, as given
    assert response.status_code == 201, response.json()
    [order] = response.json()["orders"]
    assert order["ship_to"] == address
    assert client.get(f"/api/v1/orders/{order['id']}/").json()["ship_to"] == address
    sale = seller_client(seller).get(f"/api/v1/sales/orders/{order['id']}/").json()
    assert sale["ship_to"] == address


def test_a_shipped_checkout_without_an_address_is_400_naming_ship_to(garage_buyer):
    give_invoice_terms(garage_buyer)
    seller, parcel = seller_with_shipping()
    client = client_for(garage_buyer.user)
    put_line(client, listing_of(seller), 1)

    response = check_out(client, [parcel], ship_to=None)

    assert response.status_code == 400
    assert list(response.json()["error"]["fields"]) == ["ship_to"]
    assert not Checkout.objects.exists()


def test_an_address_with_a_bad_country_or_no_city_is_400_naming_those_parts(garage_buyer):
    give_invoice_terms(garage_buyer)
    seller, parcel = seller_with_shipping()
    client = client_for(garage_buyer.user)
    put_line(client, listing_of(seller), 1)

    response = check_out(
        client, [parcel], ship_to={"name": "Anna", "address": "12 Elm Street", "country": "usa"}
    )

    assert response.status_code == 400
    assert {"ship_to.city", "ship_to.country"} <= set(response.json()["error"]["fields"])
    assert not Order.objects.exists()


def test_a_collected_order_shows_no_address_to_ship_to(garage_buyer, outlet_counter):
    give_invoice_terms(garage_buyer)
    seller, _ = seller_with_shipping()
    client = client_for(garage_buyer.user)
    put_line(client, listing_of(seller), 1)

    response = check_out(client, [outlet_option(seller, outlet_counter)], ship_to=None)

    assert response.status_code == 201, response.json()
    assert response.json()["orders"][0]["ship_to"] is None


# Who sees what


def test_another_buyers_order_and_checkout_are_404(garage_buyer):
    # given an order of one garage
    give_invoice_terms(garage_buyer)
    order = invoice_order(garage_buyer)
    stranger = client_for(another_garage_buyer().user)

    # when another garage asks for it, or tries to cancel it
    responses = [
        stranger.get(f"/api/v1/orders/{order.pk}/"),
        stranger.get(f"/api/v1/checkouts/{order.checkout_id}/"),
        stranger.post(f"/api/v1/orders/{order.pk}/cancel/", {}, format="json"),
    ]

    # then it does not exist for them, is in none of their lists, and nothing changed
    assert [r.status_code for r in responses] == [404, 404, 404]
    assert stranger.get("/api/v1/orders/").json()["count"] == 0
    assert stranger.get("/api/v1/checkouts/").json()["count"] == 0
    order.refresh_from_db()
    assert order.status == OrderStatus.PLACED


def test_another_sellers_order_is_404_for_a_seller(garage_buyer, other_dismantler_owner):
    give_invoice_terms(garage_buyer)
    order = invoice_order(garage_buyer)
    other_seller = client_for(other_dismantler_owner)

    detail = other_seller.get(f"/api/v1/sales/orders/{order.pk}/")
    accept = other_seller.post(f"/api/v1/sales/orders/{order.pk}/accept/")

    assert (detail.status_code, accept.status_code) == (404, 404)
    order.refresh_from_db()
    assert order.status == OrderStatus.PLACED


def test_a_seller_sees_only_its_own_order_of_a_three_seller_checkout(garage_buyer):
    # given one garage checkout split across three dismantlers
    give_invoice_terms(garage_buyer)
    sellers = [seller_with_shipping() for _ in range(3)]
    checkout = place(
        garage_buyer,
        {listing_of(seller, title=f"Part of {seller.name}"): 1 for seller, _ in sellers},
        [parcel for _, parcel in sellers],
    )
    first = sellers[0][0]
    own_order = checkout.orders.get(seller_organisation=first)

    # when the first seller lists its sales and opens its order
    client = seller_client(first)
    listed = client.get("/api/v1/sales/orders/").json()
    detail = client.get(f"/api/v1/sales/orders/{own_order.pk}/").json()

    # then it sees its one order, with only its own line, and no other seller's
    assert [o["id"] for o in listed["results"]] == [own_order.pk]
    assert [line["title"] for line in detail["lines"]] == [f"Part of {first.name}"]
    assert "checkout" not in detail and "pickup_code" not in detail
    others = checkout.orders.exclude(pk=own_order.pk)
    for other in others:
        assert client.get(f"/api/v1/sales/orders/{other.pk}/").status_code == 404


def test_the_buyer_lists_its_orders_filtered_by_status(garage_buyer):
    give_invoice_terms(garage_buyer)
    placed = invoice_order(garage_buyer)
    accepted = invoice_order(garage_buyer, accepted=True)
    client = client_for(garage_buyer.user)

    only_placed = client.get("/api/v1/orders/", {"status": "placed"}).json()
    b2b = client.get("/api/v1/orders/", {"channel": "b2b"}).json()

    assert [o["id"] for o in only_placed["results"]] == [placed.pk]
    assert {o["id"] for o in b2b["results"]} == {placed.pk, accepted.pk}


def test_order_list_filters_take_any_iso_offset_and_refuse_moments_out_of_range(garage_buyer):
    # PostgreSQL refuses offsets beyond 15:59 that Python parses; they must not reach it
    give_invoice_terms(garage_buyer)
    invoice_order(garage_buyer)
    client = client_for(garage_buyer.user)

    far_offset = client.get("/api/v1/sales/orders/", {"placed_before": "2260-07-26T14:28:48+19:02"})
    mine = client.get("/api/v1/orders/", {"placed_after": "2000-01-01T00:00:00-16:36"})
    out_of_range = client.get("/api/v1/checkouts/", {"created_after": "0001-01-01T00:00:00+05:00"})

    assert far_offset.status_code == 200
    assert mine.json()["count"] == 1
    assert out_of_range.status_code == 400
    assert "created_after" in out_of_range.json()["error"]["fields"]


# An order's life through the API


def test_a_seller_accepts_ships_and_delivers_and_the_buyer_confirms_receipt(garage_buyer):
    give_invoice_terms(garage_buyer)
    order = invoice_order(garage_buyer)
    seller = seller_client(order.seller_organisation)
    url = f"/api/v1/sales/orders/{order.pk}"

    accepted = seller.post(f"{url}/accept/")
    shipped = seller.post(
        f"{url}/ship/", {"carrier": "UPS", "tracking_number": "1Z999"}, format="json"
    )
    delivered = seller.post(f"{url}/delivered/")
    confirmed = client_for(garage_buyer.user).post(f"/api/v1/orders/{order.pk}/confirm-receipt/")

    assert accepted.status_code == 200, accepted.json()
    assert accepted.json()["payment"]["due_at"] is not None
    assert shipped.json()["status"] == OrderStatus.SHIPPED
    assert shipped.json()["tracking_number"] == "1Z999"
    assert delivered.json()["status"] == OrderStatus.DELIVERED
    assert confirmed.json()["status"] == OrderStatus.COMPLETED
    assert [e["to_status"] for e in confirmed.json()["events"]] == [
        "placed", "accepted", "shipped", "delivered", "completed",
    ]  # fmt: skip


def test_a_forbidden_transition_through_the_api_is_409_and_changes_nothing(garage_buyer):
    # given an order the seller has not accepted yet
    give_invoice_terms(garage_buyer)
    order = invoice_order(garage_buyer)
    seller = seller_client(order.seller_organisation)
    events_before = OrderEvent.objects.filter(order=order).count()

    # when the seller tries to ship it
    response = seller.post(
        f"/api/v1/sales/orders/{order.pk}/ship/",
        {"carrier": "UPS", "tracking_number": "1Z999"},
        format="json",
    )

    # then it is refused as a transition the table does not allow, and nothing was written
    assert response.status_code == 409
    assert response.json()["error"]["code"] == "transition_not_allowed"
    order.refresh_from_db()
    assert (order.status, order.carrier, order.tracking_number) == (OrderStatus.PLACED, "", "")
    assert OrderEvent.objects.filter(order=order).count() == events_before


def test_a_seller_rejects_an_order_naming_the_reason_and_the_invoice_is_voided(garage_buyer):
    give_invoice_terms(garage_buyer)
    order = invoice_order(garage_buyer)
    seller = seller_client(order.seller_organisation)

    without_reason = seller.post(f"/api/v1/sales/orders/{order.pk}/reject/", {}, format="json")
    rejected = seller.post(
        f"/api/v1/sales/orders/{order.pk}/reject/", {"reason": "Damaged"}, format="json"
    )

    assert without_reason.status_code == 400
    assert "reason" in without_reason.json()["error"]["fields"]
    assert rejected.json()["status"] == OrderStatus.CANCELLED
    assert rejected.json()["payment"]["status"] == PaymentStatus.VOIDED


def test_the_buyer_may_cancel_only_until_the_seller_accepts(garage_buyer):
    give_invoice_terms(garage_buyer)
    placed = invoice_order(garage_buyer)
    accepted = invoice_order(garage_buyer, accepted=True)
    client = client_for(garage_buyer.user)

    cancelled = client.post(f"/api/v1/orders/{placed.pk}/cancel/", {}, format="json")
    too_late = client.post(f"/api/v1/orders/{accepted.pk}/cancel/", {}, format="json")

    assert cancelled.json()["status"] == OrderStatus.CANCELLED
    assert too_late.status_code == 409
    accepted.refresh_from_db()
    assert accepted.status == OrderStatus.ACCEPTED


def test_outlet_staff_look_up_an_order_by_code_and_hand_it_over_taking_cash(
    consumer, outlet_staff, outlet_counter
):
    # given a consumer's pay-at-pickup order, accepted and waiting at the outlet counter
    seller, _ = seller_with_shipping(kind=OrganisationKind.REMANUFACTURER)
    option = outlet_option(seller, outlet_counter)
    client = client_for(consumer.user)
    put_line(client, listing_of(seller, price=Decimal("60.00")), 1)
    placed = check_out(client, [option], payment_method="at_pickup").json()
    [order] = placed["orders"]
    code = order["pickup_code"]
    seller_api = seller_client(seller)
    seller_api.post(f"/api/v1/sales/orders/{order['id']}/accept/")
    ready = seller_api.post(f"/api/v1/sales/orders/{order['id']}/ready-for-pickup/")
    staff = client_for(outlet_staff)

    # when the staff look the code up (typed loosely) and hand the part over for cash
    found = staff.post("/api/v1/outlet/pickups/lookup/", {"code": code.lower()}, format="json")
    collected = staff.post(
        "/api/v1/outlet/pickups/collect/", {"code": code, "collected_by": "cash"}, format="json"
    )

    # then the order was found without showing its code, and is collected and paid
    assert order["channel"] == Channel.O2O and len(code) == 10
    assert ready.json()["status"] == OrderStatus.READY_FOR_PICKUP
    assert found.status_code == 200, found.json()
    assert found.json()["id"] == order["id"] and "pickup_code" not in found.json()
    assert collected.json()["status"] == OrderStatus.COLLECTED
    assert collected.json()["payment"]["status"] == PaymentStatus.PAID
    assert collected.json()["payment"]["collected_by"] == "cash"
    listed = staff.get("/api/v1/outlet/orders/").json()
    assert [o["id"] for o in listed["results"]] == [order["id"]]


def test_a_pay_at_pickup_order_is_not_handed_over_without_saying_how_it_was_paid(
    consumer, outlet_staff, outlet_counter
):
    seller, _ = seller_with_shipping(kind=OrganisationKind.REMANUFACTURER)
    checkout = place(
        consumer, {listing_of(seller): 1}, [outlet_option(seller, outlet_counter)], "at_pickup"
    )
    order = checkout.orders.get()
    seller_api = seller_client(seller)
    seller_api.post(f"/api/v1/sales/orders/{order.pk}/accept/")
    seller_api.post(f"/api/v1/sales/orders/{order.pk}/ready-for-pickup/")

    response = client_for(outlet_staff).post(
        "/api/v1/outlet/pickups/collect/", {"code": order.pickup_code}, format="json"
    )

    assert response.status_code == 400
    assert "collected_by" in response.json()["error"]["fields"]
    order.refresh_from_db()
    assert order.status == OrderStatus.READY_FOR_PICKUP


def test_another_outlets_staff_cannot_find_the_code_and_sellers_cannot_use_the_counter(
    consumer, outlet_counter, dismantler_owner
):
    seller, _ = seller_with_shipping(kind=OrganisationKind.REMANUFACTURER)
    checkout = place(
        consumer, {listing_of(seller): 1}, [outlet_option(seller, outlet_counter)], "at_pickup"
    )
    code = checkout.orders.get().pickup_code
    other_outlet = OrganisationFactory(kind=OrganisationKind.OUTLET)
    other_staff = client_for(MembershipFactory(organisation=other_outlet).user)

    elsewhere = other_staff.post("/api/v1/outlet/pickups/lookup/", {"code": code}, format="json")
    not_an_outlet = client_for(dismantler_owner).post(
        "/api/v1/outlet/pickups/lookup/", {"code": code}, format="json"
    )

    assert elsewhere.status_code == 404
    assert elsewhere.json()["error"]["code"] == "pickup_code_not_found"
    assert other_staff.get("/api/v1/outlet/orders/").json()["count"] == 0
    assert not_an_outlet.status_code == 403


# Delivery options


def test_a_seller_adds_a_yard_collection_at_its_own_yard_but_not_at_another_sellers(
    dismantler, dismantler_owner, other_dismantler
):
    own_yard = LocationFactory(organisation=dismantler)
    other_yard = LocationFactory(organisation=other_dismantler)
    client = client_for(dismantler_owner)
    body = {"kind": DeliveryKind.YARD_COLLECTION, "name": "Collect at the yard", "price": "0"}

    created = client.post(
        "/api/v1/sales/delivery-options/", {**body, "pickup_location": own_yard.pk}, format="json"
    )
    refused = client.post(
        "/api/v1/sales/delivery-options/", {**body, "pickup_location": other_yard.pk}, format="json"
    )

    assert created.status_code == 201, created.json()
    assert created.json()["pickup_location"]["id"] == own_yard.pk
    assert refused.status_code == 400
    assert "pickup_location" in refused.json()["error"]["fields"]
    listed = client.get("/api/v1/sales/delivery-options/").json()
    assert [o["id"] for o in listed["results"]] == [created.json()["id"]]


def test_an_outlet_collection_needs_an_outlet_counter_that_takes_pickups(
    dismantler, dismantler_owner, outlet_counter
):
    client = client_for(dismantler_owner)
    body = {"kind": DeliveryKind.OUTLET_COLLECTION, "name": "Collect at the counter"}
    own_yard = LocationFactory(organisation=dismantler, pickup_available=True)

    at_outlet = client.post(
        "/api/v1/sales/delivery-options/",
        {**body, "pickup_location": outlet_counter.pk},
        format="json",
    )
    at_yard = client.post(
        "/api/v1/sales/delivery-options/", {**body, "pickup_location": own_yard.pk}, format="json"
    )
    nowhere = client.post("/api/v1/sales/delivery-options/", body, format="json")

    assert at_outlet.status_code == 201, at_outlet.json()
    assert at_yard.status_code == 400 and "pickup_location" in at_yard.json()["error"]["fields"]
    assert nowhere.status_code == 400 and "pickup_location" in nowhere.json()["error"]["fields"]


def test_a_seller_changes_its_own_delivery_option_but_not_another_sellers(
    dismantler, dismantler_owner, other_dismantler
):
    own = DeliveryOptionFactory(seller_organisation=dismantler)
    others = DeliveryOptionFactory(seller_organisation=other_dismantler)
    client = client_for(dismantler_owner)

    changed = client.patch(
        f"/api/v1/sales/delivery-options/{own.pk}/",
        {"price": "9.50", "active": False},
        format="json",
    )
    negative = client.patch(
        f"/api/v1/sales/delivery-options/{own.pk}/", {"price": "-1"}, format="json"
    )
    foreign = client.patch(
        f"/api/v1/sales/delivery-options/{others.pk}/", {"price": "0"}, format="json"
    )

    assert changed.status_code == 200
    assert (changed.json()["price"], changed.json()["active"]) == ("9.50", False)
    assert negative.status_code == 400 and "price" in negative.json()["error"]["fields"]
    assert foreign.status_code == 404
    others.refresh_from_db()
    assert others.price == Decimal("12.00")


# The platform operator


def test_the_operator_marks_an_invoice_paid_and_refunds_part_of_it(garage_buyer, platform_operator):
    give_invoice_terms(garage_buyer)
    order = invoice_order(garage_buyer, accepted=True)
    operator = client_for(platform_operator)
    url = f"/api/v1/payments/{order.payment.pk}"

    by_the_buyer = client_for(garage_buyer.user).post(f"{url}/mark-paid/")
    paid = operator.post(f"{url}/mark-paid/")
    too_much = operator.post(f"{url}/refund/", {"amount": "500", "reason": "x"}, format="json")
    refunded = operator.post(
        f"{url}/refund/", {"amount": "10.00", "reason": "Scratched"}, format="json"
    )

    assert by_the_buyer.status_code == 403
    assert paid.json()["status"] == PaymentStatus.PAID
    assert too_much.status_code == 400 and "amount" in too_much.json()["error"]["fields"]
    assert refunded.json()["status"] == PaymentStatus.PARTIALLY_REFUNDED
    assert Decimal(refunded.json()["refunded_amount"]) == Decimal("10.00")


# Query counts


def test_listing_the_buyers_orders_costs_the_same_queries_for_2_and_10_orders(
    garage_buyer, django_assert_max_num_queries
):
    give_invoice_terms(garage_buyer)
    few_buyer, many_buyer = another_garage_buyer(), garage_buyer
    give_invoice_terms(few_buyer)
    for _ in range(2):
        invoice_order(few_buyer)
    for _ in range(10):
        invoice_order(many_buyer)
    few, many = client_for(few_buyer.user), client_for(many_buyer.user)
    few.get("/api/v1/orders/")  # warm up what is read once per process

    queries_for_2 = queries_of(lambda: few.get("/api/v1/orders/"))

    with django_assert_max_num_queries(queries_for_2):
        response = many.get("/api/v1/orders/")
    assert response.json()["count"] == 10


def test_listing_a_sellers_orders_costs_the_same_queries_for_2_and_10_orders(
    garage_buyer, django_assert_max_num_queries
):
    give_invoice_terms(garage_buyer)
    few_seller, few_parcel = seller_with_shipping()
    many_seller, many_parcel = seller_with_shipping()
    for seller, parcel, count in [(few_seller, few_parcel, 2), (many_seller, many_parcel, 10)]:
        for _ in range(count):
            place(garage_buyer, {listing_of(seller): 1}, [parcel])
    few, many = seller_client(few_seller), seller_client(many_seller)
    few.get("/api/v1/sales/orders/")

    queries_for_2 = queries_of(lambda: few.get("/api/v1/sales/orders/"))

    with django_assert_max_num_queries(queries_for_2):
        response = many.get("/api/v1/sales/orders/")
    assert response.json()["count"] == 10


def test_checking_out_costs_the_same_queries_for_2_and_10_lines(
    garage_buyer, django_assert_max_num_queries
):
    few_buyer, many_buyer = another_garage_buyer(), garage_buyer
    seller, parcel = seller_with_shipping()
    results = {}
    for buyer, lines in [(few_buyer, 2), (many_buyer, 10)]:
        give_invoice_terms(buyer)
        client = client_for(buyer.user)
        for _ in range(lines):
            put_line(client, listing_of(seller), 1)
        results[lines] = client

    queries_for_2 = queries_of(lambda: check_out(results[2], [parcel]))

    with django_assert_max_num_queries(queries_for_2):
        response = check_out(results[10], [parcel])
    assert response.status_code == 201
    assert len(response.json()["orders"][0]["lines"]) == 10

"""The buyer's pages: checkout on the cart page, the cart's lines, the orders list and page with
their actions, the cores owed, the credit statement and the returns."""

import io
from decimal import Decimal

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from PIL import Image

from marketplace.models import OrganisationKind
from orders.models import (
    AccountKind,
    CoreStatus,
    Order,
    OrderStatus,
    PaymentStatus,
    ReturnCase,
    ReturnKind,
    ReturnStatus,
    RmaReason,
)
from orders.parties import Buyer
from orders.services.cart import cart_line_set
from orders.services.cores import core_return_open
from orders.services.ledger import Posting, account_for, ledger_post, platform_account
from orders.services.orders import order_accept, order_mark_delivered, order_ship
from orders.services.rma import RmaDetails, rma_request
from tests.marketplace.factories import MembershipFactory, OrganisationFactory, UserFactory
from tests.orders.api_fixtures import give_invoice_terms, member_of
from tests.orders.conftest import (
    SHIP_TO,
    SHIP_TO_TYPED,
    individual_seller_with_shipping,
    listing_of,
    outlet_option,
    place,
    seller_with_shipping,
)
from tests.orders.core_scenes import core_of, delivered_by_parcel, reman_alternator

pytestmark = pytest.mark.django_db


def signed_in(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


def other_garage_buyer() -> Buyer:
    garage = OrganisationFactory(kind=OrganisationKind.GARAGE, name="Other Garage")
    return Buyer(user=MembershipFactory(organisation=garage).user, organisation=garage)


def in_cart(buyer, seller, **listing):
    found = listing_of(seller, **listing)
    cart_line_set(buyer=buyer, listing=found, quantity=1)
    return found


def give_credit(buyer, amount: str, key: str) -> None:
    account = account_for(
        AccountKind.BUYER_CREDIT,
        currency="USD",
        organisation=buyer.organisation,
        user=None if buyer.organisation else buyer.user,
    )
    ledger_post(
        idempotency_key=key, kind="goodwill", description=f"Goodwill {key}",
        postings=[Posting(account, Decimal(amount)),
                  Posting(platform_account(AccountKind.GOODWILL, "USD"), -Decimal(amount))],
    )  # fmt: skip


def delivered_again(buyer, *, quantity: int) -> Order:
    """Another remanufactured part with a core charge delivered to a buyer that has terms."""
    seller, parcel = seller_with_shipping(kind="remanufacturer")
    order = place(buyer, {reman_alternator(seller): quantity}, [parcel]).orders.get()
    staff = member_of(seller)
    order_accept(order=order, actor=staff)
    order_ship(order=order, actor=staff, carrier="DHL", tracking_number="2")
    return order_mark_delivered(order=order, actor=staff)


# Checkout on the cart page


def test_checkout_offers_card_only_to_a_garage_without_invoice_terms(garage_buyer):
    seller, _ = seller_with_shipping()
    in_cart(garage_buyer, seller)

    page = signed_in(garage_buyer.user).get("/cart/")

    assert [value for value, _ in page.context["form"].fields["payment_method"].choices] == ["card"]


def test_checkout_offers_invoice_and_pay_at_pickup_where_every_seller_allows_them(
    garage_buyer, outlet_counter
):
    give_invoice_terms(garage_buyer)
    seller, _ = seller_with_shipping()
    outlet_option(seller, outlet_counter)
    in_cart(garage_buyer, seller)

    page = signed_in(garage_buyer.user).get("/cart/")

    choices = page.context["form"].fields["payment_method"].choices
    assert [value for value, _ in choices] == ["card", "invoice", "at_pickup"]


def test_a_seller_without_outlet_pickup_takes_pay_at_pickup_off_the_whole_checkout(
    garage_buyer, outlet_counter
):
    give_invoice_terms(garage_buyer)
    with_outlet, _ = seller_with_shipping()
    outlet_option(with_outlet, outlet_counter)
    parcel_only, _ = seller_with_shipping()
    in_cart(garage_buyer, with_outlet)
    in_cart(garage_buyer, parcel_only)

    page = signed_in(garage_buyer.user).get("/cart/")

    choices = page.context["form"].fields["payment_method"].choices
    assert [value for value, _ in choices] == ["card", "invoice"]


def test_card_is_not_offered_where_stripe_is_not_configured(garage_buyer, settings):
    settings.STRIPE_SECRET_KEY = ""
    give_invoice_terms(garage_buyer)
    seller, _ = seller_with_shipping()
    in_cart(garage_buyer, seller)

    page = signed_in(garage_buyer.user).get("/cart/")

    assert [value for value, _ in page.context["form"].fields["payment_method"].choices] == [
        "invoice"
    ]
    assert b'name="card_payment_method"' not in page.content
    # nor among what each delivery option can be paid by
    options = [
        option for group in page.context["cart"].sellers for option in group.delivery_options
    ]
    assert all("card" not in option.payment_methods for option in options)


def test_the_cart_shows_the_outlet_name_and_full_address_of_a_pickup_option(
    garage_buyer, outlet_counter
):
    outlet_counter.address, outlet_counter.city, outlet_counter.postcode = (
        "12 Oak Street", "Oak Park", "60302",
    )  # fmt: skip
    outlet_counter.save()
    seller, _ = seller_with_shipping()
    outlet_option(seller, outlet_counter)
    in_cart(garage_buyer, seller)

    page = signed_in(garage_buyer.user).get("/cart/").content.decode()

    assert f"{outlet_counter.name}, 12 Oak Street, 60302 Oak Park, US" in page


def test_a_seller_without_a_delivery_choice_is_told_by_its_own_field(garage_buyer):
    give_invoice_terms(garage_buyer)
    first, _ = seller_with_shipping()
    second, second_parcel = seller_with_shipping()
    in_cart(garage_buyer, first)
    in_cart(garage_buyer, second)

    page = signed_in(garage_buyer.user).post(
        "/cart/", {"payment_method": "invoice", "delivery_2": second_parcel.pk}
    )

    assert page.status_code == 400
    assert page.context["form"].errors["delivery_1"] == ["Choose how this seller delivers."]
    assert not Order.objects.exists()


def test_a_garage_pays_by_card_at_checkout(garage_buyer):
    seller, parcel = seller_with_shipping()
    in_cart(garage_buyer, seller)

    placed = signed_in(garage_buyer.user).post(
        "/cart/",
        {"payment_method": "card", "card_payment_method": "pm_card_visa", "delivery_1": parcel.pk}
        | SHIP_TO_TYPED,
    )

    assert placed.status_code == 302 and placed.url == "/my/orders/"
    assert Order.objects.get().payment.status == PaymentStatus.AUTHORISED


def test_card_without_its_payment_method_is_told_by_that_field(garage_buyer):
    seller, parcel = seller_with_shipping()
    in_cart(garage_buyer, seller)

    page = signed_in(garage_buyer.user).post(
        "/cart/", {"payment_method": "card", "delivery_1": parcel.pk}
    )

    assert page.status_code == 400
    assert page.context["form"].errors["card_payment_method"]
    assert not Order.objects.exists()


def test_credit_is_spent_first_when_the_buyer_asks(garage_buyer):
    give_invoice_terms(garage_buyer)
    give_credit(garage_buyer, "30.00", "goodwill:1")
    seller, parcel = seller_with_shipping()
    in_cart(garage_buyer, seller, price=Decimal("100.00"))
    client = signed_in(garage_buyer.user)
    assert "30.00 USD available" in client.get("/cart/").content.decode()

    choices = {"payment_method": "invoice", "use_credit": "on", "delivery_1": parcel.pk}
    choices |= SHIP_TO_TYPED
    client.post("/cart/", choices)

    assert Order.objects.get().credit_applied == Decimal("30.00")


def test_the_checkout_form_offers_the_garages_own_address_to_ship_to(garage_buyer):
    garage = garage_buyer.organisation
    garage.address, garage.city, garage.postcode = "1200 Main Street", "Evanston", "60202"
    garage.save()
    seller, _ = seller_with_shipping()
    in_cart(garage_buyer, seller)

    form = signed_in(garage_buyer.user).get("/cart/").context["form"]

    assert form["ship_name"].value() == "Main Street Garage"
    assert form["ship_address"].value() == "1200 Main Street"
    assert (form["ship_city"].value(), form["ship_country"].value()) == ("Evanston", "US")


def test_a_shipped_checkout_without_a_city_is_told_by_the_city_field(garage_buyer):
    # given a garage with a part in its cart that the seller ships
    give_invoice_terms(garage_buyer)
    seller, parcel = seller_with_shipping()
    in_cart(garage_buyer, seller)

    # when it places the order with an address that has no city
    typed = SHIP_TO_TYPED | {"ship_city": ""}
    page = signed_in(garage_buyer.user).post(
        "/cart/", {"payment_method": "invoice", "delivery_1": parcel.pk, **typed}
    )

    # then the page says so by the city field, and no order is placed
    assert page.status_code == 400
    assert page.context["form"].errors["ship_city"] == ["Give the city to ship to."]
    html = page.content.decode()
    assert html.index("Give the city to ship to.") > html.index('name="ship_city"')
    assert not Order.objects.exists()


def test_a_collected_checkout_is_placed_without_an_address(garage_buyer, outlet_counter):
    give_invoice_terms(garage_buyer)
    seller, _ = seller_with_shipping()
    option = outlet_option(seller, outlet_counter)
    in_cart(garage_buyer, seller)

    placed = signed_in(garage_buyer.user).post(
        "/cart/", {"payment_method": "invoice", "delivery_1": option.pk}
    )

    assert placed.status_code == 302
    assert Order.objects.get().ship_to is None


# The cart's lines


def test_a_buyer_changes_the_quantity_of_a_line_and_removes_another(garage_buyer):
    seller, _ = seller_with_shipping()
    kept = in_cart(garage_buyer, seller, quantity_on_hand=5)
    dropped = in_cart(garage_buyer, seller)
    client = signed_in(garage_buyer.user)

    changed = client.post(f"/cart/lines/{kept.pk}/", {"quantity": 3, "action": "update"})
    removed = client.post(f"/cart/lines/{dropped.pk}/", {"quantity": 1, "action": "remove"})

    assert changed.status_code == removed.status_code == 302
    lines = client.get("/cart/").context["cart"].sellers[0].lines
    assert [(line.listing_id, line.quantity) for line in lines] == [(kept.pk, 3)]


def test_a_quantity_over_the_stock_is_told_by_the_line_quantity(garage_buyer):
    seller, _ = seller_with_shipping()
    listing = in_cart(garage_buyer, seller, quantity_on_hand=2)

    page = signed_in(garage_buyer.user).post(f"/cart/lines/{listing.pk}/", {"quantity": 7})

    assert page.status_code == 400
    line = page.context["cart"].sellers[0].lines[0]
    assert line.quantity_form.errors["quantity"] == ["Only 2 on hand for this listing."]
    assert f'id="id_line_{listing.pk}_quantity"' in page.content.decode()


def test_a_quantity_that_is_not_a_number_is_told_not_failed(garage_buyer):
    seller, _ = seller_with_shipping()
    listing = in_cart(garage_buyer, seller)

    page = signed_in(garage_buyer.user).post(f"/cart/lines/{listing.pk}/", {"quantity": "lots"})

    assert page.status_code == 400
    assert page.context["cart"].sellers[0].lines[0].quantity_form.errors["quantity"]


def test_another_buyers_cart_line_is_a_404(garage_buyer):
    seller, _ = seller_with_shipping()
    listing = in_cart(garage_buyer, seller)

    response = signed_in(other_garage_buyer().user).post(
        f"/cart/lines/{listing.pk}/", {"quantity": 0}
    )

    assert response.status_code == 404


# The orders list


def test_the_orders_list_links_each_order_and_filters_by_status(garage_buyer):
    give_invoice_terms(garage_buyer)
    seller, parcel = seller_with_shipping()
    placed = place(garage_buyer, {listing_of(seller): 1}, [parcel]).orders.get()
    accepted = place(garage_buyer, {listing_of(seller): 1}, [parcel]).orders.get()
    order_accept(order=accepted, actor=member_of(seller))
    client = signed_in(garage_buyer.user)

    everything = client.get("/my/orders/")
    only_accepted = client.get("/my/orders/?status=accepted")
    nonsense = client.get("/my/orders/?status=lost&page=x")

    assert {o.pk for o in everything.context["orders"]} == {placed.pk, accepted.pk}
    assert f'href="/my/orders/{placed.pk}/"' in everything.content.decode()
    assert [o.pk for o in only_accepted.context["orders"]] == [accepted.pk]
    assert nonsense.status_code == 200 and nonsense.context["form"].errors["status"]


def test_the_orders_list_costs_the_same_queries_with_many_orders(
    garage_buyer, django_assert_max_num_queries
):
    give_invoice_terms(garage_buyer)
    seller, parcel = seller_with_shipping()
    client = signed_in(garage_buyer.user)
    place(garage_buyer, {listing_of(seller): 1}, [parcel])
    with django_assert_max_num_queries(12) as few:
        client.get("/my/orders/")
    for _ in range(6):
        place(garage_buyer, {listing_of(seller): 1}, [parcel])

    with django_assert_max_num_queries(len(few.captured_queries)):
        page = client.get("/my/orders/")

    assert len(page.context["orders"]) == 7


# The order page


def test_the_order_page_shows_lines_totals_history_pickup_code_and_qr(garage_buyer, outlet_counter):
    give_invoice_terms(garage_buyer)
    seller, _ = seller_with_shipping()
    option = outlet_option(seller, outlet_counter)
    listing = listing_of(seller, title="Starter motor", price=Decimal("140.00"), quantity_on_hand=2)
    order = place(garage_buyer, {listing: 2}, [option]).orders.get()

    page = signed_in(garage_buyer.user).get(f"/my/orders/{order.pk}/")

    html = page.content.decode()
    assert page.status_code == 200
    assert "Starter motor" in html and "280.00 USD" in html
    assert order.pickup_code in html and '<svg width="' in html
    assert outlet_counter.name in html
    assert [event.to_label for event in page.context["events"]] == [OrderStatus.PLACED.label]
    assert page.context["actions"] == {
        "cancel": True, "confirm_receipt": False, "request_return": False,
    }  # fmt: skip


def test_the_order_page_shows_the_address_it_is_shipped_to(garage_buyer):
    give_invoice_terms(garage_buyer)
    seller, parcel = seller_with_shipping()
    order = place(garage_buyer, {listing_of(seller): 1}, [parcel]).orders.get()

    html = signed_in(garage_buyer.user).get(f"/my/orders/{order.pk}/").content.decode()

    assert 'class="ship-to"' in html and SHIP_TO.name in html and SHIP_TO.address in html


def test_another_buyers_order_is_a_404_on_every_page_and_action(garage_buyer):
    give_invoice_terms(garage_buyer)
    seller, parcel = seller_with_shipping()
    order = place(garage_buyer, {listing_of(seller): 1}, [parcel]).orders.get()
    line = order.lines.get()
    stranger = signed_in(other_garage_buyer().user)

    responses = [
        stranger.get(f"/my/orders/{order.pk}/"),
        stranger.post(f"/my/orders/{order.pk}/cancel/"),
        stranger.post(f"/my/orders/{order.pk}/confirm-receipt/"),
        stranger.post(f"/my/orders/{order.pk}/lines/{line.pk}/return/", {"line-1-quantity": 1}),
    ]

    assert [response.status_code for response in responses] == [404, 404, 404, 404]
    assert Order.objects.get().status == OrderStatus.PLACED


def test_a_buyer_cancels_an_order_the_seller_has_not_accepted(garage_buyer):
    give_invoice_terms(garage_buyer)
    seller, parcel = seller_with_shipping()
    order = place(garage_buyer, {listing_of(seller): 1}, [parcel]).orders.get()
    client = signed_in(garage_buyer.user)

    response = client.post(f"/my/orders/{order.pk}/cancel/", {"reason": "Found it locally"})

    assert response.status_code == 302 and response.url == f"/my/orders/{order.pk}/"
    assert Order.objects.get().status == OrderStatus.CANCELLED
    history = client.get(response.url).context["events"]
    assert [(e.to_label, e.reason) for e in history][-1] == ("Cancelled", "Found it locally")


def test_a_cancellation_after_acceptance_is_refused_on_the_page(garage_buyer):
    give_invoice_terms(garage_buyer)
    seller, parcel = seller_with_shipping()
    order = place(garage_buyer, {listing_of(seller): 1}, [parcel]).orders.get()
    order_accept(order=order, actor=member_of(seller))

    page = signed_in(garage_buyer.user).post(f"/my/orders/{order.pk}/cancel/")

    assert page.status_code == 400
    assert "already accepted" in page.context["cancel_form"].non_field_errors()[0]
    assert Order.objects.get().status == OrderStatus.ACCEPTED


def test_a_consumer_confirms_receipt_of_a_private_sale(consumer):
    seller_user, parcel = individual_seller_with_shipping()
    listing = listing_of(user=seller_user)
    order = place(
        consumer, {listing: 1}, [parcel], payment_method="card", card_payment_method="pm_card_visa"
    ).orders.get()
    order = order_accept(order=order, actor=seller_user)
    order_ship(order=order, actor=seller_user, carrier="USPS", tracking_number="9400")
    order_mark_delivered(order=order, actor=seller_user)
    client = signed_in(consumer.user)
    assert client.get(f"/my/orders/{order.pk}/").context["actions"]["confirm_receipt"]

    response = client.post(f"/my/orders/{order.pk}/confirm-receipt/")

    assert response.status_code == 302
    assert Order.objects.get().status == OrderStatus.COMPLETED


def png_file(name: str = "crack.png") -> SimpleUploadedFile:
    data = io.BytesIO()
    Image.new("RGB", (4, 4), "gray").save(data, "PNG")
    return SimpleUploadedFile(name, data.getvalue(), content_type="image/png")


def text_file() -> SimpleUploadedFile:
    return SimpleUploadedFile("crack.png", b"not an image", content_type="image/png")


def test_a_return_of_more_units_than_bought_is_told_by_the_quantity_field(garage_buyer):
    order = delivered_by_parcel(garage_buyer)
    line = order.lines.get()
    prefix = f"line-{line.pk}"

    page = signed_in(garage_buyer.user).post(
        f"/my/orders/{order.pk}/lines/{line.pk}/return/",
        {f"{prefix}-quantity": 5, f"{prefix}-reason": RmaReason.WRONG_FITMENT,
         f"{prefix}-refund_route": "original"},
    )  # fmt: skip

    assert page.status_code == 400
    form = page.context["lines"][0].return_form
    assert form.errors["quantity"] == ["1 of 1 units of this line can still be returned."]
    assert not ReturnCase.objects.filter(kind=ReturnKind.RMA).exists()


def test_a_buyer_asks_to_return_a_delivered_part(garage_buyer):
    order = delivered_by_parcel(garage_buyer)
    line = order.lines.get()
    prefix = f"line-{line.pk}"

    response = signed_in(garage_buyer.user).post(
        f"/my/orders/{order.pk}/lines/{line.pk}/return/",
        {f"{prefix}-quantity": 1, f"{prefix}-reason": RmaReason.FAULTY,
         f"{prefix}-refund_route": "credit", f"{prefix}-description": "No charge"},
    )  # fmt: skip

    assert response.status_code == 302
    case = ReturnCase.objects.get(kind=ReturnKind.RMA)
    assert (case.status, case.quantity, case.reason) == (ReturnStatus.REQUESTED, 1, "faulty")


def test_a_return_request_takes_photos_and_refuses_a_file_that_is_no_image(garage_buyer):
    order = delivered_by_parcel(garage_buyer)
    line = order.lines.get()
    prefix = f"line-{line.pk}"
    url = f"/my/orders/{order.pk}/lines/{line.pk}/return/"
    fields = {f"{prefix}-quantity": 1, f"{prefix}-reason": RmaReason.FAULTY,
              f"{prefix}-refund_route": "credit"}  # fmt: skip
    client = signed_in(garage_buyer.user)

    refused = client.post(url, {**fields, f"{prefix}-photos": [text_file()]})
    assert refused.status_code == 400
    assert refused.context["lines"][0].return_form.errors["photos"]
    assert not ReturnCase.objects.exists()

    response = client.post(url, {**fields, f"{prefix}-photos": [png_file()]})
    assert response.status_code == 302
    assert ReturnCase.objects.get(kind=ReturnKind.RMA).photos.count() == 1


def test_a_return_reason_the_channel_does_not_allow_is_told_by_the_reason_field(garage_buyer):
    order = delivered_by_parcel(garage_buyer)
    line = order.lines.get()
    prefix = f"line-{line.pk}"

    page = signed_in(garage_buyer.user).post(
        f"/my/orders/{order.pk}/lines/{line.pk}/return/",
        {f"{prefix}-quantity": 1, f"{prefix}-reason": RmaReason.CHANGED_MIND,
         f"{prefix}-refund_route": "original"},
    )  # fmt: skip

    assert "changed your mind" in page.context["lines"][0].return_form.errors["reason"][0]


# Cores, credit and returns


def test_the_cores_page_lists_what_is_owed_and_opens_a_return_with_its_code(garage_buyer):
    order = delivered_by_parcel(garage_buyer)
    core = core_of(order)
    client = signed_in(garage_buyer.user)

    page = client.get("/my/cores/")
    html = page.content.decode()
    assert "Alternator, remanufactured - 2008 Ford F-150" in html
    assert "45.00 USD" in html and core.due_on.isoformat() in html
    opened = client.post(f"/my/cores/{core.pk}/return/")

    core.refresh_from_db()
    assert opened.status_code == 302 and core.status == CoreStatus.RETURNING
    after = client.get("/my/cores/").content.decode()
    assert core.return_case.code in after and '<svg width="' in after


def test_another_buyers_core_is_a_404(garage_buyer):
    core = core_of(delivered_by_parcel(garage_buyer))

    response = signed_in(other_garage_buyer().user).post(f"/my/cores/{core.pk}/return/")

    assert response.status_code == 404
    core.refresh_from_db()
    assert core.status == CoreStatus.OWED


def test_the_cores_page_costs_the_same_queries_with_many_cores(
    garage_buyer, django_assert_max_num_queries
):
    client = signed_in(garage_buyer.user)
    delivered_by_parcel(garage_buyer)
    with django_assert_max_num_queries(12) as few:
        client.get("/my/cores/")
    second = delivered_again(garage_buyer, quantity=4)
    core_return_open(obligation=second.lines.get().cores.first(), actor=garage_buyer.user)

    with django_assert_max_num_queries(len(few.captured_queries)):
        page = client.get("/my/cores/")

    assert len(page.context["cores"]) == 5


def test_the_credit_page_shows_the_balance_and_a_paginated_statement_with_running_balance(
    garage_buyer, django_assert_max_num_queries
):
    for number in range(30):
        give_credit(garage_buyer, "2.00", f"goodwill:{number}")
    client = signed_in(garage_buyer.user)

    with django_assert_max_num_queries(12):
        first = client.get("/my/credit/")
    second = client.get("/my/credit/?currency=USD&page=2")

    assert first.context["account"].balance == Decimal("60.00")
    assert [e.balance_after for e in first.context["entries"]][:2] == [
        Decimal("60.00"), Decimal("58.00"),
    ]  # fmt: skip
    assert len(first.context["entries"]) == 25 and len(second.context["entries"]) == 5
    assert 'href="?currency=USD&amp;page=2"' in first.content.decode()


def test_the_credit_page_shows_nothing_of_another_buyers_credit(garage_buyer):
    give_credit(other_garage_buyer(), "99.00", "goodwill:other")

    page = signed_in(garage_buyer.user).get("/my/credit/")

    assert page.context["accounts"] == [] and b"99.00" not in page.content


def test_the_returns_page_shows_code_deadline_and_history_and_takes_a_shipment(garage_buyer):
    order = delivered_by_parcel(garage_buyer)
    core = core_of(order)
    case = core_return_open(obligation=core, actor=garage_buyer.user)
    client = signed_in(garage_buyer.user)

    page = client.get("/my/returns/")
    html = page.content.decode()
    assert case.code in html and core.due_on.isoformat() in html
    assert "Awaiting drop-off or shipment" in html and "Core return opened by the buyer." in html
    missing = client.post(f"/my/returns/{case.pk}/ship/", {f"case-{case.pk}-carrier": "UPS"})
    shipped = client.post(
        f"/my/returns/{case.pk}/ship/",
        {f"case-{case.pk}-carrier": "UPS", f"case-{case.pk}-tracking_number": "1Z9"},
    )

    shipped_case = missing.context["cases"][0]
    assert shipped_case.ship_form.errors["tracking_number"]
    assert shipped.status_code == 302
    assert ReturnCase.objects.get(pk=case.pk).status == ReturnStatus.SHIPPED


def test_the_returns_page_costs_the_same_queries_with_many_returns(
    garage_buyer, django_assert_max_num_queries
):
    client = signed_in(garage_buyer.user)
    order = delivered_by_parcel(garage_buyer, quantity=4)
    line = order.lines.get()
    rma_request(order_line=line, buyer=garage_buyer,
                details=RmaDetails(quantity=1, reason=RmaReason.FAULTY))  # fmt: skip
    with django_assert_max_num_queries(12) as few:
        client.get("/my/returns/")
    for obligation in order.lines.get().cores.all()[:3]:
        core_return_open(obligation=obligation, actor=garage_buyer.user)

    with django_assert_max_num_queries(len(few.captured_queries)):
        page = client.get("/my/returns/")

    assert len(page.context["cases"]) == 4


def test_another_buyers_return_cannot_be_shipped(garage_buyer):
    case = core_return_open(
        obligation=core_of(delivered_by_parcel(garage_buyer)), actor=garage_buyer.user
    )

    response = signed_in(other_garage_buyer().user).post(
        f"/my/returns/{case.pk}/ship/",
        {f"case-{case.pk}-carrier": "UPS", f"case-{case.pk}-tracking_number": "1"},
    )

    assert response.status_code == 404


def test_the_buyer_navigation_links_cores_credit_and_returns(db):
    page = signed_in(UserFactory()).get("/").content.decode()

    assert all(href in page for href in ('"/my/cores/"', '"/my/credit/"', '"/my/returns/"'))

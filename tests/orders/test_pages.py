"""The buyer's cart and orders pages and the seller's orders page."""

from decimal import Decimal

import pytest
from django.test import Client

from orders.models import Order, OrderStatus
from tests.orders.conftest import SHIP_TO_TYPED, listing_of, outlet_option, seller_with_shipping
from tests.orders.factories import InvoiceTermsFactory

pytestmark = pytest.mark.django_db


def signed_in(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


def test_a_garage_fills_its_cart_from_two_sellers_and_checks_out_on_invoice(
    garage_buyer, outlet_counter
):
    InvoiceTermsFactory(organisation=garage_buyer.organisation, credit_limit=Decimal("5000"))
    first, _ = seller_with_shipping()
    second, _ = seller_with_shipping()
    outlet_option(second, outlet_counter)
    client = signed_in(garage_buyer.user)
    for listing in (listing_of(first), listing_of(second)):
        client.post(f"/cart/add/{listing.pk}/", {"quantity": 1})

    cart = client.get("/cart/")
    assert cart.status_code == 200 and len(cart.context["cart"].sellers) == 2
    choices = {"delivery_1": cart.context["cart"].sellers[0].delivery_options[0].pk,
               "delivery_2": cart.context["cart"].sellers[1].delivery_options[-1].pk}  # fmt: skip
    placed = client.post(
        "/cart/", {"payment_method": "invoice", "po_number": "PO-9", **choices, **SHIP_TO_TYPED}
    )

    assert placed.status_code == 302 and placed.url == "/my/orders/"
    orders = client.get("/my/orders/")
    assert len(orders.context["orders"]) == 2
    assert any(order.pickup_code for order in orders.context["orders"])


def test_a_refused_checkout_is_told_on_the_page(garage_buyer):
    seller, _ = seller_with_shipping()
    client = signed_in(garage_buyer.user)
    client.post(f"/cart/add/{listing_of(seller).pk}/", {"quantity": 1})

    page = client.post("/cart/", {"payment_method": "invoice"})  # no terms, no delivery chosen

    assert page.status_code == 400
    assert page.context["form"].errors
    assert not Order.objects.exists()


def test_the_seller_accepts_an_order_from_its_page(garage_buyer):
    InvoiceTermsFactory(organisation=garage_buyer.organisation, credit_limit=Decimal("5000"))
    seller, parcel = seller_with_shipping()
    buyer = signed_in(garage_buyer.user)
    buyer.post(f"/cart/add/{listing_of(seller).pk}/", {"quantity": 1})
    buyer.post("/cart/", {"payment_method": "invoice", "delivery_1": parcel.pk, **SHIP_TO_TYPED})
    order = Order.objects.get()
    seller_page = signed_in(seller.memberships.first().user)

    assert b"Accept" in seller_page.get("/sales/").content
    seller_page.post(f"/sales/{order.pk}/decide/", {"action": "accept"})

    assert Order.objects.get().status == OrderStatus.ACCEPTED


def test_a_rejection_from_the_list_needs_its_reason(garage_buyer):
    InvoiceTermsFactory(organisation=garage_buyer.organisation, credit_limit=Decimal("5000"))
    seller, parcel = seller_with_shipping()
    buyer = signed_in(garage_buyer.user)
    buyer.post(f"/cart/add/{listing_of(seller).pk}/", {"quantity": 1})
    buyer.post("/cart/", {"payment_method": "invoice", "delivery_1": parcel.pk, **SHIP_TO_TYPED})
    order = Order.objects.get()
    seller_page = signed_in(seller.memberships.first().user)

    refused = seller_page.post(
        f"/sales/{order.pk}/decide/", {"action": "reject", "reason": ""}, follow=True
    )
    assert f"Order {order.pk} was not changed" in refused.content.decode()
    assert Order.objects.get().status == OrderStatus.PLACED

    seller_page.post(
        f"/sales/{order.pk}/decide/", {"action": "reject", "reason": "Sold at the counter"}
    )
    assert Order.objects.get().status == OrderStatus.CANCELLED


def test_another_seller_cannot_decide_an_order(garage_buyer, other_dismantler_owner):
    InvoiceTermsFactory(organisation=garage_buyer.organisation, credit_limit=Decimal("5000"))
    seller, parcel = seller_with_shipping()
    buyer = signed_in(garage_buyer.user)
    buyer.post(f"/cart/add/{listing_of(seller).pk}/", {"quantity": 1})
    buyer.post("/cart/", {"payment_method": "invoice", "delivery_1": parcel.pk, **SHIP_TO_TYPED})

    response = signed_in(other_dismantler_owner).post(
        f"/sales/{Order.objects.get().pk}/decide/", {"action": "accept"}
    )

    assert response.status_code == 404
    assert Order.objects.get().status == OrderStatus.PLACED


def test_the_navigation_shows_each_party_its_own_pages(
    garage_buyer, outlet_staff, dismantler_owner
):
    garage = signed_in(garage_buyer.user).get("/").content
    outlet = signed_in(outlet_staff).get("/").content
    seller = signed_in(dismantler_owner).get("/").content

    assert b"Pickup console" not in garage and b">Sales<" not in garage
    assert b"Pickup console" in outlet
    assert b">Sales<" in seller

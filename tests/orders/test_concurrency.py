"""Races for stock, with real threads against PostgreSQL: one part is never sold twice, and
checkouts locking overlapping listings never deadlock."""

import random
import threading
from decimal import Decimal

import pytest
from django.db import connection, connections
from django.db.models import Sum

from catalog.models import Listing
from marketplace.errors import DomainError
from marketplace.models import OrganisationKind
from orders.models import OrderLine
from orders.parties import Buyer
from orders.services.cart import cart_line_set
from orders.services.checkout import CheckoutRequest, checkout_place
from orders.services.orders import order_accept
from tests.marketplace.factories import MembershipFactory, OrganisationFactory
from tests.orders.conftest import SHIP_TO, listing_of, seller_with_shipping
from tests.orders.factories import InvoiceTermsFactory

pytestmark = [
    pytest.mark.django_db(transaction=True),
    pytest.mark.skipif("connection.vendor != 'postgresql'", reason="row locks need PostgreSQL"),
]


def garage_buyers(count: int) -> list[Buyer]:
    buyers = []
    for _ in range(count):
        garage = OrganisationFactory(kind=OrganisationKind.GARAGE)
        InvoiceTermsFactory(organisation=garage, credit_limit=Decimal("100000"))
        buyers.append(Buyer(user=MembershipFactory(organisation=garage).user, organisation=garage))
    return buyers


def race(buyers, options_for, *, threads: int) -> tuple[list, list]:
    """Every buyer checks out its cart at the same moment; returns (placed, refused)."""
    start = threading.Barrier(threads)
    placed, refused, crashed = [], [], []

    def check_out(buyer: Buyer) -> None:
        try:
            start.wait()
            request = CheckoutRequest(
                payment_method="invoice", delivery_option_ids=options_for(buyer), ship_to=SHIP_TO
            )
            placed.append(checkout_place(buyer=buyer, request=request))
        except DomainError as error:
            refused.append(error)
        except Exception as error:  # a deadlock or a constraint breach: the test must fail
            crashed.append(error)
        finally:
            connections.close_all()

    workers = [threading.Thread(target=check_out, args=(buyer,)) for buyer in buyers]
    for worker in workers:
        worker.start()
    for worker in workers:
        worker.join()
    assert crashed == []
    return placed, refused


def test_many_buyers_racing_for_the_last_unit_leave_exactly_one_order():
    # given twenty garages, each with the same one-off alternator in its cart
    seller, parcel = seller_with_shipping()
    alternator = listing_of(seller, quantity_on_hand=1)
    buyers = garage_buyers(20)
    for buyer in buyers:
        cart_line_set(buyer=buyer, listing=alternator, quantity=1)

    # when they all check out at once
    placed, refused = race(buyers, lambda buyer: (parcel.pk,), threads=len(buyers))

    # then exactly one wins and the others are told it is gone
    assert len(placed) == 1
    assert len(refused) == 19
    assert {error.code for error in refused} == {"insufficient_stock"}
    assert OrderLine.objects.filter(listing=alternator).count() == 1


def test_overlapping_multi_seller_carts_never_oversell_and_never_deadlock():
    # given five sellers with a few units each, and buyers whose carts overlap in random order
    rng = random.Random(7)
    sellers = [seller_with_shipping() for _ in range(5)]
    listings = [
        listing_of(seller, quantity_on_hand=rng.randint(1, 3))
        for seller, _ in sellers
        for _ in range(3)
    ]
    option_of = {seller.pk: option.pk for seller, option in sellers}
    buyers = garage_buyers(16)
    carts = {}
    for buyer in buyers:
        chosen = rng.sample(listings, rng.randint(2, 5))
        for listing in chosen:
            cart_line_set(buyer=buyer, listing=listing, quantity=1)
        carts[buyer.user.pk] = tuple(
            sorted({option_of[listing.seller_organisation_id] for listing in chosen})
        )

    # when they all check out at once
    placed, refused = race(buyers, lambda buyer: carts[buyer.user.pk], threads=len(buyers))

    # then no listing's holds exceed its stock, and every buyer got an answer
    assert len(placed) + len(refused) == len(buyers)
    for listing in Listing.objects.filter(pk__in=[item.pk for item in listings]):
        held = OrderLine.objects.filter(listing=listing).aggregate(n=Sum("quantity"))["n"] or 0
        assert held <= listing.quantity_on_hand


def test_accepting_orders_concurrently_never_takes_stock_below_zero():
    # given two units held by two orders of different buyers
    seller, parcel = seller_with_shipping()
    seller_user = seller.memberships.first().user
    hub = listing_of(seller, quantity_on_hand=2)
    buyers = garage_buyers(2)
    for buyer in buyers:
        cart_line_set(buyer=buyer, listing=hub, quantity=1)
    placed, _ = race(buyers, lambda buyer: (parcel.pk,), threads=2)
    orders = [checkout.orders.get() for checkout in placed]

    # when the seller accepts both at the same moment
    start = threading.Barrier(2)
    accepted = []

    def accept(order):
        start.wait()
        accepted.append(order_accept(order=order, actor=seller_user))
        connections.close_all()

    workers = [threading.Thread(target=accept, args=(order,)) for order in orders]
    for worker in workers:
        worker.start()
    for worker in workers:
        worker.join()

    # then both are accepted and the stock is exactly used up
    hub.refresh_from_db()
    assert len(accepted) == 2
    assert hub.quantity_on_hand == 0
    assert hub.status == "sold_out"


assert connection  # the skip condition above reads it


def test_a_double_submitted_checkout_places_the_cart_once():
    # given a garage whose cart holds two parts
    seller, parcel = seller_with_shipping()
    buyer = garage_buyers(1)[0]
    for listing in (listing_of(seller, quantity_on_hand=5), listing_of(seller)):
        cart_line_set(buyer=buyer, listing=listing, quantity=1)

    # when the same submission arrives twice at once (a double click)
    placed, refused = race([buyer, buyer], lambda buyer: (parcel.pk,), threads=2)

    # then one checkout is placed and the other finds the cart already checked out
    assert len(placed) == 1
    assert [error.fields for error in refused] == [{"cart": ["The cart is empty."]}]
    assert OrderLine.objects.count() == 2

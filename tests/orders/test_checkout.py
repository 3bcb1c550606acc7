from decimal import Decimal

import pytest
from django.db import IntegrityError, connection, transaction
from django.test.utils import CaptureQueriesContext

from marketplace.errors import DomainError
from marketplace.models import OrganisationKind
from orders.models import (
    CartLine,
    Channel,
    Checkout,
    DeliveryKind,
    Order,
    OrderStatus,
    PaymentStatus,
)
from orders.parties import Buyer, ShipTo
from orders.services.cart import cart_line_set
from orders.services.checkout import CheckoutRequest, checkout_place
from orders.services.stock import InsufficientStock
from tests.marketplace.factories import MembershipFactory, OrganisationFactory
from tests.orders.conftest import (
    SHIP_TO,
    individual_seller_with_shipping,
    listing_of,
    outlet_option,
    place,
    seller_with_shipping,
)
from tests.orders.factories import DeliveryOptionFactory, InvoiceTermsFactory

pytestmark = pytest.mark.django_db


def test_checkout_splits_a_cart_across_three_sellers_into_orders_of_their_channels(
    garage_buyer, outlet_counter
):
    # given a garage with invoice terms and three sellers: a dismantler shipping, a
    # remanufacturer whose part is collected at an outlet, and a private individual
    InvoiceTermsFactory(organisation=garage_buyer.organisation, credit_limit=Decimal("5000"))
    dismantler, parcel = seller_with_shipping()
    reman, _ = seller_with_shipping(kind=OrganisationKind.REMANUFACTURER)
    private, private_parcel = individual_seller_with_shipping(price=Decimal("8.00"))
    door = listing_of(dismantler, price=Decimal("150.00"))
    starter = listing_of(reman, price=Decimal("99.00"), condition="remanufactured", grade="",
                         core_charge=Decimal("25.00"))  # fmt: skip
    mirror = listing_of(user=private, price=Decimal("20.00"))

    # when it checks out everything on card
    checkout = place(
        garage_buyer,
        {door: 1, starter: 1, mirror: 1},
        [parcel, outlet_option(reman, outlet_counter), private_parcel],
        payment_method="card",
        card_payment_method="pm_card_visa",
    )

    # then there is one order per seller, each with the channel its parties make
    orders = {o.seller_organisation or o.seller_user: o for o in checkout.orders.all()}
    assert orders[dismantler].channel == Channel.B2B
    assert orders[reman].channel == Channel.O2O
    assert orders[private].channel == Channel.C2C
    assert orders[reman].pickup_code and len(orders[reman].pickup_code) == 10
    assert orders[dismantler].total == Decimal("162.00")  # 150 + 12 shipping
    assert orders[reman].total == Decimal("124.00")  # 99 + 25 core charge, collected
    assert orders[private].total == Decimal("28.00")
    assert checkout.total == Decimal("314.00")
    for order in orders.values():
        assert order.status == OrderStatus.PLACED
        assert order.payment.status == PaymentStatus.AUTHORISED
        assert order.total == order.commission + order.seller_net


def test_checkout_refuses_the_last_unit_to_a_second_buyer_while_the_first_holds_it(
    garage_buyer, consumer
):
    seller, parcel = seller_with_shipping()
    alternator = listing_of(seller, quantity_on_hand=1)
    place(garage_buyer, {alternator: 1}, [parcel], payment_method="card",
          card_payment_method="pm_card_visa")  # fmt: skip

    with pytest.raises(InsufficientStock) as refused:
        place(consumer, {alternator: 1}, [parcel], payment_method="card",
              card_payment_method="pm_card_visa")  # fmt: skip

    assert refused.value.shortages[0].available == 0
    assert Order.objects.count() == 1


def test_checkout_refuses_invoice_over_the_remaining_credit_limit(garage_buyer):
    InvoiceTermsFactory(organisation=garage_buyer.organisation, credit_limit=Decimal("200"))
    seller, parcel = seller_with_shipping()
    place(garage_buyer, {listing_of(seller, price=Decimal("150.00")): 1}, [parcel])

    with pytest.raises(DomainError) as refused:
        place(garage_buyer, {listing_of(seller, price=Decimal("30.00")): 1}, [parcel])

    assert refused.value.code == "credit_limit_exceeded"
    assert "payment_method" in refused.value.fields
    assert Order.objects.count() == 1


def test_a_retried_checkout_with_the_same_idempotency_key_returns_the_first(garage_buyer):
    InvoiceTermsFactory(organisation=garage_buyer.organisation)
    seller, parcel = seller_with_shipping()
    first = place(garage_buyer, {listing_of(seller): 1}, [parcel], idempotency_key="k-1")

    again = place(garage_buyer, {}, [parcel], idempotency_key="k-1")

    assert again.pk == first.pk
    assert Order.objects.count() == 1


def test_checkout_of_an_empty_cart_is_refused_naming_the_cart(garage_buyer):
    seller, parcel = seller_with_shipping()
    with pytest.raises(DomainError) as refused:
        place(garage_buyer, {}, [parcel], payment_method="card", card_payment_method="pm_x")
    assert refused.value.fields == {"cart": ["The cart is empty."]}


def test_checkout_refuses_a_freight_only_part_sent_as_a_parcel(consumer):
    seller, parcel = seller_with_shipping()
    engine = listing_of(seller, size_class="freight", price=Decimal("1850.00"))
    with pytest.raises(DomainError) as refused:
        place(consumer, {engine: 1}, [parcel], payment_method="card",
              card_payment_method="pm_card_visa")  # fmt: skip
    assert "delivery_options" in refused.value.fields
    assert not Order.objects.exists()


# The address to ship to


def test_a_shipped_checkout_without_an_address_is_refused_naming_ship_to_and_writes_nothing(
    consumer,
):
    # given a private buyer with a part to be sent by parcel in its cart
    seller, parcel = seller_with_shipping()
    part = listing_of(seller)

    # when it checks out without saying where to ship it
    with pytest.raises(DomainError) as refused:
        place(consumer, {part: 1}, [parcel], payment_method="card",
              card_payment_method="pm_card_visa", ship_to=None)  # fmt: skip

    # then the refusal names the address, and nothing is written: the cart is as it was
    assert list(refused.value.fields) == ["ship_to"]
    assert not Checkout.objects.exists() and not Order.objects.exists()
    assert CartLine.objects.filter(listing=part).count() == 1


def test_an_incomplete_address_is_refused_naming_each_part_that_is_wrong(garage_buyer):
    # given a garage with an engine in its cart, to be sent by freight
    InvoiceTermsFactory(organisation=garage_buyer.organisation)
    seller, _ = seller_with_shipping()
    freight = DeliveryOptionFactory(seller_organisation=seller, kind=DeliveryKind.FREIGHT,
                                    name="Freight", price=Decimal("120.00"))  # fmt: skip
    engine = listing_of(seller, size_class="freight")
    no_city = ShipTo(name="Main Street Garage", address="1200 Main Street", city=" ", country="us")

    # when it gives an address without a city and with a country in small letters
    with pytest.raises(DomainError) as refused:
        place(garage_buyer, {engine: 1}, [freight], ship_to=no_city)

    # then both parts are named, and no order is written
    assert set(refused.value.fields) == {"ship_to.city", "ship_to.country"}
    assert not Order.objects.exists()


def test_a_collected_checkout_needs_no_address_and_its_order_has_none(garage_buyer, outlet_counter):
    InvoiceTermsFactory(organisation=garage_buyer.organisation)
    seller, _ = seller_with_shipping()

    checkout = place(garage_buyer, {listing_of(seller): 1}, [outlet_option(seller, outlet_counter)])

    order = checkout.orders.get()
    assert order.ship_to is None
    assert (order.ship_to_name, order.ship_to_city, order.ship_to_country) == ("", "", "")


def test_the_address_is_copied_onto_each_shipped_order_and_not_onto_a_collected_one(
    garage_buyer, outlet_counter
):
    # given a garage buying from two sellers who ship and one whose part it collects
    InvoiceTermsFactory(organisation=garage_buyer.organisation, credit_limit=Decimal("5000"))
    first, parcel = seller_with_shipping()
    second, second_parcel = seller_with_shipping()
    third, _ = seller_with_shipping(kind=OrganisationKind.REMANUFACTURER)
    parts = {listing_of(first): 1, listing_of(second): 1, listing_of(third): 1}
    options = [parcel, second_parcel, outlet_option(third, outlet_counter)]

    # when it checks out with one address to ship to
    checkout = place(garage_buyer, parts, options, ship_to=SHIP_TO)

    # then each shipped order keeps its own copy, and the collected one has none
    orders = {order.seller_organisation: order for order in checkout.orders.all()}
    assert orders[first].ship_to == SHIP_TO and orders[second].ship_to == SHIP_TO
    assert orders[third].ship_to is None


def test_the_database_refuses_a_shipped_order_without_an_address(garage_buyer):
    InvoiceTermsFactory(organisation=garage_buyer.organisation)
    seller, parcel = seller_with_shipping()
    order = place(garage_buyer, {listing_of(seller): 1}, [parcel]).orders.get()

    with pytest.raises(IntegrityError), transaction.atomic():
        Order.objects.filter(pk=order.pk).update(ship_to_city="")

    assert Order.objects.get(pk=order.pk).ship_to_city == SHIP_TO.city


def test_a_shipped_checkout_costs_the_same_statements_for_one_seller_and_for_three(
    garage_buyer, django_assert_num_queries
):
    # given two garages with their carts filled: one from one shipping seller, one from three
    sellers = [seller_with_shipping() for _ in range(3)]
    other_garage = OrganisationFactory(kind=OrganisationKind.GARAGE)
    one = Buyer(user=MembershipFactory(organisation=other_garage).user, organisation=other_garage)
    carts = [(one, sellers[:1]), (garage_buyer, sellers)]
    for buyer, its_sellers in carts:
        InvoiceTermsFactory(organisation=buyer.organisation, credit_limit=Decimal("5000"))
        for seller, _ in its_sellers:
            cart_line_set(buyer=buyer, listing=listing_of(seller), quantity=1)

    def check_out(buyer, its_sellers):
        options = tuple(parcel.pk for _, parcel in its_sellers)
        request = CheckoutRequest(
            payment_method="invoice", delivery_option_ids=options, ship_to=SHIP_TO
        )
        return checkout_place(buyer=buyer, request=request)

    with CaptureQueriesContext(connection) as for_one:
        check_out(*carts[0])

    # when the other checks out, then it takes no more statements than the first did
    with django_assert_num_queries(len(for_one.captured_queries)):
        checkout = check_out(*carts[1])
    assert all(order.ship_to == SHIP_TO for order in checkout.orders.all())

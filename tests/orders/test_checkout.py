from decimal import Decimal

import pytest

from marketplace.errors import DomainError
from marketplace.models import OrganisationKind
from orders.models import Channel, Order, OrderStatus, PaymentStatus
from orders.services.stock import InsufficientStock
from tests.orders.conftest import (
    individual_seller_with_shipping,
    listing_of,
    outlet_option,
    place,
    seller_with_shipping,
)
from tests.orders.factories import InvoiceTermsFactory

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

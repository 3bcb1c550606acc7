"""The pure rules of ordering: money, channels, prices, delivery, commission, transitions.
No database."""

from decimal import Decimal

import pytest

from orders import channels, pricing
from orders.models import ORDER_TRANSITIONS, Channel, DeliveryKind, OrderStatus, PaymentMethod
from orders.money import CurrencyMismatch, Money, from_minor_units, to_minor_units

USD = "USD"


def usd(amount: str) -> Money:
    return Money(Decimal(amount), USD)


def test_money_refuses_to_add_across_currencies():
    with pytest.raises(CurrencyMismatch):
        usd("1.00") + Money(Decimal("1.00"), "EUR")


def test_money_refuses_float_amounts_and_float_factors():
    with pytest.raises(TypeError):
        Money(9.99, USD)
    with pytest.raises(TypeError):
        usd("9.99") * 1.5


def test_minor_units_round_trip_and_refuse_fractions_of_a_cent():
    assert to_minor_units(usd("123.45")) == 12345
    assert from_minor_units(12345, USD) == usd("123.45")
    with pytest.raises(ValueError):
        to_minor_units(usd("0.005"))


@pytest.mark.parametrize(
    ("buyer_is_business", "seller_is_business", "delivery_kind", "channel"),
    [
        (True, True, DeliveryKind.SHIPPING, Channel.B2B),
        (False, True, DeliveryKind.SHIPPING, Channel.B2C),
        (True, False, DeliveryKind.SHIPPING, Channel.C2C),
        (False, False, DeliveryKind.YARD_COLLECTION, Channel.C2C),
        (False, True, DeliveryKind.OUTLET_COLLECTION, Channel.O2O),
        (True, True, DeliveryKind.OUTLET_COLLECTION, Channel.O2O),
        (True, True, DeliveryKind.YARD_COLLECTION, Channel.B2B),
    ],
)
def test_the_channel_follows_from_buyer_seller_and_fulfilment(
    buyer_is_business, seller_is_business, delivery_kind, channel
):
    assert (
        channels.order_channel(
            buyer_is_business=buyer_is_business,
            seller_is_business=seller_is_business,
            delivery_kind=delivery_kind,
        )
        == channel
    )


def test_invoice_is_offered_only_to_business_buyers_with_terms_buying_from_businesses():
    b2b = channels.payment_methods(channel=Channel.B2B, buyer_has_invoice_terms=True)
    c2c = channels.payment_methods(channel=Channel.C2C, buyer_has_invoice_terms=True)
    no_terms = channels.payment_methods(channel=Channel.B2B, buyer_has_invoice_terms=False)
    assert PaymentMethod.INVOICE in b2b
    assert PaymentMethod.INVOICE not in c2c
    assert no_terms == {PaymentMethod.CARD}


def test_pay_at_pickup_is_offered_only_for_outlet_collection():
    assert PaymentMethod.AT_PICKUP in channels.payment_methods(
        channel=Channel.O2O, buyer_has_invoice_terms=False
    )
    assert PaymentMethod.AT_PICKUP not in channels.payment_methods(
        channel=Channel.B2C, buyer_has_invoice_terms=False
    )


def test_tier_prices_apply_to_business_buyers_only():
    assert channels.uses_tier_prices(Channel.B2B, buyer_is_business=True)
    assert not channels.uses_tier_prices(Channel.B2C, buyer_is_business=False)
    assert not channels.uses_tier_prices(Channel.C2C, buyer_is_business=True)


TIERS = [pricing.PriceTier(5, Decimal("80.00")), pricing.PriceTier(20, Decimal("70.00"))]


@pytest.mark.parametrize(
    ("quantity", "price"),
    [(1, "89.00"), (4, "89.00"), (5, "80.00"), (19, "80.00"), (20, "70.00"), (500, "70.00")],
)
def test_the_deepest_tier_reached_sets_the_unit_price(quantity, price):
    assert pricing.unit_price(
        base_price=Decimal("89.00"), tiers=TIERS, quantity=quantity
    ) == Decimal(price)


def test_a_tier_dearer_than_the_base_price_never_applies():
    tiers = [pricing.PriceTier(5, Decimal("95.00"))]
    assert pricing.unit_price(base_price=Decimal("89.00"), tiers=tiers, quantity=5) == Decimal(
        "89.00"
    )


def line(price="50.00", quantity=1, size="small", core="0.00") -> pricing.LineTerms:
    return pricing.LineTerms(
        unit_price=usd(price), core_charge=usd(core), quantity=quantity, size_class=size
    )


def test_delivery_by_size_class_charges_for_the_largest_part():
    terms = pricing.DeliveryTerms(
        kind=DeliveryKind.SHIPPING,
        price=Decimal("10.00"),
        size_prices={"small": Decimal("6.00"), "large": Decimal("35.00")},
    )
    cost = pricing.delivery_cost(terms, [line(size="small"), line(size="large")], USD)
    assert cost == usd("35.00")


def test_delivery_is_free_from_the_threshold():
    terms = pricing.DeliveryTerms(
        kind=DeliveryKind.SHIPPING, price=Decimal("10.00"), free_over=Decimal("100.00")
    )
    assert pricing.delivery_cost(terms, [line("60.00", 2)], USD) == usd("0.00")
    assert pricing.delivery_cost(terms, [line("60.00", 1)], USD) == usd("10.00")


def test_a_freight_only_part_cannot_go_as_a_parcel():
    terms = pricing.DeliveryTerms(kind=DeliveryKind.SHIPPING, price=Decimal("10.00"))
    with pytest.raises(pricing.DeliveryNotPossible):
        pricing.delivery_cost(terms, [line(size="freight")], USD)
    freight = pricing.DeliveryTerms(kind=DeliveryKind.FREIGHT, price=Decimal("120.00"))
    assert pricing.delivery_cost(freight, [line(size="freight")], USD) == usd("120.00")


@pytest.mark.parametrize(
    ("price", "quantity", "rate", "commission"),
    [
        ("33.33", 3, "0.1200", "12.00"),  # 99.99 x 0.12 = 11.9988
        ("10.05", 1, "0.1000", "1.01"),  # 1.005 rounds half up
        ("0.01", 1, "0.0800", "0.00"),
        ("1999.99", 7, "0.0800", "1119.99"),  # 13999.93 x 0.08 = 1119.9944
    ],
)
def test_gross_divides_into_commission_and_seller_net_to_the_cent(
    price, quantity, rate, commission
):
    totals = pricing.order_totals(
        [line(price, quantity, core="25.00")],
        delivery=usd("12.50"),
        commission_rate=Decimal(rate),
    )
    assert totals.commission == usd(commission)
    assert totals.gross == totals.merchandise + totals.core_charges + totals.delivery
    assert totals.commission + totals.seller_net == totals.gross
    assert totals.gross.amount.as_tuple().exponent == -2


def test_final_order_statuses_allow_no_further_transition():
    for status in (OrderStatus.CANCELLED, OrderStatus.EXPIRED, OrderStatus.REFUNDED):
        assert ORDER_TRANSITIONS[status] == set()


def test_every_status_has_a_row_in_the_transition_table():
    assert set(ORDER_TRANSITIONS) == set(OrderStatus.values)

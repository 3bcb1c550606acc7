"""The pure rules of part returns: which reasons a channel allows when, and what is refunded.
No database."""

from decimal import Decimal

import pytest

from orders.models import Channel, RmaReason
from orders.rma_rules import (
    SELLER_AT_FAULT,
    ReturnedUnits,
    ReturnWindow,
    merchandise_of,
    reason_refused,
    restocking_fee,
    restocking_fee_applies,
    return_reasons_allowed,
    rma_refund,
)

WINDOW = ReturnWindow(seller_days=30, statutory_days=14)


@pytest.mark.parametrize("channel", [Channel.B2B, Channel.B2C, Channel.C2C, Channel.O2O])
def test_every_channel_allows_returns_for_a_fault_within_the_sellers_window(channel):
    allowed = return_reasons_allowed(channel=channel, days_since_delivery=30, window=WINDOW)
    assert allowed >= SELLER_AT_FAULT


@pytest.mark.parametrize("channel", [Channel.B2B, Channel.B2C, Channel.C2C, Channel.O2O])
def test_no_reason_is_allowed_after_the_sellers_window_has_closed(channel):
    assert return_reasons_allowed(channel=channel, days_since_delivery=31, window=WINDOW) == set()


def test_b2c_allows_a_change_of_mind_up_to_the_last_statutory_day():
    on_day_14 = return_reasons_allowed(channel=Channel.B2C, days_since_delivery=14, window=WINDOW)
    on_day_15 = return_reasons_allowed(channel=Channel.B2C, days_since_delivery=15, window=WINDOW)
    assert RmaReason.CHANGED_MIND in on_day_14
    assert RmaReason.CHANGED_MIND not in on_day_15
    assert on_day_15 >= SELLER_AT_FAULT


def test_the_statutory_period_holds_even_when_the_sellers_window_is_shorter():
    short = ReturnWindow(seller_days=7, statutory_days=14)
    allowed = return_reasons_allowed(channel=Channel.B2C, days_since_delivery=10, window=short)
    assert allowed == {RmaReason.CHANGED_MIND}


@pytest.mark.parametrize("channel", [Channel.B2B, Channel.C2C, Channel.O2O])
def test_a_change_of_mind_is_refused_outside_b2c_with_the_channel_named(channel):
    why = reason_refused(
        RmaReason.CHANGED_MIND, channel=channel, days_since_delivery=1, window=WINDOW
    )
    assert channel.upper() in why


def test_refusals_say_which_period_has_passed():
    late_change = reason_refused(
        RmaReason.CHANGED_MIND, channel=Channel.B2C, days_since_delivery=15, window=WINDOW
    )
    late_fault = reason_refused(
        RmaReason.FAULTY, channel=Channel.B2B, days_since_delivery=31, window=WINDOW
    )
    assert "14 days" in late_change
    assert "30 days" in late_fault
    assert (
        reason_refused(RmaReason.FAULTY, channel="b2b", days_since_delivery=0, window=WINDOW) == ""
    )


@pytest.mark.parametrize("reason", sorted(SELLER_AT_FAULT))
def test_no_restocking_fee_is_charged_when_the_seller_or_carrier_is_at_fault(reason):
    fee = restocking_fee(Decimal("160.00"), reason=reason, rate=Decimal("0.20"))
    refund = rma_refund(
        ReturnedUnits(quantity=2, line_quantity=2, unit_price=Decimal("80.00")), restocking_fee=fee
    )
    assert not restocking_fee_applies(reason)
    assert fee == Decimal("0.00")
    assert refund.total == Decimal("160.00")


def test_a_change_of_mind_pays_the_sellers_restocking_fee_on_the_merchandise_only():
    units = ReturnedUnits(
        quantity=1,
        line_quantity=3,
        unit_price=Decimal("89.99"),
        warranty_premium_paid=Decimal("30"),
    )
    fee = restocking_fee(merchandise_of(units), reason=RmaReason.CHANGED_MIND, rate=Decimal("0.15"))
    refund = rma_refund(units, restocking_fee=fee)
    assert refund.merchandise == Decimal("89.99")
    assert refund.warranty_premium == Decimal("10.00")
    assert refund.restocking_fee == Decimal("13.50")  # 13.4985 rounded half up
    assert refund.total == Decimal("86.49")


def test_premium_shares_never_add_up_to_more_than_the_premium_paid():
    units = ReturnedUnits(
        quantity=1,
        line_quantity=3,
        unit_price=Decimal("1.00"),
        warranty_premium_paid=Decimal("0.05"),
    )
    share = rma_refund(units, restocking_fee=Decimal("0")).warranty_premium
    assert share * 3 <= Decimal("0.05")


@pytest.mark.parametrize("quantity", [0, 4])
def test_returned_units_must_lie_within_the_line(quantity):
    with pytest.raises(ValueError):
        rma_refund(
            ReturnedUnits(quantity=quantity, line_quantity=3, unit_price=Decimal("1.00")),
            restocking_fee=Decimal("0"),
        )

"""The premium rule: the most specific rate wins, never below the minimum, half up to the cent.
Pure: no database."""

from decimal import Decimal

import pytest

from certification.premiums import (
    CoveredUnit,
    PremiumRule,
    RateRule,
    duplicate_rates,
    premium_for,
    rate_for,
)

RULE = PremiumRule(
    default_rate=Decimal("0.1500"),
    minimum=Decimal("10.00"),
    rates=(
        RateRule("remanufactured", Decimal("0.0600")),
        RateRule("remanufactured", Decimal("0.0900"), part_type="engine"),
        RateRule("recycled", Decimal("0.1000")),
        RateRule("recycled", Decimal("0.0800"), grade="A"),
        RateRule("recycled", Decimal("0.1200"), grade="B"),
        RateRule("recycled", Decimal("0.1800"), grade="C"),
        RateRule("recycled", Decimal("0.1100"), part_type="alternator"),
        RateRule("recycled", Decimal("0.0700"), grade="A", part_type="alternator"),
        RateRule("refurbished", Decimal("0.0950"), grade="B"),
    ),
)


def unit(condition: str, grade: str = "", part_type: str = "starter", value: str = "200.00"):
    return CoveredUnit(condition, grade, part_type, Decimal(value))


@pytest.mark.parametrize(
    ("condition", "grade", "part_type", "expected_rate"),
    [
        # part type + grade beats everything
        ("recycled", "A", "alternator", "0.0700"),
        # part type beats grade when no row names both
        ("recycled", "B", "alternator", "0.1100"),
        ("recycled", "C", "alternator", "0.1100"),
        # grade beats condition only
        ("recycled", "A", "starter", "0.0800"),
        ("recycled", "B", "starter", "0.1200"),
        ("recycled", "C", "starter", "0.1800"),
        # condition only when nothing narrower matches
        ("recycled", "", "starter", "0.1000"),
        ("remanufactured", "", "starter", "0.0600"),
        ("remanufactured", "", "engine", "0.0900"),
        # a grade row does not match another grade; no condition row: the plan's default
        ("refurbished", "B", "starter", "0.0950"),
        ("refurbished", "A", "starter", "0.1500"),
        ("aftermarket", "", "starter", "0.1500"),
        ("new_oem", "", "alternator", "0.1500"),
    ],
)
def test_rate_for_picks_the_most_specific_matching_rate(condition, grade, part_type, expected_rate):
    assert rate_for(RULE, unit(condition, grade, part_type)) == Decimal(expected_rate)


@pytest.mark.parametrize(
    ("condition", "grade", "part_type", "value", "expected"),
    [
        ("recycled", "A", "alternator", "200.00", "14.00"),
        ("recycled", "C", "starter", "450.00", "81.00"),
        ("remanufactured", "", "engine", "2500.00", "225.00"),
        ("aftermarket", "", "starter", "1000.00", "150.00"),
        # under the minimum: the minimum
        ("recycled", "A", "alternator", "50.00", "10.00"),
        ("remanufactured", "", "starter", "0.00", "10.00"),
    ],
)
def test_premium_is_value_times_rate_never_below_the_minimum(
    condition, grade, part_type, value, expected
):
    assert premium_for(RULE, unit(condition, grade, part_type, value)) == Decimal(expected)


def test_premium_rounds_half_up_to_the_cent():
    # given rates that land exactly on half a cent
    rule = PremiumRule(default_rate=Decimal("0.0500"), minimum=Decimal("0"))

    # then the half cent goes up: 0.05 x 12.50 = 0.625 (bankers' rounding would give 0.62)
    assert premium_for(rule, unit("recycled", value="12.50")) == Decimal("0.63")
    assert premium_for(rule, unit("recycled", value="12.70")) == Decimal("0.64")


def test_premium_is_a_decimal_with_two_places():
    premium = premium_for(RULE, unit("recycled", "B", "starter", "333.33"))

    assert isinstance(premium, Decimal)
    assert premium == Decimal("40.00")
    assert premium.as_tuple().exponent == -2


def test_a_plan_without_rates_charges_its_default_rate():
    rule = PremiumRule(default_rate=Decimal("0.2000"), minimum=Decimal("1.00"))

    assert premium_for(rule, unit("recycled", "A", "alternator", "99.99")) == Decimal("20.00")


def test_duplicate_rates_names_each_repeated_key_once_after_its_first_row():
    rates = [
        RateRule("recycled", Decimal("0.1"), grade="A"),
        RateRule("recycled", Decimal("0.2"), grade="A"),
        RateRule("recycled", Decimal("0.2"), grade="B"),
        RateRule("recycled", Decimal("0.3"), grade="A"),
    ]

    assert duplicate_rates(rates) == [rates[1], rates[3]]

"""Claim rules: what a claim may pay and when it is refused. Pure: no database."""

from datetime import date
from decimal import Decimal

import pytest

from certification.claims import (
    ClaimCosts,
    ClaimLimits,
    CoverPeriod,
    claim_refusal,
    cover_end,
    labour_amount,
    payable_amount,
)

LIMITS = ClaimLimits(
    max_per_claim=Decimal("500.00"),
    max_total=Decimal("1000.00"),
    excess=Decimal("50.00"),
    labour_covered=True,
    labour_hourly_cap=Decimal("80.00"),
)
COVER = CoverPeriod(starts_on=date(2025, 1, 15), ends_on=date(2026, 1, 15), cover_km=20000)
NOTHING = Decimal("0")


def costs(parts: str, hours: str = "0", rate: str = "0") -> ClaimCosts:
    return ClaimCosts(Decimal(parts), Decimal(hours), Decimal(rate))


@pytest.mark.parametrize(
    ("starts_on", "months", "ends_on"),
    [
        (date(2025, 1, 15), 12, date(2026, 1, 15)),
        (date(2025, 1, 31), 1, date(2025, 2, 28)),
        (date(2024, 1, 31), 1, date(2024, 2, 29)),
        (date(2025, 11, 30), 3, date(2026, 2, 28)),
        (date(2025, 3, 1), 36, date(2028, 3, 1)),
    ],
)
def test_cover_end_is_the_same_day_months_later_or_the_months_last_day(starts_on, months, ends_on):
    assert cover_end(starts_on, months) == ends_on


def test_labour_is_paid_at_the_garage_rate_up_to_the_hourly_cap():
    assert labour_amount(LIMITS, costs("0", "2", "60")) == Decimal("120.00")
    assert labour_amount(LIMITS, costs("0", "2.5", "120")) == Decimal("200.00")


def test_labour_is_not_paid_when_the_plan_does_not_cover_it():
    limits = ClaimLimits(max_per_claim=Decimal("500"), max_total=Decimal("1000"))

    assert labour_amount(limits, costs("0", "3", "90")) == Decimal("0")
    assert payable_amount(limits, costs("100", "3", "90"), NOTHING) == Decimal("100.00")


@pytest.mark.parametrize(
    ("claim", "already_paid", "payable"),
    [
        # parts 200 + labour 2 h x 80 (cap; garage asked 95) = 360, less 50 excess
        (costs("200", "2", "95"), "0", "310.00"),
        # over the per-claim maximum: 500 less the excess
        (costs("700", "1", "50"), "0", "450.00"),
        # the total limit has 300 left: 300 less the excess
        (costs("400"), "700", "250.00"),
        # the excess is more than the claim: nothing
        (costs("40"), "0", "0.00"),
        # the total limit is used up: nothing
        (costs("400"), "1000", "0.00"),
        # paid more than the total (a plan limit lowered since): still nothing, never negative
        (costs("400"), "1200", "0.00"),
    ],
)
def test_payable_amount_is_capped_by_the_limits_and_reduced_by_the_excess(
    claim, already_paid, payable
):
    assert payable_amount(LIMITS, claim, Decimal(already_paid)) == Decimal(payable)


def test_payable_amount_without_excess_pays_the_claim_in_full():
    limits = ClaimLimits(max_per_claim=Decimal("500"), max_total=Decimal("500"))

    assert payable_amount(limits, costs("123.45"), NOTHING) == Decimal("123.45")


def refusal(failed_on: date, mileage_km=None, already_paid="0"):
    return claim_refusal(
        cover=COVER,
        limits=LIMITS,
        failed_on=failed_on,
        mileage_km=mileage_km,
        already_paid=Decimal(already_paid),
    )


def test_a_failure_within_the_cover_and_limits_is_not_refused():
    assert refusal(date(2025, 6, 1), mileage_km=12000) is None
    # the last day is covered, as is the first
    assert refusal(date(2026, 1, 15)) is None
    assert refusal(date(2025, 1, 15)) is None


def test_a_failure_after_the_end_date_is_refused_naming_the_end():
    refused = refusal(date(2026, 1, 16))

    assert refused.code == "cover_expired"
    assert refused.field == "failed_on"
    assert "2026-01-15" in refused.message


def test_a_failure_before_the_cover_started_is_refused():
    assert refusal(date(2025, 1, 14)).code == "before_cover"


def test_a_mileage_over_the_distance_cover_is_refused_only_when_given():
    assert refusal(date(2025, 6, 1), mileage_km=20001).code == "over_distance_cover"
    assert refusal(date(2025, 6, 1), mileage_km=20000) is None
    assert refusal(date(2025, 6, 1), mileage_km=None) is None


def test_a_plan_without_a_distance_cover_ignores_mileage():
    cover = CoverPeriod(starts_on=COVER.starts_on, ends_on=COVER.ends_on)

    refused = claim_refusal(
        cover=cover,
        limits=LIMITS,
        failed_on=date(2025, 6, 1),
        mileage_km=900000,
        already_paid=NOTHING,
    )

    assert refused is None


def test_a_claim_on_a_policy_that_paid_its_total_limit_is_refused():
    refused = refusal(date(2025, 6, 1), already_paid="1000.00")

    assert refused.code == "total_limit_exhausted"
    assert "1000" in refused.message


def test_a_claim_is_refused_when_what_is_left_of_the_total_cannot_exceed_the_excess():
    # 50 left of the total, 50 excess: nothing could ever be paid
    assert refusal(date(2025, 6, 1), already_paid="950.00").code == "total_limit_exhausted"
    assert refusal(date(2025, 6, 1), already_paid="949.99") is None

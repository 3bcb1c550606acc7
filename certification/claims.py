"""Warranty cover and claim rules, as pure functions over values (no database).

What a claim may pay:

    claimed  = parts + labour           (labour = hours x min(garage rate, plan's hourly cap),
                                         and only when the plan covers labour)
    payable  = min(claimed, per-claim maximum, total maximum - already paid) - excess,
               floored at 0 and rounded half up to the cent

When a claim is refused outright (`claim_refusal`), in this order:

- the failure happened before the cover started or after it ended (`ends_on` is the last day
  covered; the failure date decides, not the filing date);
- the plan limits distance and the claim's mileage is over it. A policy records no odometer
  reading at sale, so "distance driven since fitting" is unknown: the rule compares the
  claim's `mileage_km` (the distance the part has run, as the holder states it) with the
  plan's `cover_km`, and only when the holder gives a mileage;
- the policy's total limit is used up: what is left of it is no more than the excess, so no
  claim could pay anything.
"""

import calendar
from dataclasses import dataclass
from datetime import date
from decimal import ROUND_HALF_UP, Decimal

from django.utils.translation import gettext as _

CENT = Decimal("0.01")
ZERO = Decimal("0.00")


def cover_end(starts_on: date, months: int) -> date:
    """The last day of a cover of `months` from `starts_on`: the same day of the month that
    many months on, or that month's last day when it is shorter (31 Jan + 1 month = 28/29 Feb)."""
    month_index = starts_on.month - 1 + months
    year, month = starts_on.year + month_index // 12, month_index % 12 + 1
    day = min(starts_on.day, calendar.monthrange(year, month)[1])
    return date(year, month, day)


@dataclass(frozen=True)
class ClaimLimits:
    """A plan's limits as they apply to one claim."""

    max_per_claim: Decimal
    max_total: Decimal
    excess: Decimal = ZERO
    labour_covered: bool = False
    labour_hourly_cap: Decimal | None = None


@dataclass(frozen=True)
class ClaimCosts:
    """What the holder asks to be paid: parts, and the garage's labour hours at its rate."""

    parts_amount: Decimal
    labour_hours: Decimal = ZERO
    labour_rate: Decimal = ZERO


@dataclass(frozen=True)
class CoverPeriod:
    starts_on: date
    ends_on: date
    cover_km: int | None = None


@dataclass(frozen=True)
class Refusal:
    """Why a claim cannot be accepted: a stable code, the input field at fault, and words."""

    code: str
    field: str
    message: str


def labour_amount(limits: ClaimLimits, costs: ClaimCosts) -> Decimal:
    if not limits.labour_covered:
        return ZERO
    rate = costs.labour_rate
    if limits.labour_hourly_cap is not None:
        rate = min(rate, limits.labour_hourly_cap)
    return (costs.labour_hours * rate).quantize(CENT, rounding=ROUND_HALF_UP)


def remaining_total(limits: ClaimLimits, already_paid: Decimal) -> Decimal:
    return max(ZERO, limits.max_total - already_paid)


def payable_amount(limits: ClaimLimits, costs: ClaimCosts, already_paid: Decimal) -> Decimal:
    """The most an insurer may approve for a claim, given what the policy has already paid."""
    claimed = costs.parts_amount + labour_amount(limits, costs)
    capped = min(claimed, limits.max_per_claim, remaining_total(limits, already_paid))
    return max(ZERO, capped - limits.excess).quantize(CENT, rounding=ROUND_HALF_UP)


def claim_refusal(
    *,
    cover: CoverPeriod,
    limits: ClaimLimits,
    failed_on: date,
    mileage_km: int | None,
    already_paid: Decimal,
) -> Refusal | None:
    """The first reason the claim cannot be accepted, or None. See the module docstring."""
    if failed_on < cover.starts_on:
        return Refusal(
            "before_cover",
            "failed_on",
            _("The cover starts on %(date)s; the failure is before it.")
            % {"date": cover.starts_on.isoformat()},
        )
    if failed_on > cover.ends_on:
        return Refusal(
            "cover_expired",
            "failed_on",
            _("The cover ended on %(date)s; the failure is after it.")
            % {"date": cover.ends_on.isoformat()},
        )
    if cover.cover_km is not None and mileage_km is not None and mileage_km > cover.cover_km:
        return Refusal(
            "over_distance_cover",
            "mileage_km",
            _("The cover is limited to %(cover_km)s km; the claim states %(mileage_km)s km.")
            % {"cover_km": cover.cover_km, "mileage_km": mileage_km},
        )
    if remaining_total(limits, already_paid) <= limits.excess:
        return Refusal(
            "total_limit_exhausted",
            "policy",
            _(
                "The policy has paid %(paid)s of its total limit of %(limit)s: "
                "what is left would not exceed the excess."
            )
            % {"paid": already_paid, "limit": limits.max_total},
        )
    return None

"""The premium rule of a warranty plan, as pure functions over values (no database).

A plan prices a unit as a rate of its covered value. Rates are keyed by condition category and
may be narrowed to a grade, a part type, or both; the most specific rate that matches applies:

    part type + grade  >  part type  >  grade  >  condition only  >  the plan's default rate

A rate row that names a grade or a part type matches only units of that grade or part type.
The premium is `max(minimum, covered value x rate)`, rounded half up to the cent.
"""

from collections.abc import Iterable
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal

CENT = Decimal("0.01")


@dataclass(frozen=True)
class RateRule:
    """One rate row: `grade` and `part_type` (a part type code) are "" for "any"."""

    condition: str
    rate: Decimal
    grade: str = ""
    part_type: str = ""

    @property
    def specificity(self) -> int:
        # A part type narrows more than a grade: an alternator's risk differs from a door's
        # far more than grade A from grade B of the same part.
        return (2 if self.part_type else 0) + (1 if self.grade else 0)

    def matches(self, unit: "CoveredUnit") -> bool:
        return (
            self.condition == unit.condition
            and self.grade in ("", unit.grade)
            and self.part_type in ("", unit.part_type)
        )


@dataclass(frozen=True)
class PremiumRule:
    """A plan's whole premium rule."""

    default_rate: Decimal
    minimum: Decimal
    rates: tuple[RateRule, ...] = ()


@dataclass(frozen=True)
class CoveredUnit:
    """What is priced: one unit's condition, grade ("" when ungraded), part type code, value."""

    condition: str
    grade: str
    part_type: str
    value: Decimal


def rate_for(rule: PremiumRule, unit: CoveredUnit) -> Decimal:
    """The most specific matching rate, else the plan's default rate."""
    matching = [rate for rate in rule.rates if rate.matches(unit)]
    if not matching:
        return rule.default_rate
    return max(matching, key=lambda rate: rate.specificity).rate


def premium_for(rule: PremiumRule, unit: CoveredUnit) -> Decimal:
    """The premium of one unit: never below the plan's minimum, to the cent, half up."""
    premium = max(rule.minimum, unit.value * rate_for(rule, unit))
    return premium.quantize(CENT, rounding=ROUND_HALF_UP)


def duplicate_rates(rates: Iterable[RateRule]) -> list[RateRule]:
    """Rate rows that repeat an earlier row's (condition, grade, part type): each key may be
    priced once, or the "most specific" choice would be ambiguous."""
    seen: set[tuple[str, str, str]] = set()
    duplicates = []
    for rate in rates:
        key = (rate.condition, rate.grade, rate.part_type)
        if key in seen:
            duplicates.append(rate)
        seen.add(key)
    return duplicates

"""Money as a value: an exact `Decimal` amount with its currency, and the one conversion to
the minor units payment providers count in."""

from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal

from django.utils.translation import gettext as _

CENT = Decimal("0.01")
# Every currency the catalog sells in has two decimal places; a currency without minor units
# would need its own exponent here, and nowhere else.
MINOR_UNIT_EXPONENT = {"USD": 2, "EUR": 2, "GBP": 2, "CAD": 2, "CNY": 2}


class CurrencyMismatch(ValueError):
    """Amounts in two currencies were combined."""


@dataclass(frozen=True, order=True)
class Money:
    amount: Decimal
    currency: str

    def __post_init__(self):
        if not isinstance(self.amount, Decimal):
            raise TypeError(f"Money needs a Decimal amount, not {type(self.amount).__name__}.")
        if self.currency not in MINOR_UNIT_EXPONENT:
            raise ValueError(_("Unknown currency '%(currency)s'.") % {"currency": self.currency})

    @classmethod
    def zero(cls, currency: str) -> "Money":
        return cls(Decimal("0.00"), currency)

    def _same_currency(self, other: "Money") -> None:
        if not isinstance(other, Money):
            raise TypeError("Money combines only with Money.")
        if other.currency != self.currency:
            raise CurrencyMismatch(
                _("Cannot combine %(currency)s with %(other)s.")
                % {"currency": self.currency, "other": other.currency}
            )

    def __add__(self, other: "Money") -> "Money":
        self._same_currency(other)
        return Money(self.amount + other.amount, self.currency)

    def __sub__(self, other: "Money") -> "Money":
        self._same_currency(other)
        return Money(self.amount - other.amount, self.currency)

    def __mul__(self, factor: int | Decimal) -> "Money":
        if isinstance(factor, float):
            raise TypeError("Money is never multiplied by a float.")
        return Money(self.amount * factor, self.currency)

    def rounded(self) -> "Money":
        """To the cent, half up, as invoices and card statements show it."""
        return Money(self.amount.quantize(CENT, rounding=ROUND_HALF_UP), self.currency)

    def __str__(self) -> str:
        return f"{self.amount:.2f} {self.currency}"


def money_sum(amounts, currency: str) -> Money:
    total = Money.zero(currency)
    for amount in amounts:
        total += amount
    return total


def to_minor_units(money: Money) -> int:
    """The integer a payment provider expects (cents for USD). Refuses fractions of a cent."""
    scaled = money.amount.scaleb(MINOR_UNIT_EXPONENT[money.currency])
    if scaled != scaled.to_integral_value():
        raise ValueError(f"{money} has a fraction of the smallest unit.")
    return int(scaled)


def from_minor_units(units: int, currency: str) -> Money:
    exponent = MINOR_UNIT_EXPONENT[currency]
    return Money(Decimal(units).scaleb(-exponent).quantize(Decimal(1).scaleb(-exponent)), currency)

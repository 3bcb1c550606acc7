"""Prices, delivery costs and commission: pure functions over `Decimal`s and small dataclasses.

Every total the marketplace shows or charges is computed here and nowhere else.
"""

from collections.abc import Sequence
from dataclasses import dataclass
from decimal import ROUND_DOWN, ROUND_HALF_UP, Decimal

from django.utils.translation import gettext as _

from orders.models.choices import COLLECTION_KINDS, DeliveryKind
from orders.money import CENT, Money, money_sum

SIZE_ORDER = ("small", "medium", "large", "freight")


@dataclass(frozen=True)
class PriceTier:
    min_quantity: int
    unit_price: Decimal


def unit_price(*, base_price: Decimal, tiers: Sequence[PriceTier], quantity: int) -> Decimal:
    """The price of one unit when buying `quantity`: the deepest tier reached, else the base.

    A tier dearer than the base price never applies: buying more never costs more per unit.
    """
    reached = [t.unit_price for t in tiers if t.min_quantity <= quantity]
    return min([base_price, *reached])


@dataclass(frozen=True)
class LineTerms:
    """One order line as pricing sees it."""

    unit_price: Money
    core_charge: Money
    quantity: int
    size_class: str
    # Warranty cover sold with the line: the premium of one unit, and who pays it.
    warranty_premium: Money | None = None
    warranty_included: bool = False

    @property
    def merchandise(self) -> Money:
        return self.unit_price * self.quantity

    @property
    def core_charges(self) -> Money:
        return self.core_charge * self.quantity

    @property
    def warranty(self) -> Money:
        if self.warranty_premium is None:
            return Money.zero(self.unit_price.currency)
        return self.warranty_premium * self.quantity


@dataclass(frozen=True)
class DeliveryTerms:
    """A seller's delivery option: a price per order, or per size class (the largest part in
    the order decides), free from a merchandise threshold."""

    kind: str
    price: Decimal
    size_prices: dict[str, Decimal] | None = None
    free_over: Decimal | None = None


class DeliveryNotPossible(ValueError):
    """The option cannot carry these lines (a freight-only part sent as a parcel)."""


def largest_size(lines: Sequence[LineTerms]) -> str:
    return max((line.size_class for line in lines), key=SIZE_ORDER.index)


def delivery_cost(terms: DeliveryTerms, lines: Sequence[LineTerms], currency: str) -> Money:
    """What the buyer pays to receive these lines with this option.

    Raises DeliveryNotPossible when a freight-only part would go as a parcel.
    """
    size = largest_size(lines)
    if terms.kind == DeliveryKind.SHIPPING and size == "freight":
        raise DeliveryNotPossible(_("Freight-only parts cannot be shipped as a parcel."))
    merchandise = money_sum((line.merchandise for line in lines), currency)
    if terms.free_over is not None and merchandise.amount >= terms.free_over:
        return Money.zero(currency)
    if terms.kind in COLLECTION_KINDS and not terms.price:
        return Money.zero(currency)
    if terms.size_prices and size in terms.size_prices:
        return Money(terms.size_prices[size], currency)
    return Money(terms.price, currency)


@dataclass(frozen=True)
class OrderTotals:
    """What one seller's order costs the buyer and how it divides between platform, insurer and
    seller, to the cent:

    gross = merchandise + core charges + delivery + the buyer's warranty premiums
          = commission + seller net + the buyer's and the seller's warranty premiums.
    """

    merchandise: Money
    core_charges: Money
    delivery: Money
    commission_rate: Decimal
    commission: Money
    seller_net: Money
    warranty_buyer: Money
    warranty_seller: Money

    @property
    def gross(self) -> Money:
        return self.merchandise + self.core_charges + self.delivery + self.warranty_buyer


def commission_on(merchandise: Money, rate: Decimal) -> Money:
    """The platform's cut: a rate of the merchandise only. Core charges are deposits that go
    back to whoever returns the core, and delivery is the seller's cost passed through."""
    return Money(
        (merchandise.amount * rate).quantize(CENT, rounding=ROUND_HALF_UP), merchandise.currency
    )


class SellerNetNegative(ValueError):
    """The premiums a seller included cost more than the order leaves it."""


def order_totals(
    lines: Sequence[LineTerms], *, delivery: Money, commission_rate: Decimal
) -> OrderTotals:
    """Raises SellerNetNegative when included warranty premiums exceed the seller's net."""
    currency = delivery.currency
    merchandise = money_sum((line.merchandise for line in lines), currency)
    core_charges = money_sum((line.core_charges for line in lines), currency)
    buyer = money_sum((t.warranty for t in lines if not t.warranty_included), currency)
    seller = money_sum((t.warranty for t in lines if t.warranty_included), currency)
    commission = commission_on(merchandise, commission_rate)
    gross = merchandise + core_charges + delivery + buyer
    seller_net = gross - commission - buyer - seller
    if seller_net.amount < 0:
        raise SellerNetNegative(
            _("The included warranty premiums (%(premiums)s) exceed the seller's net.")
            % {"premiums": seller}
        )
    return OrderTotals(
        merchandise=merchandise,
        core_charges=core_charges,
        delivery=delivery,
        commission_rate=commission_rate,
        commission=commission,
        seller_net=seller_net,
        warranty_buyer=buyer,
        warranty_seller=seller,
    )


def split_credit(amount: Decimal, totals: Sequence[Decimal]) -> list[Decimal]:
    """Share `amount` of credit across orders in proportion to their totals, to the cent; the
    cents rounding leaves over go to the largest order. No order gets more than its total.

    Raises ValueError when `amount` exceeds the sum of the totals.
    """
    whole = sum(totals, Decimal("0"))
    if amount < 0 or amount > whole:
        raise ValueError("Credit can cover at most the checkout's total.")
    if amount == 0 or whole == 0:
        return [Decimal("0.00") for _ in totals]
    shares = [(amount * total / whole).quantize(CENT, rounding=ROUND_DOWN) for total in totals]
    largest = max(range(len(totals)), key=lambda index: (totals[index], -index))
    shares[largest] += amount - sum(shares, Decimal("0"))
    return shares

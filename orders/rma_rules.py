"""The rules of returning parts for a refund (RMA). Pure functions over plain values and
`Decimal`s: no database.

Which reasons a buyer may give depends on the channel and on how long ago the part arrived:

- a fault of the part or of its delivery (wrong fitment, damaged in transit, not as
  described, faulty) may be reported on every channel within the seller's return window;
- "changed my mind" only where the channel gives the buyer that right (B2C, see
  `orders.channels.allows_changed_mind_returns`), within the statutory period, whatever the
  seller's own window says.

What an accepted return refunds: the merchandise of the returned units, plus the share of the
warranty premium the buyer paid for them (their cover ends with the sale), minus the seller's
restocking fee. The fee applies only to a change of mind: a part that does not fit, arrived
damaged, is not as described or is faulty is never charged for coming back. Delivery is not
refunded; the core deposits of the returned units come back with them
(their cores are owed no more).
"""

from dataclasses import dataclass
from decimal import ROUND_DOWN, ROUND_HALF_UP, Decimal

from django.utils.translation import gettext as _

from orders.channels import allows_changed_mind_returns
from orders.models.returns import RmaReason

CENT = Decimal("0.01")
SELLER_AT_FAULT = frozenset(
    {
        RmaReason.WRONG_FITMENT,
        RmaReason.DAMAGED_IN_TRANSIT,
        RmaReason.NOT_AS_DESCRIBED,
        RmaReason.FAULTY,
    }
)


@dataclass(frozen=True)
class ReturnWindow:
    """How long after delivery a buyer may still ask: the seller's window and the statutory
    period for a change of mind, both in days counted from the day of delivery (day 0)."""

    seller_days: int
    statutory_days: int


def return_reasons_allowed(
    *, channel: str, days_since_delivery: int, window: ReturnWindow
) -> frozenset[str]:
    """The reasons a buyer may return a part for, `days_since_delivery` days after it arrived."""
    allowed: set[str] = set()
    if 0 <= days_since_delivery <= window.seller_days:
        allowed |= SELLER_AT_FAULT
    if allows_changed_mind_returns(channel) and 0 <= days_since_delivery <= window.statutory_days:
        allowed.add(RmaReason.CHANGED_MIND)
    return frozenset(allowed)


def reason_refused(
    reason: str, *, channel: str, days_since_delivery: int, window: ReturnWindow
) -> str:
    """Why `reason` cannot be given now, in the buyer's words; "" when it can."""
    allowed = return_reasons_allowed(
        channel=channel, days_since_delivery=days_since_delivery, window=window
    )
    if reason in allowed:
        return ""
    if reason == RmaReason.CHANGED_MIND and not allows_changed_mind_returns(channel):
        return _("A %(channel)s purchase cannot be returned because you changed your mind.") % {
            "channel": channel.upper()
        }
    if reason == RmaReason.CHANGED_MIND:
        return _("A change of mind must be reported within %(days)s days of delivery.") % {
            "days": window.statutory_days
        }
    return _("The seller accepts returns within %(days)s days of delivery.") % {
        "days": window.seller_days
    }


def restocking_fee_applies(reason: str) -> bool:
    """Never for a part that does not fit or arrived damaged or faulty: only a change of mind."""
    return reason == RmaReason.CHANGED_MIND


@dataclass(frozen=True)
class RmaRefund:
    """What an accepted return gives back, in the order's currency."""

    merchandise: Decimal
    warranty_premium: Decimal
    restocking_fee: Decimal

    @property
    def total(self) -> Decimal:
        return self.merchandise + self.warranty_premium - self.restocking_fee


@dataclass(frozen=True)
class ReturnedUnits:
    """The returned units of one order line and what the buyer paid for the whole line."""

    quantity: int
    line_quantity: int
    unit_price: Decimal
    # The premium the buyer paid for the whole line's cover (0 when none, when the seller
    # included it, or when it was already refunded).
    warranty_premium_paid: Decimal = Decimal("0")


def merchandise_of(units: ReturnedUnits) -> Decimal:
    return (units.unit_price * units.quantity).quantize(CENT)


def restocking_fee(merchandise: Decimal, *, reason: str, rate: Decimal) -> Decimal:
    """The seller's fee on the returned merchandise, rounded half up as invoices show it; zero
    unless the buyer changed their mind. Fixed when the buyer asks, by the policy then published.
    """
    if not restocking_fee_applies(reason):
        return Decimal("0.00")
    return (merchandise * rate).quantize(CENT, rounding=ROUND_HALF_UP)


def rma_refund(units: ReturnedUnits, *, restocking_fee: Decimal) -> RmaRefund:
    """The refund of an accepted return, less the fee fixed at the request.

    The premium share is rounded down to the cent so that returning a line's units one by one
    never gives back more premium than was paid.
    """
    if not 0 < units.quantity <= units.line_quantity:
        raise ValueError("Returned units must be between one and the line's quantity.")
    premium = (units.warranty_premium_paid * units.quantity / units.line_quantity).quantize(
        CENT, rounding=ROUND_DOWN
    )
    return RmaRefund(
        merchandise=merchandise_of(units), warranty_premium=premium, restocking_fee=restocking_fee
    )

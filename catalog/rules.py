"""Listing rules that need no database: what a condition allows, and what a status may become.

Pure functions over plain values so they are tested without a database and shared by the API,
the feed importer and the admin.
"""

from dataclasses import dataclass
from decimal import Decimal

from django.utils.translation import gettext as _

from catalog.models.listings import GRADED_CONDITIONS, Condition

CORE_CHARGE_CONDITIONS = frozenset({Condition.REMANUFACTURED, Condition.REFURBISHED})
MAX_PRICE = Decimal("9999999999.99")


@dataclass(frozen=True)
class ListingTerms:
    """The seller-chosen terms of a listing that must agree with each other."""

    condition: str
    grade: str
    price: Decimal
    core_charge: Decimal
    quantity_on_hand: int
    warranty_days: int


def listing_terms_errors(terms: ListingTerms) -> dict[str, list[str]]:
    """Reasons, by field, why these terms cannot stand together; empty when they can."""
    errors: dict[str, list[str]] = {}

    def refuse(field: str, reason: str) -> None:
        errors.setdefault(field, []).append(reason)

    if terms.condition not in Condition.values:
        refuse(
            "condition",
            _("'%(condition)s' is not a condition category.") % {"condition": terms.condition},
        )
    if terms.grade and terms.condition not in GRADED_CONDITIONS:
        refuse("grade", _("Only recycled and refurbished parts carry a grade."))
    if terms.core_charge and terms.condition not in CORE_CHARGE_CONDITIONS:
        refuse("core_charge", _("Only remanufactured and refurbished parts carry a core charge."))
    for field in ("price", "core_charge"):
        amount = getattr(terms, field)
        if amount < 0 or amount > MAX_PRICE:
            refuse(field, _("Must be between 0 and %(max)s.") % {"max": MAX_PRICE})
        elif amount != amount.quantize(Decimal("0.01")):
            refuse(field, _("At most two decimal places."))
    if terms.quantity_on_hand < 0:
        refuse("quantity_on_hand", _("Cannot be negative."))
    if terms.warranty_days < 0:
        refuse("warranty_days", _("Cannot be negative."))
    return errors


def status_for_stock(status: str, quantity_on_hand: int) -> str:
    """An active listing with nothing on hand is sold out; a sold-out one restocked is active."""
    if status == "active" and quantity_on_hand == 0:
        return "sold_out"
    if status == "sold_out" and quantity_on_hand > 0:
        return "active"
    return status

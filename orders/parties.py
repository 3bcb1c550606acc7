"""Who buys and who sells, and where a shipped order goes, as the ordering rules see them."""

import re
from dataclasses import dataclass, fields

from django.utils.translation import gettext as _

from marketplace.errors import DomainError
from marketplace.models import Organisation, OrganisationKind, User

# The longest value each part of a ship-to address may hold (the order's columns share them).
SHIP_TO_MAX_LENGTHS = {
    "name": 120,
    "address": 300,
    "city": 100,
    "postcode": 20,
    "country": 2,
    "phone": 40,
}
COUNTRY_CODE = re.compile(r"[A-Z]{2}")  # ISO 3166-1 alpha-2


@dataclass(frozen=True)
class Buyer:
    """A user buying for an organisation (a business), or for themself (an individual)."""

    user: User
    organisation: Organisation | None = None

    @property
    def is_business(self) -> bool:
        return self.organisation is not None

    def owns(self, obj) -> bool:
        """Whether a cart, checkout or order with buyer_organisation/buyer_user is this buyer's."""
        if self.organisation is not None:
            return obj.buyer_organisation_id == self.organisation.pk
        return obj.buyer_organisation_id is None and obj.buyer_user_id == self.user.pk


@dataclass(frozen=True)
class ShipTo:
    """The address a shipped or freight order goes to, as the buyer gave it at checkout.
    `address` may hold several lines; `country` is an ISO 3166-1 alpha-2 code."""

    name: str
    address: str
    city: str
    postcode: str = ""
    country: str = "US"
    phone: str = ""

    def as_order_fields(self) -> dict[str, str]:
        """The order's `ship_to_*` columns holding this address."""
        return {f"ship_to_{part.name}": getattr(self, part.name) for part in fields(self)}


NO_SHIP_TO = {f"ship_to_{name}": "" for name in SHIP_TO_MAX_LENGTHS}


def ship_to_problems(ship_to: ShipTo) -> dict[str, str]:
    """What keeps `ship_to` from being an address a parcel can go to, by part
    ("name", "city"...); empty when it is complete."""
    missing = {
        "name": _("Give the name of the person or business to ship to."),
        "address": _("Give the street address to ship to."),
        "city": _("Give the city to ship to."),
    }
    problems = {
        part: reason for part, reason in missing.items() if not getattr(ship_to, part).strip()
    }
    if not COUNTRY_CODE.fullmatch(ship_to.country):
        problems["country"] = _("Give the country as its two capital letters, such as US.")
    for part, limit in SHIP_TO_MAX_LENGTHS.items():
        if part not in problems and len(getattr(ship_to, part)) > limit:
            problems[part] = _("At most %(limit)s characters.") % {"limit": limit}
    return problems


def ship_to_check(ship_to: ShipTo | None) -> None:
    """Raise DomainError unless `ship_to` is a complete address: naming `ship_to` when there
    is none, otherwise each part that is wrong (`ship_to.city`...)."""
    if ship_to is None:
        raise DomainError.for_field(
            "ship_to", _("Give the address to ship to: a chosen delivery is shipped.")
        )
    problems = ship_to_problems(ship_to)
    if problems:
        raise DomainError(
            _("The address to ship to is incomplete."),
            fields={f"ship_to.{part}": [reason] for part, reason in problems.items()},
        )


def seller_is_business(*, seller_organisation: Organisation | None) -> bool:
    return seller_organisation is not None and seller_organisation.kind != OrganisationKind.OUTLET

"""Demo ordering terms for `make run`: each demo seller's delivery options, and invoice terms
for the demo garage, so that orders can be placed on the embedded default (invoice and pay at
pickup need no Stripe). Idempotent: options are found by seller and name first."""

from decimal import Decimal

from django.db import transaction

from catalog.models import Location
from marketplace.models import Organisation, User
from orders.models import DeliveryKind, DeliveryOption, InvoiceTerms

PARCEL_PRICES = {
    "price": Decimal("14.00"),
    "price_small": Decimal("9.00"),
    "price_medium": Decimal("14.00"),
    "price_large": Decimal("29.00"),
    "free_over": Decimal("250.00"),
}


def _option(seller: Organisation, name: str, kind: str, **terms) -> None:
    DeliveryOption.objects.get_or_create(
        seller_organisation=seller, name=name, defaults={"kind": kind, **terms}
    )


def _seller_options(seller: Organisation, counter: Location | None) -> None:
    _option(seller, "Parcel (by size)", DeliveryKind.SHIPPING, **PARCEL_PRICES)
    _option(seller, "Freight (engines, transmissions)", DeliveryKind.FREIGHT, price=Decimal("120"))
    yard = Location.objects.filter(organisation=seller, kind="yard").first()
    if yard is not None:
        _option(
            seller, f"Collect at {yard.name}", DeliveryKind.YARD_COLLECTION, pickup_location=yard
        )
    if counter is not None:
        _option(
            seller, f"Collect at {counter.name}", DeliveryKind.OUTLET_COLLECTION,
            pickup_location=counter,
        )  # fmt: skip


def _organisation_of(username: str) -> Organisation | None:
    """Demo organisations are known by their owner's login (see catalog.demo)."""
    return Organisation.objects.filter(memberships__user__username=username).first()


@transaction.atomic
def orders_demo_load() -> None:
    counter = Location.objects.filter(
        organisation__memberships__user__username="counter", kind="outlet"
    ).first()
    for username in ("northyard", "sunbelt", "precision"):
        seller = _organisation_of(username)
        if seller is not None:
            _seller_options(seller, counter if username != "sunbelt" else None)
    sam = User.objects.filter(username="sam").first()
    if sam is not None:
        DeliveryOption.objects.get_or_create(
            seller_user=sam, name="Parcel", defaults={"kind": DeliveryKind.SHIPPING, "price": 8}
        )
    garage = _organisation_of("mainstreet")
    if garage is not None:
        InvoiceTerms.objects.get_or_create(
            organisation=garage, defaults={"credit_limit": Decimal("5000.00"), "net_days": 30}
        )

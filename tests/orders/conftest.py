"""Parties and listings of an ordering scene: a garage and a consumer buying from dismantlers,
a remanufacturer and a private seller, with an outlet to collect from."""

from decimal import Decimal

import pytest

from marketplace.models import OrganisationKind
from orders.models import SHIPPED_KINDS, DeliveryKind
from orders.parties import Buyer, ShipTo
from orders.services.cart import cart_line_set
from orders.services.checkout import CheckoutRequest, checkout_place
from tests.catalog.factories import ListingFactory, LocationFactory
from tests.marketplace.factories import MembershipFactory, OrganisationFactory, UserFactory
from tests.orders.factories import DeliveryOptionFactory, OutletLocationFactory


@pytest.fixture
def garage(db):
    return OrganisationFactory(kind=OrganisationKind.GARAGE, name="Main Street Garage")


@pytest.fixture
def garage_buyer(garage):
    user = MembershipFactory(organisation=garage).user
    return Buyer(user=user, organisation=garage)


@pytest.fixture
def consumer(db):
    return Buyer(user=UserFactory())


@pytest.fixture
def outlet(db):
    return OrganisationFactory(kind=OrganisationKind.OUTLET, name="Corner Parts Counter")


@pytest.fixture
def outlet_staff(outlet):
    return MembershipFactory(organisation=outlet).user


@pytest.fixture
def outlet_counter(outlet):
    return OutletLocationFactory(organisation=outlet)


def seller_with_shipping(kind=OrganisationKind.DISMANTLER, **option):
    seller = OrganisationFactory(kind=kind)
    MembershipFactory(organisation=seller)
    return seller, DeliveryOptionFactory(seller_organisation=seller, **option)


def listing_of(seller=None, *, user=None, **fields):
    if user is not None:
        return ListingFactory(seller_organisation=None, seller_user=user, **fields)
    return ListingFactory(seller_organisation=seller, **fields)


def individual_seller_with_shipping(**option):
    user = UserFactory()
    return user, DeliveryOptionFactory(seller_organisation=None, seller_user=user, **option)


def outlet_option(seller, counter):
    return DeliveryOptionFactory(
        seller_organisation=seller,
        kind=DeliveryKind.OUTLET_COLLECTION,
        name=f"Collect at {counter.name}",
        price=Decimal("0"),
        pickup_location=counter,
    )


def yard_option(seller):
    yard = LocationFactory(organisation=seller)
    return DeliveryOptionFactory(
        seller_organisation=seller,
        kind=DeliveryKind.YARD_COLLECTION,
        name="Collect at our yard",
        price=Decimal("0"),
        pickup_location=yard,
    )


SHIP_TO = ShipTo(
    name="Anna Berg", address="12 Elm Street", city="Evanston", postcode="60201", country="US"
)
# The same address as typed into the cart page's checkout form.
SHIP_TO_TYPED = {
    "ship_name": SHIP_TO.name,
    "ship_address": SHIP_TO.address,
    "ship_city": SHIP_TO.city,
    "ship_postcode": SHIP_TO.postcode,
    "ship_country": SHIP_TO.country,
}


def place(buyer, items, options, payment_method="invoice", **request):
    """Put `items` ({listing: quantity}) in the buyer's cart and check out; shipped to
    `SHIP_TO` when an option ships and the request names no `ship_to` (None included)."""
    if any(option.kind in SHIPPED_KINDS for option in options):
        request.setdefault("ship_to", SHIP_TO)
    for listing, quantity in items.items():
        cart_line_set(buyer=buyer, listing=listing, quantity=quantity)
    return checkout_place(
        buyer=buyer,
        request=CheckoutRequest(
            payment_method=payment_method,
            delivery_option_ids=tuple(option.pk for option in options),
            **request,
        ),
    )

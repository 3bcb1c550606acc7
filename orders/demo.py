"""Demo ordering for `make run`: each demo seller's delivery options, invoice terms for the demo
garage, so that orders can be placed on the embedded default (invoice and pay at pickup need no
Stripe), and two orders of the demo garage: one waiting for the seller, one ready at the demo
outlet with its pickup code. Idempotent: options are found by seller and name first, and the
orders are placed only while the garage has none."""

from decimal import Decimal

from django.db import transaction

from catalog.models import Listing, Location
from marketplace.models import Organisation, User
from orders.models import DeliveryKind, DeliveryOption, InvoiceTerms, Order
from orders.parties import Buyer, ShipTo
from orders.services import orders as order_services
from orders.services.cart import cart_line_set
from orders.services.checkout import CheckoutRequest, checkout_place

# Where the demo garage's parcel goes.
GARAGE_SHIP_TO = ShipTo(
    name="Main Street Garage",
    address="1200 Main Street",
    city="Evanston",
    postcode="60202",
    country="US",
    phone="+1 847 555 0142",
)
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


def _demo_order(buyer: Buyer, sku: str, delivery: str, payment_method: str) -> Order:
    listing = Listing.objects.get(seller_sku=sku)
    option = DeliveryOption.objects.get(
        seller_organisation=listing.seller_organisation, kind=delivery
    )
    cart_line_set(buyer=buyer, listing=listing, quantity=1)
    request = CheckoutRequest(
        payment_method=payment_method, delivery_option_ids=(option.pk,), ship_to=GARAGE_SHIP_TO
    )
    return checkout_place(buyer=buyer, request=request).orders.get()


def _demo_orders(garage: Organisation) -> Order | None:
    """The garage's two demo orders; returns the one ready for pickup."""
    if Order.objects.filter(buyer_organisation=garage).exists():
        return None
    buyer = Buyer(user=User.objects.get(username="mainstreet"), organisation=garage)
    _demo_order(buyer, "NY-1002", DeliveryKind.SHIPPING, "invoice")
    # A remanufactured starter: collecting it leaves a core to bring back.
    ready = _demo_order(buyer, "PR-3002", DeliveryKind.OUTLET_COLLECTION, "at_pickup")
    seller_user = User.objects.get(username="precision")
    order_services.order_accept(order=ready, actor=seller_user)
    return order_services.order_mark_ready_for_pickup(order=ready, actor=seller_user)


@transaction.atomic
def orders_demo_load() -> Order | None:
    """Returns the demo order that waits at the outlet, when this call placed it."""
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
        return _demo_orders(garage)
    return None

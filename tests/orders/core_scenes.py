"""Scenes of the core tests: a remanufactured alternator sold with a core charge, collected at an
outlet or delivered by parcel, and the accounts whose balances tell the story."""

import io
from decimal import Decimal

from django.core.files.uploadedfile import SimpleUploadedFile
from PIL import Image

from catalog.models import Condition
from orders.models import AccountKind, CoreObligation, Order
from orders.services import orders as order_services
from orders.services import pickups
from orders.services.cores import return_photo_add
from orders.services.ledger import account_balance, account_for, platform_account
from tests.orders.api_fixtures import give_invoice_terms, member_of
from tests.orders.conftest import listing_of, outlet_option, place, seller_with_shipping

CORE_CHARGE = Decimal("45.00")


def reman_alternator(seller, **fields):
    defaults = {
        "title": "Alternator, remanufactured - 2008 Ford F-150",
        "condition": Condition.REMANUFACTURED,
        "grade": "",
        "price": Decimal("180.00"),
        "core_charge": CORE_CHARGE,
        "quantity_on_hand": 5,
    }
    return listing_of(seller, **{**defaults, **fields})


def collected_at_outlet(buyer, outlet, staff, counter, *, quantity=1, **listing) -> Order:
    """The buyer orders the alternator to the outlet, pays at the counter and collects it."""
    seller, _ = seller_with_shipping(kind="remanufacturer")
    alternator = reman_alternator(seller, **listing)
    option = outlet_option(seller, counter)
    order = place(buyer, {alternator: quantity}, [option], payment_method="at_pickup").orders.get()
    order_services.order_accept(order=order, actor=member_of(seller))
    order_services.order_mark_ready_for_pickup(order=order, actor=member_of(seller))
    return pickups.pickup_collect(
        outlet=outlet, user=staff, code=order.pickup_code, collected_by="card_terminal"
    )


def delivered_by_parcel(buyer, *, quantity=1, **listing) -> Order:
    """A garage buys the alternator on invoice; it is shipped and delivered."""
    give_invoice_terms(buyer)
    seller, parcel = seller_with_shipping(kind="remanufacturer")
    alternator = reman_alternator(seller, **listing)
    order = place(buyer, {alternator: quantity}, [parcel]).orders.get()
    seller_user = member_of(seller)
    order_services.order_accept(order=order, actor=seller_user)
    order_services.order_ship(order=order, actor=seller_user, carrier="DHL", tracking_number="1")
    return order_services.order_mark_delivered(order=order, actor=seller_user)


def seller_user_of(order: Order):
    return member_of(order.seller_organisation)


def core_of(order: Order) -> CoreObligation:
    return CoreObligation.objects.get(order_line__order=order)


def buyer_credit(buyer, currency="USD") -> Decimal:
    return account_for(
        AccountKind.BUYER_CREDIT,
        currency=currency,
        organisation=buyer.organisation,
        user=buyer.user,
    ).balance


def seller_receivable(order: Order) -> Decimal:
    return account_for(
        AccountKind.SELLER_RECEIVABLE,
        currency=order.currency,
        organisation=order.seller_organisation,
    ).balance


def core_deposits(currency="USD") -> Decimal:
    return account_balance(platform_account(AccountKind.CORE_DEPOSITS, currency))


def png(name="core.png") -> SimpleUploadedFile:
    buffer = io.BytesIO()
    Image.new("RGB", (4, 4), "gray").save(buffer, format="PNG")
    return SimpleUploadedFile(name, buffer.getvalue(), content_type="image/png")


def add_photo(case, actor):
    return return_photo_add(case=case, actor=actor, image=png())

from decimal import Decimal

import pytest

from catalog.demo import demo_data_load
from catalog.models import Listing
from catalog.reference import part_types_load
from marketplace.models import Organisation, User
from orders.demo import GARAGE_SHIP_TO, orders_demo_load
from orders.models import Channel, DeliveryOption, Order, OrderStatus
from orders.parties import Buyer
from tests.orders.conftest import place

pytestmark = pytest.mark.django_db


def test_the_demo_garage_can_order_on_invoice_and_collect_at_the_outlet_without_stripe(
    settings,
):
    # given the demo data, loaded twice, and no Stripe configured
    settings.STRIPE_SECRET_KEY = ""
    part_types_load()
    demo_data_load()
    orders_demo_load()
    options_before = DeliveryOption.objects.count()
    orders_demo_load()
    assert DeliveryOption.objects.count() == options_before

    # when the garage buys from two sellers on invoice, one part collected at the outlet
    garage = Organisation.objects.get(memberships__user__username="mainstreet")
    buyer = Buyer(user=User.objects.get(username="mainstreet"), organisation=garage)
    used = Listing.objects.get(seller_sku="NY-1001")
    reman = Listing.objects.get(seller_sku="PR-3001")
    parcel = DeliveryOption.objects.get(seller_organisation=used.seller_organisation,
                                        kind="shipping")  # fmt: skip
    counter = DeliveryOption.objects.get(seller_organisation=reman.seller_organisation,
                                         kind="outlet_collection")  # fmt: skip
    checkout = place(buyer, {used: 1, reman: 1}, [parcel, counter], payment_method="invoice")

    # then there are a B2B order shipped and an O2O order with a pickup code
    channels = {order.channel: order for order in checkout.orders.all()}
    assert set(channels) == {Channel.B2B, Channel.O2O}
    assert channels[Channel.O2O].pickup_code
    assert channels[Channel.B2B].delivery_cost == Decimal("14.00")


def test_the_demo_garage_has_one_order_waiting_for_its_seller_and_one_ready_at_the_outlet(
    settings,
):
    settings.STRIPE_SECRET_KEY = ""
    part_types_load()
    demo_data_load()

    ready = orders_demo_load()
    assert orders_demo_load() is None  # loaded twice, placed once

    garage_orders = Order.objects.filter(
        buyer_organisation__memberships__user__username="mainstreet"
    )
    assert sorted(garage_orders.values_list("status", flat=True)) == [
        OrderStatus.PLACED, OrderStatus.READY_FOR_PICKUP
    ]  # fmt: skip
    assert ready.status == OrderStatus.READY_FOR_PICKUP
    assert ready.pickup_code
    shipped = garage_orders.get(status=OrderStatus.PLACED)
    assert shipped.ship_to == GARAGE_SHIP_TO and ready.ship_to is None

"""The outlet's pickup console page."""

from decimal import Decimal

import pytest
from django.test import Client

from orders.models import OrderStatus
from orders.services import orders as order_services
from tests.orders.conftest import listing_of, outlet_option, place, seller_with_shipping

pytestmark = pytest.mark.django_db
CONSOLE = "/outlet/console/"


@pytest.fixture
def ready(consumer, outlet_counter):
    seller, _ = seller_with_shipping()
    starter = listing_of(seller, title="Starter motor, 2009 Ford F-150", price=Decimal("140.00"))
    option = outlet_option(seller, outlet_counter)
    order = place(consumer, {starter: 1}, [option], payment_method="at_pickup").orders.get()
    seller_user = seller.memberships.first().user
    order_services.order_accept(order=order, actor=seller_user)
    return order_services.order_mark_ready_for_pickup(order=order, actor=seller_user)


def staff_client(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


def test_staff_find_the_order_and_see_what_to_collect(ready, outlet_staff):
    page = staff_client(outlet_staff).post(CONSOLE, {"code": ready.pickup_code.lower()})

    assert page.status_code == 200
    assert b"Starter motor, 2009 Ford F-150" in page.content
    assert b"Collect <strong>140.00 USD</strong>" in page.content


def test_a_wrong_code_is_told_next_to_the_code_field(ready, outlet_staff):
    page = staff_client(outlet_staff).post(CONSOLE, {"code": "WRONGCODE1"})

    assert page.status_code == 400
    assert page.context["form"].errors["code"] == ["No order at this outlet has that pickup code."]


def test_handing_over_a_pay_at_pickup_order_needs_the_payment_method(ready, outlet_staff):
    client = staff_client(outlet_staff)

    refused = client.post(CONSOLE, {"code": ready.pickup_code, "action": "collect"})
    collected = client.post(
        CONSOLE, {"code": ready.pickup_code, "action": "collect", "collected_by": "cash"}
    )

    assert "collected_by" in refused.context["form"].errors
    assert collected.context["order"].status == OrderStatus.COLLECTED


def test_the_console_is_only_for_outlet_staff(ready, consumer):
    assert staff_client(consumer.user).get(CONSOLE).status_code == 403
    assert Client().get(CONSOLE).status_code == 302  # to sign in

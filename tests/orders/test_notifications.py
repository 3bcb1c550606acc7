"""Emails on the events a buyer or seller expects, sent by Celery tasks after the commit."""

import time
from decimal import Decimal

import pytest
from django.core import mail

from orders.notifications import order_notify
from orders.services import orders as order_services
from tests.orders.conftest import listing_of, outlet_option, place, seller_with_shipping
from tests.orders.factories import InvoiceTermsFactory


@pytest.mark.django_db
def test_placing_an_order_tells_the_seller_once_the_checkout_commits(
    garage_buyer, django_capture_on_commit_callbacks
):
    InvoiceTermsFactory(organisation=garage_buyer.organisation)
    seller, parcel = seller_with_shipping()
    with django_capture_on_commit_callbacks() as callbacks:
        order = place(garage_buyer, {listing_of(seller): 1}, [parcel]).orders.get()

    assert len(callbacks) >= 1
    assert order_notify(order_id=order.pk, event="placed") == 1
    seller_email = seller.memberships.first().user.email
    assert mail.outbox[-1].to == [seller_email]
    assert f"New order {order.pk}" in mail.outbox[-1].subject


@pytest.mark.django_db
def test_the_buyer_is_sent_the_pickup_code_when_the_part_is_ready(consumer, outlet_counter):
    seller, _ = seller_with_shipping()
    option = outlet_option(seller, outlet_counter)
    order = place(consumer, {listing_of(seller): 1}, [option], payment_method="at_pickup")
    order = order.orders.get()
    seller_user = seller.memberships.first().user
    order_services.order_accept(order=order, actor=seller_user)
    order_services.order_mark_ready_for_pickup(order=order, actor=seller_user)

    assert order_notify(order_id=order.pk, event="ready_for_pickup") == 1
    assert mail.outbox[-1].to == [consumer.user.email]
    assert order.pickup_code in mail.outbox[-1].body


@pytest.mark.django_db
def test_a_notification_for_an_order_that_no_longer_exists_sends_nothing():
    assert order_notify(order_id=987654, event="placed") == 0


@pytest.mark.django_db(transaction=True)
def test_a_real_worker_emails_the_seller_after_checkout(garage_buyer, settings):
    """The production path: the checkout commits, the task goes through Redis, a worker sends."""
    if not settings.CELERY_BROKER_URL:
        pytest.skip("needs a broker at CELERY_BROKER_URL (`make test` sets one)")
    from celery.contrib.testing.worker import start_worker

    from marketplace.celery import app

    InvoiceTermsFactory(organisation=garage_buyer.organisation, credit_limit=Decimal("900"))
    seller, parcel = seller_with_shipping()
    seller_email = seller.memberships.first().user.email
    with start_worker(app, pool="solo", perform_ping_check=False, shutdown_timeout=30):
        place(garage_buyer, {listing_of(seller): 1}, [parcel])
        deadline = time.monotonic() + 30
        while time.monotonic() < deadline and not any(
            seller_email in message.to for message in mail.outbox
        ):
            time.sleep(0.1)

    assert any(seller_email in message.to for message in mail.outbox)

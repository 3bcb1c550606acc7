"""An order's life: every forbidden transition refused with nothing changed, B2B terms,
holds that lapse by time alone, and the sweep that tidies after deadlines."""

from datetime import timedelta
from decimal import Decimal

import pytest
from django.db import transaction
from django.utils import timezone

from catalog.models import ListingPriceTier
from marketplace.errors import Conflict, DomainError, TransitionNotAllowed
from orders.models import (
    ORDER_TRANSITIONS,
    Order,
    OrderEvent,
    OrderStatus,
    Payment,
    PaymentStatus,
)
from orders.services import orders as order_services
from orders.services.stock import InsufficientStock
from orders.services.sweeps import orders_sweep
from orders.services.transitions import lock_order, move
from tests.orders.conftest import listing_of, place, seller_with_shipping
from tests.orders.factories import InvoiceTermsFactory

pytestmark = pytest.mark.django_db

FORBIDDEN = [
    (from_status, to_status)
    for from_status in OrderStatus.values
    for to_status in OrderStatus.values
    if to_status not in ORDER_TRANSITIONS[from_status]
]


@pytest.fixture
def invoice_order(garage_buyer):
    InvoiceTermsFactory(organisation=garage_buyer.organisation, credit_limit=Decimal("5000"))
    seller, parcel = seller_with_shipping()
    listing = listing_of(seller, quantity_on_hand=3, price=Decimal("100.00"))
    checkout = place(garage_buyer, {listing: 2}, [parcel], po_number="PO-7781")
    return checkout.orders.get()


@pytest.mark.parametrize(("from_status", "to_status"), FORBIDDEN)
def test_every_forbidden_transition_is_refused_and_changes_nothing(
    invoice_order, from_status, to_status
):
    Order.objects.filter(pk=invoice_order.pk).update(status=from_status)
    events_before = OrderEvent.objects.count()

    with pytest.raises(TransitionNotAllowed) as refused, transaction.atomic():
        move(lock_order(invoice_order.pk), to_status)

    assert refused.value.status == 409
    assert Order.objects.get(pk=invoice_order.pk).status == from_status
    assert OrderEvent.objects.count() == events_before


def test_services_refuse_steps_out_of_order(invoice_order):
    seller_user = invoice_order.seller_organisation.memberships.first().user
    with pytest.raises(TransitionNotAllowed):
        order_services.order_mark_delivered(order=invoice_order, actor=seller_user)
    order_services.order_cancel_by_buyer(order=invoice_order, actor=invoice_order.buyer_user)
    with pytest.raises(TransitionNotAllowed):
        order_services.order_accept(order=invoice_order, actor=seller_user)
    assert Order.objects.get(pk=invoice_order.pk).status == OrderStatus.CANCELLED


def test_b2b_order_takes_tier_prices_the_po_number_and_invoice_terms(garage_buyer):
    # given a garage with 30-day terms and a listing priced 89, or 80 from 5 units
    InvoiceTermsFactory(organisation=garage_buyer.organisation, credit_limit=Decimal("5000"))
    seller, parcel = seller_with_shipping(free_over=Decimal("300"))
    pads = listing_of(seller, quantity_on_hand=10, price=Decimal("89.00"))
    ListingPriceTier.objects.create(listing=pads, min_quantity=5, unit_price=Decimal("80.00"))

    # when it buys 5 on invoice and the seller accepts
    order = place(garage_buyer, {pads: 5}, [parcel], po_number="PO-1001").orders.get()
    seller_user = seller.memberships.first().user
    order = order_services.order_accept(order=order, actor=seller_user)

    # then the tier price, the PO number and a due date 30 days out are on the order
    line = order.lines.get()
    assert line.unit_price == Decimal("80.00")
    assert order.merchandise == Decimal("400.00")
    assert order.delivery_cost == Decimal("0.00")  # over the free-shipping threshold
    assert order.po_number == "PO-1001"
    payment = order.payment
    payment.refresh_from_db()
    assert payment.status == PaymentStatus.PENDING
    due_in = payment.due_at - timezone.now()
    assert timedelta(days=29) < due_in <= timedelta(days=30)
    pads.refresh_from_db()
    assert pads.quantity_on_hand == 5


def test_a_consumer_pays_list_price_whatever_the_quantity(consumer):
    seller, parcel = seller_with_shipping()
    pads = listing_of(seller, quantity_on_hand=10, price=Decimal("89.00"))
    ListingPriceTier.objects.create(listing=pads, min_quantity=5, unit_price=Decimal("80.00"))

    order = place(
        consumer, {pads: 5}, [parcel], payment_method="card", card_payment_method="pm_card_visa"
    ).orders.get()

    assert order.lines.get().unit_price == Decimal("89.00")


def test_a_hold_lapses_at_the_acceptance_deadline_without_any_job(garage_buyer, consumer):
    # given an order holding the only unit, whose seller did not answer in time
    order = _invoice_checkout(garage_buyer)
    listing = order.lines.get().listing
    Order.objects.filter(pk=order.pk).update(accept_by=timezone.now() - timedelta(seconds=1))
    order.lines.update(reserved_until=timezone.now() - timedelta(seconds=1))

    # when another buyer checks the part out, before any sweep has run
    seller_option = order.delivery_option
    second = place(
        consumer, {listing: 1}, [seller_option], payment_method="card",
        card_payment_method="pm_card_visa",
    )  # fmt: skip

    # then it gets the part, and the late seller can no longer accept the first order
    assert second.orders.get().status == OrderStatus.PLACED
    with pytest.raises(Conflict):
        order_services.order_accept(order=order, actor=None)


def test_the_sweep_expires_unanswered_orders_and_voids_their_invoices(garage_buyer):
    order = _invoice_checkout(garage_buyer)
    Order.objects.filter(pk=order.pk).update(accept_by=timezone.now() - timedelta(minutes=1))

    done = orders_sweep()
    again = orders_sweep()

    order.refresh_from_db()
    assert done["expired"] == 1 and again["expired"] == 0
    assert order.status == OrderStatus.EXPIRED
    assert order.payment.status == PaymentStatus.VOIDED
    assert order.lines.get().reserved_until is None
    assert order.events.last().reason == "The seller did not answer in time."


def test_accepting_when_another_order_took_the_lapsed_stock_is_refused(garage_buyer, consumer):
    order = _invoice_checkout(garage_buyer)
    listing = order.lines.get().listing
    order.lines.update(reserved_until=timezone.now() - timedelta(seconds=1))
    place(consumer, {listing: 1}, [order.delivery_option], payment_method="card",
          card_payment_method="pm_card_visa")  # fmt: skip

    with pytest.raises(InsufficientStock):
        order_services.order_accept(order=order, actor=None)
    assert Order.objects.get(pk=order.pk).status == OrderStatus.PLACED


def _invoice_checkout(buyer) -> Order:
    InvoiceTermsFactory(organisation=buyer.organisation, credit_limit=Decimal("5000"))
    seller, parcel = seller_with_shipping()
    listing = listing_of(seller, quantity_on_hand=1)
    return place(buyer, {listing: 1}, [parcel]).orders.get()


def test_card_checkout_is_refused_before_anything_is_written_when_stripe_is_not_set_up(
    consumer, settings
):
    settings.STRIPE_SECRET_KEY = ""
    seller, parcel = seller_with_shipping()

    with pytest.raises(DomainError) as refused:
        place(consumer, {listing_of(seller): 1}, [parcel], payment_method="card",
              card_payment_method="pm_card_visa")  # fmt: skip

    assert "payment_method" in refused.value.fields
    assert not Order.objects.exists()


def test_card_checkout_needs_the_cards_payment_method(consumer):
    seller, parcel = seller_with_shipping()
    with pytest.raises(DomainError) as refused:
        place(consumer, {listing_of(seller): 1}, [parcel], payment_method="card")
    assert "card_payment_method" in refused.value.fields
    assert not Order.objects.exists()


def test_a_card_order_whose_authorisation_never_came_back_cannot_be_accepted_and_is_swept(
    consumer,
):
    # given a card order whose payment is still pending long after checkout
    seller, parcel = seller_with_shipping()
    listing = listing_of(seller)
    order = place(consumer, {listing: 1}, [parcel], payment_method="card",
                  card_payment_method="pm_card_visa").orders.get()  # fmt: skip
    Payment.objects.filter(order=order).update(status=PaymentStatus.PENDING)
    Order.objects.filter(pk=order.pk).update(placed_at=timezone.now() - timedelta(hours=1))

    # then the seller cannot accept it, and the sweep cancels it and frees the stock
    with pytest.raises(Conflict):
        order_services.order_accept(order=order, actor=None)
    assert orders_sweep()["cancelled"] == 1
    order.refresh_from_db()
    assert order.status == OrderStatus.CANCELLED
    assert order.lines.get().reserved_until is None


def test_an_accepted_order_is_cancelled_not_rejected_and_its_stock_comes_back(invoice_order):
    seller_user = invoice_order.seller_organisation.memberships.first().user
    order_services.order_accept(order=invoice_order, actor=seller_user)
    listing = invoice_order.lines.get().listing
    listing.refresh_from_db()
    assert listing.quantity_on_hand == 1

    with pytest.raises(Conflict):
        order_services.order_reject(
            order=Order.objects.get(pk=invoice_order.pk), actor=seller_user, reason="Damaged"
        )
    order_services.order_cancel(order=invoice_order, actor=seller_user, reason="Damaged")

    listing.refresh_from_db()
    assert listing.quantity_on_hand == 3
    assert Order.objects.get(pk=invoice_order.pk).payment.status == PaymentStatus.VOIDED

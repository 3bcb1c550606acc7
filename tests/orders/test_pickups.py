"""O2O: collection at an outlet by pickup code, wrong-code lockout, pay at pickup, expiry."""

from datetime import timedelta
from decimal import Decimal

import pytest
from django.utils import timezone

from marketplace.errors import Conflict, DomainError, TransitionNotAllowed
from orders.models import Order, OrderStatus, PaymentStatus, PickupLockout
from orders.services import orders as order_services
from orders.services import pickups
from orders.services.sweeps import orders_sweep
from tests.marketplace.factories import MembershipFactory, OrganisationFactory
from tests.orders.conftest import listing_of, outlet_option, place, seller_with_shipping

pytestmark = pytest.mark.django_db


@pytest.fixture
def ready_order(consumer, outlet_counter):
    """A consumer's starter, paid at pickup, waiting at the outlet's counter."""
    seller, _ = seller_with_shipping()
    starter = listing_of(seller, quantity_on_hand=1, price=Decimal("140.00"))
    option = outlet_option(seller, outlet_counter)
    order = place(consumer, {starter: 1}, [option], payment_method="at_pickup").orders.get()
    seller_user = seller.memberships.first().user
    order_services.order_accept(order=order, actor=seller_user)
    return order_services.order_mark_ready_for_pickup(order=order, actor=seller_user)


def test_outlet_staff_find_the_order_by_its_code_however_it_is_typed(
    ready_order, outlet, outlet_staff
):
    typed = f" {ready_order.pickup_code[:5].lower()}-{ready_order.pickup_code[5:]} "
    found = pickups.pickup_find(outlet=outlet, user=outlet_staff, code=typed)
    assert found.pk == ready_order.pk


def test_collecting_records_the_payment_taken_at_the_counter_and_the_code_is_spent(
    ready_order, outlet, outlet_staff
):
    order = pickups.pickup_collect(
        outlet=outlet, user=outlet_staff, code=ready_order.pickup_code, collected_by="cash"
    )

    assert order.status == OrderStatus.COLLECTED
    assert order.payable_at is not None
    order.payment.refresh_from_db()
    assert order.payment.status == PaymentStatus.PAID
    assert order.payment.collected_by == "cash"
    with pytest.raises(TransitionNotAllowed):
        pickups.pickup_collect(
            outlet=outlet, user=outlet_staff, code=ready_order.pickup_code, collected_by="cash"
        )


def test_pay_at_pickup_needs_to_know_how_the_buyer_paid(ready_order, outlet, outlet_staff):
    with pytest.raises(DomainError) as refused:
        pickups.pickup_collect(outlet=outlet, user=outlet_staff, code=ready_order.pickup_code)
    assert "collected_by" in refused.value.fields
    assert Order.objects.get(pk=ready_order.pk).status == OrderStatus.READY_FOR_PICKUP


def test_another_outlet_cannot_find_the_order_even_with_the_right_code(ready_order):
    other = OrganisationFactory(kind="outlet")
    staff = MembershipFactory(organisation=other).user
    with pytest.raises(pickups.PickupCodeNotFound):
        pickups.pickup_find(outlet=other, user=staff, code=ready_order.pickup_code)


def test_repeated_wrong_codes_lock_the_staff_member_out_even_with_the_right_code(
    ready_order, outlet, outlet_staff, settings
):
    for attempt in range(settings.ORDERS_PICKUP_MAX_FAILURES):
        with pytest.raises(pickups.PickupCodeNotFound):
            pickups.pickup_find(outlet=outlet, user=outlet_staff, code=f"WRONG{attempt}")

    with pytest.raises(pickups.PickupLockedOut) as locked:
        pickups.pickup_find(outlet=outlet, user=outlet_staff, code=ready_order.pickup_code)

    assert locked.value.status == 429
    colleague = MembershipFactory(organisation=outlet).user
    assert pickups.pickup_find(outlet=outlet, user=colleague, code=ready_order.pickup_code)


def test_the_lockout_ends_after_its_time(ready_order, outlet, outlet_staff, settings):
    for attempt in range(settings.ORDERS_PICKUP_MAX_FAILURES):
        with pytest.raises(pickups.PickupCodeNotFound):
            pickups.pickup_find(outlet=outlet, user=outlet_staff, code=f"WRONG{attempt}")
    PickupLockout.objects.update(locked_until=timezone.now() - timedelta(seconds=1))

    assert pickups.pickup_find(outlet=outlet, user=outlet_staff, code=ready_order.pickup_code)


def test_a_refused_part_goes_back_on_the_sellers_shelf(ready_order, outlet, outlet_staff):
    listing = ready_order.lines.get().listing
    listing.refresh_from_db()
    assert listing.quantity_on_hand == 0

    order = pickups.pickup_refuse(
        outlet=outlet, user=outlet_staff, code=ready_order.pickup_code, reason="Wrong connector"
    )

    listing.refresh_from_db()
    assert order.status == OrderStatus.CANCELLED
    assert listing.quantity_on_hand == 1 and listing.status == "active"
    order.payment.refresh_from_db()
    assert order.payment.status == PaymentStatus.VOIDED


def test_an_uncollected_order_expires_and_its_stock_comes_back(ready_order, outlet, outlet_staff):
    Order.objects.filter(pk=ready_order.pk).update(
        pickup_expires_at=timezone.now() - timedelta(minutes=1)
    )

    assert orders_sweep()["expired"] == 1

    order = Order.objects.get(pk=ready_order.pk)
    listing = order.lines.get().listing
    assert order.status == OrderStatus.EXPIRED
    assert listing.quantity_on_hand == 1
    assert order.payment.status == PaymentStatus.VOIDED
    with pytest.raises(TransitionNotAllowed):
        pickups.pickup_collect(
            outlet=outlet, user=outlet_staff, code=ready_order.pickup_code, collected_by="cash"
        )


def test_refusing_an_order_that_is_not_at_the_counter_is_a_conflict(
    consumer, outlet, outlet_staff, outlet_counter
):
    seller, _ = seller_with_shipping()
    option = outlet_option(seller, outlet_counter)
    order = place(
        consumer, {listing_of(seller): 1}, [option], payment_method="at_pickup"
    ).orders.get()
    with pytest.raises(Conflict):
        pickups.pickup_refuse(outlet=outlet, user=outlet_staff, code=order.pickup_code, reason="x")

"""Core charges after the sale: cores owed on delivery, returned through an outlet or by post,
inspected by the rubric and credited once, or forfeited to the seller after the deadline."""

import threading
from datetime import timedelta
from decimal import Decimal

import pytest
from django.db import connection, connections  # noqa: F401 (connection: skipif)
from django.utils import timezone

from marketplace.errors import Conflict, DomainError, NotPermitted, TransitionNotAllowed
from orders.models import (
    CoreObligation,
    CoreStatus,
    LedgerTransaction,
    ReturnStatus,
    SellerReturnPolicy,
)
from orders.services import cores, pickups, returns
from orders.services import orders as order_services
from orders.services.ledger import account_for, balance_from_entries
from orders.services.returns import RETURN_CODE_ALPHABET
from orders.services.sweeps import orders_sweep
from tests.marketplace.factories import MembershipFactory, OrganisationFactory
from tests.orders.conftest import listing_of, place, seller_with_shipping
from tests.orders.core_scenes import (
    CORE_CHARGE,
    add_photo,
    buyer_credit,
    collected_at_outlet,
    core_deposits,
    core_of,
    delivered_by_parcel,
    seller_receivable,
    seller_user_of,
)
from tests.orders.factories import OutletLocationFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def collected(consumer, outlet, outlet_staff, outlet_counter):
    return collected_at_outlet(consumer, outlet, outlet_staff, outlet_counter)


@pytest.fixture
def received(collected, consumer, outlet, outlet_staff):
    """The consumer's core, dropped at the outlet and received by the seller."""
    case = cores.core_return_open(obligation=core_of(collected), actor=consumer.user)
    returns.return_drop_off(outlet=outlet, user=outlet_staff, code=case.code)
    return returns.return_receive(case=case, actor=seller_user_of(collected))


def past_due(order, days=1):
    CoreObligation.objects.filter(order_line__order=order).update(
        due_on=timezone.localdate() - timedelta(days=days)
    )


# The whole story


def test_a_reman_alternators_core_dropped_at_an_outlet_is_credited_in_full_with_balances_right(
    consumer, outlet, outlet_staff, outlet_counter
):
    deposits_before = core_deposits()

    # given a consumer who bought a remanufactured alternator with a core charge, paid at the
    # outlet's counter and collected it
    order = collected_at_outlet(consumer, outlet, outlet_staff, outlet_counter)
    assert order.core_charges == CORE_CHARGE and order.payment.status == "paid"

    # then one core is owed to the seller, due 30 days from collection, and no credit yet
    core = core_of(order)
    assert core.status == CoreStatus.OWED and core.deposit == CORE_CHARGE
    assert core.due_on == timezone.localdate() + timedelta(days=30)
    assert buyer_credit(consumer) == 0 and core_deposits() == deposits_before

    # when the buyer opens the return: a code to print, the core on its way back
    case = cores.core_return_open(obligation=core, actor=consumer.user)
    assert len(case.code) == 10 and set(case.code) <= set(RETURN_CODE_ALPHABET)
    assert case.status == ReturnStatus.AWAITING_RETURN
    core.refresh_from_db()
    assert core.status == CoreStatus.RETURNING and core.return_case_id == case.pk

    # when the outlet's staff take it over the counter by code, and the seller receives it
    case = returns.return_drop_off(outlet=outlet, user=outlet_staff, code=case.code.lower())
    assert case.status == ReturnStatus.DROPPED_OFF
    assert case.drop_off_location == outlet_counter
    assert buyer_credit(consumer) == 0
    case = returns.return_receive(case=case, actor=seller_user_of(order))
    assert buyer_credit(consumer) == 0 and core_deposits() == deposits_before

    # when the seller inspects it and finds nothing wrong
    case = cores.core_inspect(case=case, actor=seller_user_of(order), findings=[])

    # then the whole deposit is the buyer's credit, drawn from the core deposits
    assert case.status == ReturnStatus.ACCEPTED and case.payout_amount == CORE_CHARGE
    core.refresh_from_db()
    assert core.status == CoreStatus.CREDITED and core.credited_amount == CORE_CHARGE
    assert buyer_credit(consumer) == CORE_CHARGE
    assert core_deposits() == deposits_before - CORE_CHARGE
    assert seller_receivable(order) == 0
    credit = account_for("buyer_credit", currency="USD", user=consumer.user)
    assert balance_from_entries(credit) == credit.balance  # the cached balance is the sum
    assert [(e.from_status, e.to_status) for e in case.events.all()] == [
        ("", "awaiting_return"),
        ("awaiting_return", "dropped_off"),
        ("dropped_off", "received"),
        ("received", "accepted"),
    ]


def test_every_sold_unit_owes_a_core_due_by_the_listings_deadline_and_only_once(garage_buyer):
    order = delivered_by_parcel(garage_buyer, quantity=2, core_return_days=10)

    owed = CoreObligation.objects.filter(order_line__order=order).order_by("unit")
    assert [core.unit for core in owed] == [1, 2]
    assert {core.due_on for core in owed} == {timezone.localdate() + timedelta(days=10)}
    assert owed[0].buyer_organisation == garage_buyer.organisation
    assert cores.cores_create_for_order(order, delivered_on=timezone.localdate()) == 0
    assert CoreObligation.objects.filter(order_line__order=order).count() == 2


def test_a_part_without_a_core_charge_owes_no_core(garage_buyer):
    order = delivered_by_parcel(garage_buyer, core_charge=Decimal("0"))

    assert not CoreObligation.objects.filter(order_line__order=order).exists()


def test_a_core_shipped_by_post_is_received_and_credited_to_the_garage(garage_buyer):
    order = delivered_by_parcel(garage_buyer)
    case = cores.core_return_open(obligation=core_of(order), actor=garage_buyer.user)

    returns.return_ship(case=case, actor=garage_buyer.user, carrier="UPS", tracking_number="1Z9")
    case = returns.return_receive(case=case, actor=seller_user_of(order))
    cores.core_inspect(case=case, actor=seller_user_of(order), findings=[])

    assert buyer_credit(garage_buyer) == CORE_CHARGE


# Partial credit and rejection


def test_a_damaged_casing_credits_three_quarters_and_the_rest_goes_to_the_seller(
    received, consumer
):
    order = received.order_line.order
    seller = seller_user_of(order)
    deposits_before = core_deposits()
    add_photo(received, seller)

    case = cores.core_inspect(
        case=received, actor=seller, findings=["damaged_casing"], notes="Dented at the mount."
    )

    assert case.status == ReturnStatus.PARTIALLY_ACCEPTED
    assert case.findings == ["damaged_casing"] and case.payout_amount == Decimal("33.75")
    assert buyer_credit(consumer) == Decimal("33.75")
    assert seller_receivable(order) == Decimal("11.25")
    assert core_deposits() == deposits_before - CORE_CHARGE
    assert core_of(order).credited_amount == Decimal("33.75")


def test_findings_need_a_photo_and_nothing_is_written_without_one(received, consumer):
    with pytest.raises(DomainError) as refused:
        cores.core_inspect(
            case=received, actor=seller_user_of(received.order_line.order), findings=["seized"]
        )

    assert "photos" in refused.value.fields
    received.refresh_from_db()
    assert received.status == ReturnStatus.RECEIVED and buyer_credit(consumer) == 0


def test_an_unknown_finding_is_a_field_error(received):
    with pytest.raises(DomainError) as refused:
        seller = seller_user_of(received.order_line.order)
        cores.core_inspect(case=received, actor=seller, findings=["dusty"])

    assert "findings" in refused.value.fields


def test_a_rejected_core_credits_nothing_and_the_buyer_may_send_another(
    received, consumer, outlet, outlet_staff
):
    order = received.order_line.order
    add_photo(received, seller_user_of(order))

    case = cores.core_inspect(
        case=received, actor=seller_user_of(order), findings=["wrong_part"], notes="A starter."
    )

    assert case.status == ReturnStatus.REJECTED and case.payout_amount == 0
    core = core_of(order)
    assert core.status == CoreStatus.REJECTED and buyer_credit(consumer) == 0
    second = cores.core_return_open(obligation=core, actor=consumer.user)
    assert second.pk != case.pk and second.code != case.code
    returns.return_drop_off(outlet=outlet, user=outlet_staff, code=second.code)
    returns.return_receive(case=second, actor=seller_user_of(order))
    cores.core_inspect(case=second, actor=seller_user_of(order), findings=[])
    assert buyer_credit(consumer) == CORE_CHARGE


# Credited once


def test_the_same_acceptance_submitted_twice_credits_the_core_once(received, consumer):
    seller = seller_user_of(received.order_line.order)

    first = cores.core_inspect(case=received, actor=seller, findings=[])
    again = cores.core_inspect(case=received, actor=seller, findings=[])

    assert first.pk == again.pk and again.status == ReturnStatus.ACCEPTED
    assert buyer_credit(consumer) == CORE_CHARGE
    key = f"core_return:{received.pk}:credited"
    assert LedgerTransaction.objects.filter(idempotency_key=key).count() == 1
    assert received.events.filter(to_status="accepted").count() == 1


def test_a_different_verdict_after_the_inspection_is_refused(received, consumer):
    seller = seller_user_of(received.order_line.order)
    cores.core_inspect(case=received, actor=seller, findings=[])
    with pytest.raises(Conflict):
        add_photo(received, seller)  # the inspection is over

    with pytest.raises(TransitionNotAllowed):
        cores.core_inspect(case=received, actor=seller, findings=["seized"])

    assert buyer_credit(consumer) == CORE_CHARGE


def test_a_core_cannot_be_inspected_before_the_seller_has_it(collected, consumer):
    case = cores.core_return_open(obligation=core_of(collected), actor=consumer.user)

    with pytest.raises(TransitionNotAllowed):
        cores.core_inspect(case=case, actor=seller_user_of(collected), findings=[])


def test_opening_the_return_twice_gives_the_same_case(collected, consumer):
    first = cores.core_return_open(obligation=core_of(collected), actor=consumer.user)
    again = cores.core_return_open(obligation=core_of(collected), actor=consumer.user)

    assert first.pk == again.pk and first.code == again.code


# The outlet counter


def test_an_outlet_may_inspect_at_the_counter_when_the_seller_lets_it(
    collected, consumer, outlet, outlet_staff
):
    case = cores.core_return_open(obligation=core_of(collected), actor=consumer.user)
    case = returns.return_drop_off(outlet=outlet, user=outlet_staff, code=case.code)
    with pytest.raises(NotPermitted):
        cores.core_inspect_at_outlet(outlet=outlet, user=outlet_staff, case=case, findings=[])

    SellerReturnPolicy.objects.create(
        seller_organisation=collected.seller_organisation, outlets_inspect_cores=True
    )
    case = cores.core_inspect_at_outlet(outlet=outlet, user=outlet_staff, case=case, findings=[])

    assert case.status == ReturnStatus.ACCEPTED and buyer_credit(consumer) == CORE_CHARGE


def test_another_outlet_cannot_inspect_a_core_dropped_elsewhere(collected, consumer, outlet_staff):
    SellerReturnPolicy.objects.create(
        seller_organisation=collected.seller_organisation, outlets_inspect_cores=True
    )
    case = cores.core_return_open(obligation=core_of(collected), actor=consumer.user)
    other = OutletLocationFactory().organisation
    other_staff = MembershipFactory(organisation=other).user
    case = returns.return_drop_off(outlet=other, user=other_staff, code=case.code)
    first_outlet = OrganisationFactory(kind="outlet")

    with pytest.raises(NotPermitted):
        cores.core_inspect_at_outlet(outlet=first_outlet, user=outlet_staff, case=case, findings=[])


def test_a_return_code_is_single_use(collected, consumer, outlet, outlet_staff):
    case = cores.core_return_open(obligation=core_of(collected), actor=consumer.user)
    returns.return_drop_off(outlet=outlet, user=outlet_staff, code=case.code)

    with pytest.raises(TransitionNotAllowed):
        returns.return_drop_off(outlet=outlet, user=outlet_staff, code=case.code)


def test_wrong_return_codes_lock_the_staff_member_out(
    collected, consumer, outlet, outlet_staff, settings
):
    case = cores.core_return_open(obligation=core_of(collected), actor=consumer.user)
    for attempt in range(settings.ORDERS_PICKUP_MAX_FAILURES):
        with pytest.raises(returns.ReturnCodeNotFound):
            returns.return_drop_off(outlet=outlet, user=outlet_staff, code=f"WRONG{attempt}")

    with pytest.raises(pickups.PickupLockedOut):
        returns.return_drop_off(outlet=outlet, user=outlet_staff, code=case.code)

    case.refresh_from_db()
    assert case.status == ReturnStatus.AWAITING_RETURN


# Forfeiture


def test_a_core_not_returned_by_its_deadline_is_forfeited_once_however_often_the_sweep_runs(
    collected,
):
    deposits_before = core_deposits()
    assert cores.cores_forfeit_due() == 0
    past_due(collected)

    assert cores.cores_forfeit_due() == 1
    assert cores.cores_forfeit_due() == 0
    assert orders_sweep()["cores_forfeited"] == 0

    assert core_of(collected).status == CoreStatus.FORFEITED
    assert seller_receivable(collected) == CORE_CHARGE
    assert core_deposits() == deposits_before - CORE_CHARGE
    key = f"core:{core_of(collected).pk}:forfeited"
    assert LedgerTransaction.objects.filter(idempotency_key=key).count() == 1


def test_the_orders_sweep_forfeits_cores_too(collected):
    past_due(collected)

    assert orders_sweep()["cores_forfeited"] == 1
    assert core_of(collected).status == CoreStatus.FORFEITED


def test_a_core_due_today_is_not_yet_forfeited(collected):
    past_due(collected, days=0)

    assert cores.cores_forfeit_due() == 0
    assert core_of(collected).status == CoreStatus.OWED


def test_a_rejected_core_not_replaced_by_the_deadline_is_forfeited(received):
    order = received.order_line.order
    add_photo(received, seller_user_of(order))
    cores.core_inspect(case=received, actor=seller_user_of(order), findings=["cracked_housing"])
    past_due(order)

    assert cores.cores_forfeit_due() == 1
    assert seller_receivable(order) == CORE_CHARGE


def test_a_return_opened_but_never_handed_over_is_cancelled_and_the_core_forfeited(
    collected, consumer
):
    case = cores.core_return_open(obligation=core_of(collected), actor=consumer.user)
    past_due(collected)

    assert cores.cores_forfeit_due() == 1

    case.refresh_from_db()
    assert case.status == ReturnStatus.CANCELLED
    assert core_of(collected).status == CoreStatus.FORFEITED


def test_a_core_on_its_way_back_is_not_forfeited_at_the_deadline(
    collected, consumer, outlet, outlet_staff
):
    case = cores.core_return_open(obligation=core_of(collected), actor=consumer.user)
    returns.return_drop_off(outlet=outlet, user=outlet_staff, code=case.code)
    past_due(collected)

    assert cores.cores_forfeit_due() == 0
    assert core_of(collected).status == CoreStatus.RETURNING


def test_no_return_can_be_opened_after_the_deadline(collected, consumer):
    past_due(collected)

    with pytest.raises(Conflict):
        cores.core_return_open(obligation=core_of(collected), actor=consumer.user)


def test_a_forfeited_core_is_credited_never(collected, consumer):
    past_due(collected)
    cores.cores_forfeit_due()
    CoreObligation.objects.filter(pk=core_of(collected).pk).update(
        due_on=timezone.localdate() + timedelta(days=5)
    )

    with pytest.raises(TransitionNotAllowed):
        cores.core_return_open(obligation=core_of(collected), actor=consumer.user)


# Two acceptances at the same moment (PostgreSQL row locks)


@pytest.mark.django_db(transaction=True)
@pytest.mark.skipif("connection.vendor != 'postgresql'", reason="row locks need PostgreSQL")
def test_two_acceptances_at_the_same_moment_credit_the_core_once(received, consumer):
    seller = seller_user_of(received.order_line.order)
    start = threading.Barrier(2)
    done, crashed = [], []

    def accept() -> None:
        try:
            start.wait()
            done.append(cores.core_inspect(case=received, actor=seller, findings=[]))
        except Exception as error:  # a deadlock or a double credit: the test must fail
            crashed.append(error)
        finally:
            connections.close_all()

    workers = [threading.Thread(target=accept) for _ in range(2)]
    for worker in workers:
        worker.start()
    for worker in workers:
        worker.join()

    assert crashed == [] and len(done) == 2
    assert buyer_credit(consumer) == CORE_CHARGE
    assert received.events.filter(to_status="accepted").count() == 1
    key = f"core_return:{received.pk}:credited"
    assert LedgerTransaction.objects.filter(idempotency_key=key).count() == 1


def test_core_credit_is_spent_on_a_second_order_and_given_back_when_it_is_cancelled(
    consumer, outlet, outlet_staff, outlet_counter
):
    # given the credit of a core returned and accepted in full
    order = collected_at_outlet(consumer, outlet, outlet_staff, outlet_counter)
    case = cores.core_return_open(obligation=core_of(order), actor=consumer.user)
    case = returns.return_drop_off(outlet=outlet, user=outlet_staff, code=case.code)
    case = returns.return_receive(case=case, actor=seller_user_of(order))
    cores.core_inspect(case=case, actor=seller_user_of(order), findings=[])
    assert buyer_credit(consumer) == CORE_CHARGE

    # when the buyer spends it on a second order, paying the rest by card
    seller, parcel = seller_with_shipping()
    second = place(consumer, {listing_of(seller, price=Decimal("60.00")): 1}, [parcel],
                   payment_method="card", card_payment_method="pm_card_visa",
                   use_credit=True).orders.get()  # fmt: skip

    # then the credit pays first and the card the rest
    assert second.credit_applied == CORE_CHARGE
    assert second.payment.amount == second.total - CORE_CHARGE
    assert buyer_credit(consumer) == 0

    # when that order is cancelled, the spend is reversed, once
    order_services.order_cancel_by_buyer(order=second, actor=consumer.user)
    assert buyer_credit(consumer) == CORE_CHARGE
    with pytest.raises(TransitionNotAllowed):
        order_services.order_cancel_by_buyer(order=second, actor=consumer.user)
    assert buyer_credit(consumer) == CORE_CHARGE

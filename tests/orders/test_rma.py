"""Part returns for a refund (RMA) end to end on PostgreSQL and localstripe: requested, approved,
dropped off or shipped, received, inspected and refunded to the card, the invoice or as credit;
the channel and the window decide which reasons may be given."""

import threading
from datetime import timedelta
from decimal import Decimal

import pytest
from django.db import connection, connections
from django.utils import timezone

from marketplace.errors import Conflict, DomainError, NotPermitted, TransitionNotAllowed
from orders.models import (
    AccountKind,
    LedgerTransaction,
    Order,
    OrderStatus,
    PaymentStatus,
    RefundRoute,
    ReturnCase,
    ReturnStatus,
    RmaReason,
    SellerReturnPolicy,
)
from orders.services.ledger import account_for
from orders.services.orders import order_accept, order_mark_delivered, order_ship
from orders.services.returns import return_drop_off, return_receive, return_ship
from orders.services.rma import (
    ReturnNotAllowed,
    RmaDetails,
    rma_approve,
    rma_decline,
    rma_inspect,
    rma_request,
)
from tests.orders.api_fixtures import give_invoice_terms, member_of
from tests.orders.conftest import listing_of, place, seller_with_shipping
from tests.orders.stripe_helpers import sent_refunds

pytestmark = pytest.mark.django_db


def delivered(buyer, *, price="89.00", quantity=1, on_hand=3, payment_method="card"):
    """A dismantler's part bought by `buyer`, accepted (captured), shipped and delivered."""
    seller, parcel = seller_with_shipping()
    listing = listing_of(seller, price=Decimal(price), quantity_on_hand=on_hand)
    extra = {"card_payment_method": "pm_card_visa"} if payment_method == "card" else {}
    checkout = place(buyer, {listing: quantity}, [parcel], payment_method=payment_method, **extra)
    staff = member_of(seller)
    order = order_accept(order=checkout.orders.get(), actor=staff)
    order_ship(order=order, actor=staff, carrier="DHL", tracking_number="JD0001")
    order = order_mark_delivered(order=order, actor=staff)
    return order, staff


def days_ago(order: Order, days: int) -> None:
    Order.objects.filter(pk=order.pk).update(delivered_at=timezone.now() - timedelta(days=days))


def ask(order, buyer, reason, *, quantity=1, route=RefundRoute.ORIGINAL) -> ReturnCase:
    details = RmaDetails(quantity=quantity, reason=reason, refund_route=route)
    return rma_request(order_line=order.lines.get(), buyer=buyer, details=details)


def received(case, staff) -> ReturnCase:
    """Approved by the seller, posted back by the buyer, in the seller's hands."""
    case = rma_approve(case=case, actor=staff)
    return_ship(case=case, actor=case.buyer_user, carrier="UPS", tracking_number="1Z999")
    return return_receive(case=case, actor=staff)


def statuses(case) -> list[str]:
    return list(case.events.order_by("pk").values_list("to_status", flat=True))


def test_wrong_fitment_return_is_refunded_in_full_to_the_card_and_goes_back_on_the_shelf(
    consumer, outlet, outlet_staff, outlet_counter, django_capture_on_commit_callbacks
):
    # given a consumer's card order of two alternators at 89.00 (plus 12.00 parcel), delivered,
    # from a seller whose policy charges 20 % for restocking
    order, staff = delivered(consumer, quantity=2)
    SellerReturnPolicy.objects.create(
        seller_organisation=order.seller_organisation, restocking_fee_rate=Decimal("0.20")
    )
    listing = order.lines.get().listing
    listing.refresh_from_db()
    assert listing.quantity_on_hand == 1

    # when the buyer returns both because they do not fit, the seller approves, the buyer drops
    # them at an outlet, the seller receives and accepts them as resellable
    case = ask(order, consumer, RmaReason.WRONG_FITMENT, quantity=2)
    case = rma_approve(case=case, actor=staff)
    assert case.status == ReturnStatus.AWAITING_RETURN and case.code
    return_drop_off(outlet=outlet, user=outlet_staff, code=case.code)
    return_receive(case=case, actor=staff)
    with django_capture_on_commit_callbacks(execute=True):
        case = rma_inspect(case=case, actor=staff, accept=True, resellable=True)

    # then the merchandise is refunded in full (no fee for wrong fitment) and Stripe has it
    assert case.status == ReturnStatus.ACCEPTED
    assert case.restocking_fee == Decimal("0.00")
    assert case.payout_amount == Decimal("178.00")
    payment = order.payment
    payment.refresh_from_db()
    assert payment.status == PaymentStatus.PARTIALLY_REFUNDED
    assert payment.refunded_amount == Decimal("178.00")
    refunds = sent_refunds(payment.stripe_payment_intent_id)
    assert [refund.amount for refund in refunds] == [17800]
    assert payment.refunds.get().stripe_refund_id == refunds[0].id
    # and both units are back on the shelf; every unit came back, so the order is refunded
    listing.refresh_from_db()
    assert listing.quantity_on_hand == 3
    order.refresh_from_db()
    assert order.status == OrderStatus.REFUNDED
    assert statuses(case) == [
        "requested", "awaiting_return", "dropped_off", "received", "accepted",
    ]  # fmt: skip


def test_a_change_of_mind_is_refused_for_a_b2b_purchase(garage_buyer):
    # given a garage's invoice order from a dismantler, delivered yesterday
    give_invoice_terms(garage_buyer)
    order, _ = delivered(garage_buyer, price="100.00", payment_method="invoice")
    days_ago(order, 1)

    # when the garage asks to return it because it changed its mind
    with pytest.raises(ReturnNotAllowed) as refused:
        ask(order, garage_buyer, RmaReason.CHANGED_MIND)

    # then it is refused with the reason, and no case exists
    assert "B2B" in refused.value.fields["reason"][0]
    assert not ReturnCase.objects.exists()


def test_a_change_of_mind_is_refused_for_b2c_after_the_statutory_14_days(consumer):
    order, _ = delivered(consumer)
    days_ago(order, 15)

    with pytest.raises(ReturnNotAllowed) as refused:
        ask(order, consumer, RmaReason.CHANGED_MIND)

    assert "14 days" in refused.value.message
    # a fault may still be reported within the seller's 30 days
    assert ask(order, consumer, RmaReason.FAULTY).status == ReturnStatus.REQUESTED


def test_a_b2c_change_of_mind_within_14_days_is_refunded_less_the_restocking_fee(
    consumer, django_capture_on_commit_callbacks
):
    # given a consumer's card order delivered 14 days ago, from a seller charging 20 %
    order, staff = delivered(consumer)
    SellerReturnPolicy.objects.create(
        seller_organisation=order.seller_organisation, restocking_fee_rate=Decimal("0.20")
    )
    days_ago(order, 14)

    # when the consumer changed their mind and the part comes back, not resellable
    case = received(ask(order, consumer, RmaReason.CHANGED_MIND), staff)
    with django_capture_on_commit_callbacks(execute=True):
        case = rma_inspect(case=case, actor=staff, accept=True, resellable=False)

    # then the card gets 89.00 less 17.80; the stock stays as it was
    assert case.restocking_fee == Decimal("17.80")
    assert case.payout_amount == Decimal("71.20")
    refunds = sent_refunds(order.payment.stripe_payment_intent_id)
    assert [refund.amount for refund in refunds] == [7120]
    listing = order.lines.get().listing
    listing.refresh_from_db()
    assert listing.quantity_on_hand == 2


def test_the_credit_route_credits_the_buyers_ledger_account_and_nothing_goes_to_the_card(
    consumer, django_capture_on_commit_callbacks
):
    order, staff = delivered(consumer)
    case = ask(order, consumer, RmaReason.FAULTY, route=RefundRoute.CREDIT)

    case = received(case, staff)
    with django_capture_on_commit_callbacks(execute=True):
        rma_inspect(case=case, actor=staff, accept=True)

    credit = account_for(AccountKind.BUYER_CREDIT, currency=order.currency, user=consumer.user)
    assert credit.balance == Decimal("89.00")
    assert LedgerTransaction.objects.filter(idempotency_key=f"rma:{case.pk}:refunded").exists()
    assert sent_refunds(order.payment.stripe_payment_intent_id) == []
    order.payment.refresh_from_db()
    assert order.payment.refunded_amount == Decimal("0.00")


def test_an_unpaid_invoice_owes_less_after_an_accepted_return(garage_buyer):
    # given a garage's invoice of 100.00 + 12.00 parcel, delivered, not paid yet
    give_invoice_terms(garage_buyer)
    order, staff = delivered(garage_buyer, price="100.00", payment_method="invoice")

    # when the part turns out to be faulty and comes back
    case = received(ask(order, garage_buyer, RmaReason.FAULTY), staff)
    rma_inspect(case=case, actor=staff, accept=True)

    # then the invoice still waits for payment, of what is left
    payment = order.payment
    payment.refresh_from_db()
    assert payment.status == PaymentStatus.PENDING
    assert payment.refunded_amount == Decimal("100.00")
    assert payment.amount - payment.refunded_amount == Decimal("12.00")


def test_inspecting_twice_refunds_once(consumer, django_capture_on_commit_callbacks):
    order, staff = delivered(consumer)
    case = received(ask(order, consumer, RmaReason.NOT_AS_DESCRIBED), staff)

    with django_capture_on_commit_callbacks(execute=True):
        rma_inspect(case=case, actor=staff, accept=True, resellable=True)
        again = rma_inspect(case=case, actor=staff, accept=True, resellable=True)
    # approving again is harmless too
    rma_approve(case=case, actor=staff)

    assert again.status == ReturnStatus.ACCEPTED
    assert order.payment.refunds.count() == 1
    assert len(sent_refunds(order.payment.stripe_payment_intent_id)) == 1
    listing = order.lines.get().listing
    listing.refresh_from_db()
    assert listing.quantity_on_hand == 3
    assert statuses(case).count("accepted") == 1


def test_a_part_cannot_be_inspected_before_it_arrives(consumer):
    order, staff = delivered(consumer)
    case = rma_approve(case=ask(order, consumer, RmaReason.FAULTY), actor=staff)

    with pytest.raises(TransitionNotAllowed):
        rma_inspect(case=case, actor=staff, accept=True)

    case.refresh_from_db()
    assert case.status == ReturnStatus.AWAITING_RETURN
    assert not order.payment.refunds.exists()


def test_a_rejected_return_refunds_nothing_and_frees_its_units_for_another_request(consumer):
    order, staff = delivered(consumer)
    case = received(ask(order, consumer, RmaReason.FAULTY), staff)

    case = rma_inspect(case=case, actor=staff, accept=False, notes="Works on our bench.")

    assert case.status == ReturnStatus.REJECTED
    assert case.inspection_notes == "Works on our bench."
    assert not order.payment.refunds.exists()
    assert ask(order, consumer, RmaReason.FAULTY).status == ReturnStatus.REQUESTED


def test_units_cannot_be_asked_back_twice_until_the_first_request_is_declined(consumer):
    order, staff = delivered(consumer, quantity=2)
    first = ask(order, consumer, RmaReason.DAMAGED_IN_TRANSIT, quantity=2)

    with pytest.raises(ReturnNotAllowed) as refused:
        ask(order, consumer, RmaReason.DAMAGED_IN_TRANSIT)
    assert "0 of 2" in refused.value.fields["quantity"][0]

    rma_decline(case=first, actor=staff, reason="No damage on the photos.")
    assert ask(order, consumer, RmaReason.DAMAGED_IN_TRANSIT).quantity == 1


def test_a_declined_return_cannot_be_approved_afterwards(consumer):
    order, staff = delivered(consumer)
    case = rma_decline(
        case=ask(order, consumer, RmaReason.FAULTY), actor=staff, reason="Sold as seen."
    )

    with pytest.raises(TransitionNotAllowed):
        rma_approve(case=case, actor=staff)
    case.refresh_from_db()
    assert case.code is None


def test_only_the_buyer_may_ask_to_return_their_order(consumer, garage_buyer):
    order, _ = delivered(consumer)

    with pytest.raises(NotPermitted):
        ask(order, garage_buyer, RmaReason.FAULTY)


def test_an_order_not_yet_delivered_cannot_be_returned(consumer):
    seller, parcel = seller_with_shipping()
    listing = listing_of(seller, quantity_on_hand=1)
    checkout = place(
        consumer, {listing: 1}, [parcel], payment_method="card", card_payment_method="pm_card_visa"
    )

    with pytest.raises(Conflict):
        ask(checkout.orders.get(), consumer, RmaReason.FAULTY)


def at_once(action, times: int) -> tuple[list, list]:
    """Run `action` in `times` threads released together; returns (results, domain errors)."""
    start = threading.Barrier(times)
    results, refused, crashed = [], [], []

    def run() -> None:
        try:
            start.wait()
            results.append(action())
        except DomainError as error:
            refused.append(error)
        except Exception as error:  # a deadlock or a constraint breach: the test must fail
            crashed.append(error)
        finally:
            connections.close_all()

    workers = [threading.Thread(target=run) for _ in range(times)]
    for worker in workers:
        worker.start()
    for worker in workers:
        worker.join()
    assert crashed == []
    return results, refused


needs_row_locks = pytest.mark.skipif(
    connection.vendor != "postgresql", reason="row locks need PostgreSQL"
)


@pytest.mark.django_db(transaction=True)
@needs_row_locks
def test_racing_requests_for_the_same_units_open_one_case(consumer):
    order, _ = delivered(consumer, quantity=2)

    opened, refused = at_once(lambda: ask(order, consumer, RmaReason.FAULTY, quantity=2), 6)

    assert len(opened) == 1
    assert len(refused) == 5
    assert ReturnCase.objects.count() == 1


@pytest.mark.django_db(transaction=True)
@needs_row_locks
def test_racing_inspections_credit_the_buyer_once(consumer):
    order, staff = delivered(consumer)
    case = received(ask(order, consumer, RmaReason.FAULTY, route=RefundRoute.CREDIT), staff)

    inspected, refused = at_once(lambda: rma_inspect(case=case, actor=staff, accept=True), 6)

    assert len(inspected) == 6 and refused == []
    credit = account_for(AccountKind.BUYER_CREDIT, currency=order.currency, user=consumer.user)
    assert credit.balance == Decimal("89.00")
    assert LedgerTransaction.objects.filter(kind="rma_refund").count() == 1


def test_returning_a_remanufactured_part_gives_back_its_core_deposit_and_owes_no_core(
    consumer, outlet, outlet_staff, outlet_counter
):
    from orders.models import CoreStatus
    from orders.services import cores, returns
    from orders.services.rma import RmaDetails, rma_approve, rma_inspect, rma_request
    from tests.orders.core_scenes import CORE_CHARGE, collected_at_outlet, core_of

    # given a reman alternator with a core charge, collected and paid at the counter
    order = collected_at_outlet(consumer, outlet, outlet_staff, outlet_counter)
    line = order.lines.get()
    seller_user = order.seller_organisation.memberships.first().user

    # when it goes back for refund because it does not fit
    details = RmaDetails(quantity=1, reason="wrong_fitment", description="Wrong pulley")
    case = rma_request(order_line=line, buyer=consumer, details=details)
    case = rma_approve(case=case, actor=seller_user)
    case = returns.return_drop_off(outlet=outlet, user=outlet_staff, code=case.code)
    case = returns.return_receive(case=case, actor=seller_user)
    case = rma_inspect(case=case, actor=seller_user, accept=True, resellable=True)

    # then the refund includes the core deposit, and no core is owed or can be forfeited
    assert case.payout_amount == line.unit_price + CORE_CHARGE
    assert core_of(order).status == CoreStatus.RELEASED
    assert cores.cores_forfeit_due(today=core_of(order).due_on.replace(year=2100)) == 0

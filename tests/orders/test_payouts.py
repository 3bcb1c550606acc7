"""Seller payouts: grouping payable orders per seller and period, once, and paying them by a
Stripe transfer (tested at the HTTP boundary, as localstripe has no Connect) or by hand."""

from datetime import timedelta
from decimal import Decimal

import pytest
from django.utils import timezone

from marketplace.errors import DomainError, TransitionNotAllowed
from orders.models import Order, Payout, PayoutAccount, PayoutStatus
from orders.services.orders import order_accept, order_mark_delivered, order_ship
from orders.services.payouts import payout_mark_paid, payout_pay, payouts_create
from tests.orders.conftest import listing_of, place, seller_with_shipping
from tests.orders.factories import InvoiceTermsFactory
from tests.orders.stripe_helpers import StripeStub

pytestmark = pytest.mark.django_db

TRANSFER = {
    "id": "tr_1QbStub",
    "object": "transfer",
    "amount": 0,
    "currency": "usd",
    "destination": "acct_1SellerNorth",
    "livemode": False,
    "reversed": False,
}
NO_SUCH_DESTINATION = {
    "error": {
        "type": "invalid_request_error",
        "code": "resource_missing",
        "param": "destination",
        "message": "No such destination: 'acct_1SellerNorth'",
    }
}


@pytest.fixture
def stripe_transfers(settings):
    """A stub Stripe answering transfers; the stripe client is pointed at it."""
    stub = StripeStub(reply_body=TRANSFER).start()
    settings.STRIPE_API_BASE = stub.url
    yield stub
    stub.stop()


@pytest.fixture
def trade_buyer(garage_buyer):
    InvoiceTermsFactory(organisation=garage_buyer.organisation, credit_limit=Decimal("10000"))
    return garage_buyer


def delivered_order(buyer, seller, option, price: Decimal) -> Order:
    """An invoice order of one part, accepted, shipped and delivered: the seller is owed."""
    checkout = place(buyer, {listing_of(seller, price=price): 1}, [option])
    order = checkout.orders.get()
    order_accept(order=order, actor=None)
    order_ship(order=order, actor=None, carrier="UPS", tracking_number="1Z999AA1")
    return order_mark_delivered(order=order, actor=None)


def this_period() -> dict:
    today = timezone.localdate()
    return {"period_start": today, "period_end": today + timedelta(days=1)}


def test_payouts_create_makes_one_payout_per_seller_of_the_nets_payable_in_the_period(
    trade_buyer,
):
    # given two sellers owed for orders delivered today, one also for an order of last month,
    # and an order not delivered yet
    north, north_parcel = seller_with_shipping()
    south, south_parcel = seller_with_shipping()
    door = delivered_order(trade_buyer, north, north_parcel, Decimal("150.00"))
    hood = delivered_order(trade_buyer, north, north_parcel, Decimal("89.00"))
    wing = delivered_order(trade_buyer, south, south_parcel, Decimal("40.00"))
    earlier = delivered_order(trade_buyer, south, south_parcel, Decimal("60.00"))
    Order.objects.filter(pk=earlier.pk).update(payable_at=timezone.now() - timedelta(days=40))
    place(trade_buyer, {listing_of(south): 1}, [south_parcel])

    # when the payouts of today are created
    payouts = payouts_create(**this_period())

    # then each seller has one payout of its nets (gross less 8% of the merchandise)
    by_seller = {payout.seller_organisation: payout for payout in payouts}
    assert set(by_seller) == {north, south}
    assert by_seller[north].amount == Decimal("150.00") + Decimal("93.88")
    assert by_seller[north].amount == door.seller_net + hood.seller_net
    assert by_seller[south].amount == wing.seller_net == Decimal("48.80")
    assert set(Order.objects.filter(payout=by_seller[north])) == {door, hood}
    assert set(Order.objects.filter(payout=by_seller[south])) == {wing}
    assert {p.status for p in payouts} == {PayoutStatus.PENDING}


def test_payouts_create_run_twice_for_a_period_adds_nothing(trade_buyer):
    # given a seller owed for two orders, whose payout was created
    north, parcel = seller_with_shipping()
    delivered_order(trade_buyer, north, parcel, Decimal("150.00"))
    delivered_order(trade_buyer, north, parcel, Decimal("89.00"))
    (payout,) = payouts_create(**this_period())

    # when the same period is run again
    again = payouts_create(**this_period())

    # then nothing is added: no new payout, the same amount
    assert again == []
    assert Payout.objects.get() == payout
    assert Payout.objects.get().amount == Decimal("243.88")


def test_an_order_in_a_payout_joins_no_other_payout_for_an_overlapping_period(trade_buyer):
    # given a payout for today, and an order that became payable after it was created
    north, parcel = seller_with_shipping()
    door = delivered_order(trade_buyer, north, parcel, Decimal("150.00"))
    (today,) = payouts_create(**this_period())
    later = delivered_order(trade_buyer, north, parcel, Decimal("89.00"))

    # when payouts are created for a period that also covers today
    period = this_period()
    (wider,) = payouts_create(period_start=period["period_start"] - timedelta(days=6),
                              period_end=period["period_end"])  # fmt: skip

    # then only the later order is in the new payout; the first stays in its own
    door.refresh_from_db()
    later.refresh_from_db()
    assert (door.payout, later.payout) == (today, wider)
    assert wider.amount == later.seller_net == Decimal("93.88")
    today.refresh_from_db()
    assert today.amount == door.seller_net


def pending_payout(buyer, *, account: str | None = "acct_1SellerNorth") -> Payout:
    seller, parcel = seller_with_shipping()
    delivered_order(buyer, seller, parcel, Decimal("150.00"))
    if account:
        PayoutAccount.objects.create(seller_organisation=seller, stripe_account_id=account)
    (payout,) = payouts_create(**this_period())
    return payout


def test_payout_pay_transfers_the_amount_to_the_sellers_account_once(trade_buyer, stripe_transfers):
    """localstripe has no Connect (no transfers), so the transfer is checked where it leaves
    us: the HTTP request the stripe client sends, answered by a stub in Stripe's shape."""
    # given a pending payout of 150.00 to a seller with a connected account
    payout = pending_payout(trade_buyer)

    # when it is paid
    paid = payout_pay(payout=payout)

    # then one transfer of 15000 cents went to that account, keyed by the payout
    (sent,) = stripe_transfers.requests
    assert (sent.method, sent.path) == ("POST", "/v1/transfers")
    assert sent.headers["Idempotency-Key"] == f"payout-{payout.pk}-transfer"
    assert sent.headers["Authorization"] == "Bearer sk_test_local"
    assert sent.form == {
        "amount": "15000",
        "currency": "usd",
        "destination": "acct_1SellerNorth",
        "transfer_group": f"payout-{payout.pk}",
    }
    # and the payout is paid with the transfer's id
    assert paid.status == PayoutStatus.PAID
    assert paid.stripe_transfer_id == "tr_1QbStub"
    assert paid.paid_at is not None
    # and paying it again is refused without calling Stripe
    with pytest.raises(TransitionNotAllowed):
        payout_pay(payout=paid)
    assert len(stripe_transfers.requests) == 1


def test_payout_pay_marks_the_payout_failed_with_stripes_reason(trade_buyer, stripe_transfers):
    # given a pending payout, and Stripe refusing the transfer
    payout = pending_payout(trade_buyer)
    stripe_transfers.reply_status, stripe_transfers.reply_body = 400, NO_SUCH_DESTINATION

    # when it is paid
    failed = payout_pay(payout=payout)

    # then it is failed with Stripe's message, and nothing is marked paid
    assert failed.status == PayoutStatus.FAILED
    assert "No such destination: 'acct_1SellerNorth'" in failed.failure_message
    assert failed.paid_at is None
    assert failed.stripe_transfer_id == ""
    assert len(stripe_transfers.requests) == 1


def test_paying_a_failed_payout_again_retries_with_the_same_idempotency_key(
    trade_buyer, stripe_transfers
):
    # given a payout whose transfer failed twice, for two reasons
    payout = pending_payout(trade_buyer)
    stripe_transfers.reply_status, stripe_transfers.reply_body = 400, NO_SUCH_DESTINATION
    payout_pay(payout=payout)
    stripe_transfers.reply_body = {
        "error": {
            "type": "invalid_request_error",
            "message": "Insufficient funds in Stripe account.",
        }
    }
    again = payout_pay(payout=payout)
    assert again.status == PayoutStatus.FAILED
    assert "Insufficient funds" in again.failure_message

    # when it is paid once Stripe accepts the transfer
    stripe_transfers.reply_status, stripe_transfers.reply_body = 200, TRANSFER
    paid = payout_pay(payout=payout)

    # then it is paid, every attempt having carried the payout's one key
    assert paid.status == PayoutStatus.PAID
    assert paid.stripe_transfer_id == "tr_1QbStub"
    keys = {request.headers["Idempotency-Key"] for request in stripe_transfers.requests}
    assert keys == {f"payout-{payout.pk}-transfer"}
    assert len(stripe_transfers.requests) == 3


def test_payout_pay_refuses_a_seller_without_a_payout_account(trade_buyer, stripe_transfers):
    payout = pending_payout(trade_buyer, account=None)

    with pytest.raises(DomainError) as refused:
        payout_pay(payout=payout)

    assert "payout" in refused.value.fields
    assert stripe_transfers.requests == []
    payout.refresh_from_db()
    assert payout.status == PayoutStatus.PENDING


def test_payout_mark_paid_settles_a_payout_paid_outside_stripe(trade_buyer, stripe_transfers):
    # given a pending payout of a seller paid by bank transfer
    payout = pending_payout(trade_buyer, account=None)

    # when the platform marks it paid
    paid = payout_mark_paid(payout=payout)

    # then it is paid without a transfer, and cannot be paid twice
    assert paid.status == PayoutStatus.PAID
    assert paid.paid_at is not None
    assert paid.stripe_transfer_id == ""
    assert stripe_transfers.requests == []
    with pytest.raises(TransitionNotAllowed):
        payout_mark_paid(payout=paid)

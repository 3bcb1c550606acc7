"""Spending credit at checkout: applied before the card or invoice, split across the orders,
given back when an order is cancelled, never spent twice."""

from decimal import Decimal

import pytest

from orders.models import AccountKind, Order, PaymentStatus
from orders.parties import Buyer
from orders.pricing import split_credit
from orders.services import orders as order_services
from orders.services.credit import buyer_credit_account
from orders.services.ledger import Posting, balance_from_entries, ledger_post, platform_account
from tests.conftest import client_for
from tests.orders.conftest import listing_of, place, seller_with_shipping
from tests.orders.stripe_helpers import stripe_intent


def grant(buyer: Buyer, amount: str, key: str) -> None:
    account = buyer_credit_account(buyer, "USD")
    goodwill = platform_account(AccountKind.GOODWILL, "USD")
    ledger_post(
        idempotency_key=key, kind="goodwill", description="Goodwill",
        postings=[Posting(account, Decimal(amount)), Posting(goodwill, -Decimal(amount))],
    )  # fmt: skip


def balance(buyer: Buyer) -> Decimal:
    account = buyer_credit_account(buyer, "USD")
    assert account.balance == balance_from_entries(account)
    return account.balance


@pytest.mark.parametrize(
    ("amount", "totals", "shares"),
    [
        ("50.00", ["100.00", "100.00"], ["25.00", "25.00"]),
        ("10.00", ["20.00", "10.00", "10.00"], ["5.00", "2.50", "2.50"]),
        ("0.10", ["10.00", "10.00", "10.00"], ["0.04", "0.03", "0.03"]),
        ("30.00", ["30.00", "0.00"], ["30.00", "0.00"]),
    ],
)
def test_credit_is_shared_in_proportion_to_the_order_totals_to_the_cent(amount, totals, shares):
    result = split_credit(Decimal(amount), [Decimal(t) for t in totals])
    assert result == [Decimal(s) for s in shares]
    assert sum(result) == Decimal(amount)


def test_credit_never_exceeds_the_total():
    with pytest.raises(ValueError):
        split_credit(Decimal("10.01"), [Decimal("10.00")])


@pytest.mark.django_db
def test_credit_pays_first_across_two_sellers_and_a_cancelled_order_gives_its_share_back(
    consumer,
):
    # given a consumer with 50.00 of credit and parts from two sellers (112.00 and 62.00)
    grant(consumer, "50.00", "goodwill:consumer")
    first_seller, first_parcel = seller_with_shipping()
    second_seller, second_parcel = seller_with_shipping()
    first = listing_of(first_seller, price=Decimal("100.00"))
    second = listing_of(second_seller, price=Decimal("50.00"))

    # when it checks out by card, spending its credit
    checkout = place(consumer, {first: 1, second: 1}, [first_parcel, second_parcel],
                     payment_method="card", card_payment_method="pm_card_visa",
                     use_credit=True)  # fmt: skip

    # then the credit is split by the totals and the cards are authorised for the rest
    orders = {o.seller_organisation_id: o for o in checkout.orders.all()}
    big, small = orders[first_seller.pk], orders[second_seller.pk]
    assert (big.credit_applied, small.credit_applied) == (Decimal("32.19"), Decimal("17.81"))
    assert big.payment.amount == big.total - big.credit_applied
    assert stripe_intent(big.payment.stripe_payment_intent_id).amount == 7981
    assert balance(consumer) == Decimal("0.00")

    # and when the second seller rejects its order, its share comes back
    order_services.order_reject(order=small, actor=None, reason="Sold at the counter")
    assert balance(consumer) == Decimal("17.81")


@pytest.mark.django_db
def test_an_order_paid_wholly_by_credit_needs_no_card_and_is_paid_on_acceptance(consumer):
    grant(consumer, "500.00", "goodwill:rich")
    seller, parcel = seller_with_shipping()
    order = place(consumer, {listing_of(seller): 1}, [parcel], payment_method="card",
                  card_payment_method="pm_card_visa", use_credit=True).orders.get()  # fmt: skip
    assert order.payment.amount == 0
    assert order.payment.stripe_payment_intent_id is None

    accepted = order_services.order_accept(order=order, actor=None)

    assert accepted.status == "paid"
    assert Order.objects.get(pk=order.pk).payment.status == PaymentStatus.PAID
    order_services.order_cancel(order=accepted, actor=None, reason="Out of stock after all")
    assert balance(consumer) == Decimal("500.00")


@pytest.mark.django_db
def test_a_stated_credit_amount_is_spent_and_no_more(consumer):
    grant(consumer, "40.00", "goodwill:some")
    seller, parcel = seller_with_shipping()

    order = place(consumer, {listing_of(seller): 1}, [parcel], payment_method="card",
                  card_payment_method="pm_card_visa", use_credit=True,
                  credit_amount=Decimal("15.00")).orders.get()  # fmt: skip

    assert order.credit_applied == Decimal("15.00")
    assert balance(consumer) == Decimal("25.00")


@pytest.mark.django_db
def test_the_checkout_api_spends_credit_when_asked(consumer):
    grant(consumer, "20.00", "goodwill:api")
    seller, parcel = seller_with_shipping()
    listing = listing_of(seller)
    client = client_for(consumer.user)
    client.put(f"/api/v1/cart/lines/{listing.pk}/", {"quantity": 1}, format="json")

    response = client.post(
        "/api/v1/checkouts/",
        {"payment_method": "card", "delivery_options": [parcel.pk],
         "card_payment_method": "pm_card_visa", "use_credit": True,
         "ship_to": {"name": "Anna Berg", "address": "12 Elm Street", "city": "Evanston"}},
        format="json",
    )  # fmt: skip

    assert response.status_code == 201, response.json()
    assert response.json()["orders"][0]["credit_applied"] == "20.00"
    assert balance(consumer) == Decimal("0.00")

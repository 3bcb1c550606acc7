"""Card payments end to end against localstripe: authorise at checkout, capture on accept, void
on reject or decline, refunds, and C2C escrow with its commission. Where it matters the
PaymentIntent is read back from localstripe, so the tests see Stripe's state and not our copy."""

from datetime import timedelta
from decimal import Decimal

import pytest
from django.utils import timezone

from marketplace.errors import Conflict, DomainError
from orders.models import (
    Channel,
    CommissionRate,
    Order,
    OrderStatus,
    Payment,
    PaymentStatus,
    Refund,
)
from orders.services.orders import (
    order_accept,
    order_cancel,
    order_confirm_receipt,
    order_mark_delivered,
    order_reject,
    order_ship,
)
from orders.services.payments import PaymentDeclined, payment_refund
from orders.services.sweeps import orders_sweep
from tests.orders.conftest import (
    individual_seller_with_shipping,
    listing_of,
    place,
    seller_with_shipping,
)
from tests.orders.stripe_helpers import StripeStub, stripe_intent, stripe_refunds

pytestmark = pytest.mark.django_db

# A declined card leaves its payment failed or voided: either way nothing is held on the card.
NOTHING_HELD = {PaymentStatus.FAILED, PaymentStatus.VOIDED}


@pytest.fixture
def stripe_proxy(settings):
    """Stripe calls pass through a recording proxy on their way to localstripe."""
    proxy = StripeStub(upstream=settings.STRIPE_API_BASE).start()
    settings.STRIPE_API_BASE = proxy.url
    yield proxy
    proxy.stop()


def staff_of(seller):
    return seller.memberships.first().user


def card_order(buyer, items, option, card="pm_card_visa") -> Order:
    checkout = place(buyer, items, [option], payment_method="card", card_payment_method=card)
    return checkout.orders.get()


def paid_order(buyer, items, option, actor) -> Order:
    order = card_order(buyer, items, option)
    return order_accept(order=order, actor=actor)


def statuses(order) -> list[str]:
    return list(order.events.order_by("pk").values_list("to_status", flat=True))


def test_b2c_card_order_is_authorised_at_checkout_and_captured_when_the_seller_accepts(consumer):
    # given a dismantler with two alternators on the shelf, shipping by parcel for 12.00
    seller, parcel = seller_with_shipping()
    alternator = listing_of(seller, price=Decimal("89.00"), quantity_on_hand=2)

    # when a consumer checks one out by card
    order = card_order(consumer, {alternator: 1}, parcel)

    # then the card is authorised for the total, and nothing is taken yet
    payment = order.payment
    assert order.channel == Channel.B2C
    assert payment.status == PaymentStatus.AUTHORISED
    intent = stripe_intent(payment.stripe_payment_intent_id)
    assert intent.status == "requires_capture"
    assert intent.capture_method == "manual"
    assert intent.amount == 10100
    assert intent.metadata["payment_id"] == str(payment.pk)

    # when the seller accepts
    accepted = order_accept(order=order, actor=staff_of(seller))

    # then the authorisation is captured in Stripe, the order is paid, the unit left the shelf
    payment.refresh_from_db()
    assert accepted.status == OrderStatus.PAID
    assert payment.status == PaymentStatus.PAID
    assert payment.paid_at is not None
    intent = stripe_intent(payment.stripe_payment_intent_id)
    assert intent.status == "succeeded"
    assert intent.latest_charge.captured is True
    assert intent.latest_charge.amount == 10100
    alternator.refresh_from_db()
    assert alternator.quantity_on_hand == 1
    assert statuses(order) == ["placed", "accepted", "paid"]


def test_order_reject_cancels_the_authorisation_and_frees_the_stock_for_another_buyer(
    consumer, garage_buyer
):
    # given the only gearbox of a dismantler, authorised on a consumer's card
    seller, parcel = seller_with_shipping()
    gearbox = listing_of(seller, quantity_on_hand=1)
    order = card_order(consumer, {gearbox: 1}, parcel)

    # when the seller rejects the order
    rejected = order_reject(order=order, actor=staff_of(seller), reason="Failed our bench test.")

    # then the authorisation is cancelled in Stripe and the order with it
    payment = Payment.objects.get(order=order)
    assert rejected.status == OrderStatus.CANCELLED
    assert payment.status == PaymentStatus.VOIDED
    assert stripe_intent(payment.stripe_payment_intent_id).status == "canceled"
    # and the gearbox, never taken off the shelf, can be bought by someone else
    gearbox.refresh_from_db()
    assert gearbox.quantity_on_hand == 1
    second = card_order(garage_buyer, {gearbox: 1}, parcel)
    assert second.payment.status == PaymentStatus.AUTHORISED


def test_declined_card_raises_payment_declined_and_cancels_the_checkout(consumer, garage_buyer):
    # given the only bumper of a dismantler
    seller, parcel = seller_with_shipping()
    bumper = listing_of(seller, quantity_on_hand=1)

    # when a consumer checks it out with a card that Stripe declines
    with pytest.raises(PaymentDeclined) as declined:
        card_order(consumer, {bumper: 1}, parcel, card="pm_card_chargeCustomerFail")

    # then the buyer is told (402), the order is cancelled, nothing is held on the card
    assert declined.value.status == 402
    assert declined.value.code == "payment_declined"
    assert "card_payment_method" in declined.value.fields
    order = Order.objects.get(buyer_user=consumer.user)
    assert order.status == OrderStatus.CANCELLED
    assert order.payment.status in NOTHING_HELD
    assert order.payment.stripe_payment_intent_id is None
    # and the bumper is free for the next buyer
    assert card_order(garage_buyer, {bumper: 1}, parcel).payment.status == PaymentStatus.AUTHORISED


def test_declined_card_on_a_later_order_voids_the_earlier_authorisations_of_the_checkout(
    consumer, garage_buyer, stripe_proxy
):
    """A checkout authorises all its orders with one card, and Stripe's test cards decline every
    charge or none. So a proxy in front of localstripe sends the second authorisation with the
    declining test card: localstripe really authorises the first and declines the second."""

    # given a cart with parts from two sellers, the second authorisation to be declined
    def decline_the_second(request):
        creates = [r for r in stripe_proxy.requests if r.path == "/v1/payment_intents"]
        if request is creates[-1] and len(creates) == 2:
            return {**request.form, "payment_method": "pm_card_chargeCustomerFail"}
        return request.form

    stripe_proxy.rewrite = decline_the_second
    first_seller, first_parcel = seller_with_shipping()
    second_seller, second_parcel = seller_with_shipping()
    door = listing_of(first_seller, quantity_on_hand=1)
    mirror = listing_of(second_seller, quantity_on_hand=1)

    # when the consumer checks out
    with pytest.raises(PaymentDeclined):
        place(consumer, {door: 1, mirror: 1}, [first_parcel, second_parcel],
              payment_method="card", card_payment_method="pm_card_visa")  # fmt: skip

    # then the first authorisation is cancelled in Stripe, and both orders are cancelled
    authorised, declined = Payment.objects.filter(order__buyer_user=consumer.user).order_by("pk")
    assert authorised.status == PaymentStatus.VOIDED
    assert stripe_intent(authorised.stripe_payment_intent_id).status == "canceled"
    assert declined.status in NOTHING_HELD
    assert declined.stripe_payment_intent_id is None
    orders = Order.objects.filter(buyer_user=consumer.user)
    assert {order.status for order in orders} == {OrderStatus.CANCELLED}
    # and both parts can be bought again
    place(garage_buyer, {door: 1, mirror: 1}, [first_parcel, second_parcel],
          payment_method="card", card_payment_method="pm_card_visa")  # fmt: skip
    assert Order.objects.filter(buyer_user=garage_buyer.user).count() == 2


def test_order_cancel_after_capture_refunds_the_whole_payment_in_stripe(consumer):
    # given a radiator paid for (accepted and captured)
    seller, parcel = seller_with_shipping()
    radiator = listing_of(seller, price=Decimal("120.00"), quantity_on_hand=1)
    order = paid_order(consumer, {radiator: 1}, parcel, actor=staff_of(seller))

    # when the seller cancels it before it leaves the yard
    order_cancel(order=order, actor=staff_of(seller), reason="Cracked while loading.")

    # then the whole 132.00 is refunded, in Stripe too, and the radiator is back on the shelf
    payment = Payment.objects.get(order=order)
    refund = Refund.objects.get(payment=payment)
    assert payment.status == PaymentStatus.REFUNDED
    assert payment.refunded_amount == Decimal("132.00")
    assert refund.amount == Decimal("132.00")
    sent = stripe_refunds(payment.stripe_payment_intent_id)
    assert [(r.id, r.amount) for r in sent] == [(refund.stripe_refund_id, 13200)]
    order.refresh_from_db()
    radiator.refresh_from_db()
    assert order.status == OrderStatus.CANCELLED
    assert radiator.quantity_on_hand == 1
    assert radiator.status == "active"


def test_two_partial_refunds_summing_to_the_amount_refund_it_and_a_third_is_refused(consumer):
    # given a paid order of 101.00
    seller, parcel = seller_with_shipping()
    order = paid_order(consumer, {listing_of(seller): 1}, parcel, actor=staff_of(seller))
    payment = order.payment

    # when 30.50 is refunded, then the remaining 70.50
    payment_refund(payment=payment, amount=Decimal("30.50"), reason="Scratched housing.")
    payment.refresh_from_db()
    assert payment.status == PaymentStatus.PARTIALLY_REFUNDED
    assert payment.refunded_amount == Decimal("30.50")
    payment_refund(payment=payment, amount=Decimal("70.50"), reason="Returned after all.")

    # then the payment is refunded, and Stripe holds exactly those two refunds
    payment.refresh_from_db()
    assert payment.status == PaymentStatus.REFUNDED
    assert payment.refunded_amount == Decimal("101.00")
    intent_id = payment.stripe_payment_intent_id
    assert sorted(r.amount for r in stripe_refunds(intent_id)) == [3050, 7050]
    sent_ids = set(
        Refund.objects.filter(payment=payment).values_list("stripe_refund_id", flat=True)
    )
    assert sent_ids == {r.id for r in stripe_refunds(intent_id)}

    # when a third refund is asked for, it is refused and nothing changes anywhere
    with pytest.raises(Conflict):
        payment_refund(payment=payment, amount=Decimal("1.00"), reason="One more.")
    payment.refresh_from_db()
    assert payment.status == PaymentStatus.REFUNDED
    assert payment.refunded_amount == Decimal("101.00")
    assert Refund.objects.filter(payment=payment).count() == 2
    assert len(stripe_refunds(intent_id)) == 2


def test_payment_refund_refuses_more_than_is_left_and_sends_nothing(consumer):
    # given a paid order of 101.00 with 80.00 already refunded
    seller, parcel = seller_with_shipping()
    payment = paid_order(consumer, {listing_of(seller): 1}, parcel, actor=staff_of(seller)).payment
    payment_refund(payment=payment, amount=Decimal("80.00"), reason="Wrong colour.")

    # when 21.01 is asked for, a cent more than is left
    with pytest.raises(DomainError) as refused:
        payment_refund(payment=payment, amount=Decimal("21.01"), reason="The rest and more.")

    # then it is refused on the amount, and only the first refund exists
    assert "amount" in refused.value.fields
    payment.refresh_from_db()
    assert payment.refunded_amount == Decimal("80.00")
    assert [r.amount for r in stripe_refunds(payment.stripe_payment_intent_id)] == [8000]


def test_payment_refund_refuses_a_fraction_of_a_cent_and_records_nothing(consumer):
    # given a paid order
    seller, parcel = seller_with_shipping()
    payment = paid_order(consumer, {listing_of(seller): 1}, parcel, actor=staff_of(seller)).payment

    # when a refund of half a cent more than 10.00 is asked for (Stripe counts whole cents)
    with pytest.raises(DomainError) as refused:
        payment_refund(payment=payment, amount=Decimal("10.005"), reason="Rounding.")

    # then it is refused on the amount before anything is recorded or sent
    assert "amount" in refused.value.fields
    payment.refresh_from_db()
    assert (payment.status, payment.refunded_amount) == (PaymentStatus.PAID, Decimal("0"))
    assert not Refund.objects.exists()
    assert stripe_refunds(payment.stripe_payment_intent_id) == []


def c2c_delivered(buyer, seller_user, listing, option) -> Order:
    """A C2C card order accepted (captured), shipped and delivered."""
    order = paid_order(buyer, {listing: 1}, option, actor=seller_user)
    order_ship(order=order, actor=seller_user, carrier="DHL", tracking_number="JD0001")
    return order_mark_delivered(order=order, actor=None)


def test_c2c_funds_wait_in_escrow_until_the_buyer_confirms_receipt(consumer, settings):
    # given a private seller's headlight, bought, captured, shipped and delivered
    private, parcel = individual_seller_with_shipping(price=Decimal("8.00"))
    headlight = listing_of(user=private, price=Decimal("33.33"))
    before = timezone.now()
    order = c2c_delivered(consumer, private, headlight, parcel)

    # then the seller is not owed yet: the money is held until release_funds_at
    assert order.channel == Channel.C2C
    assert order.status == OrderStatus.DELIVERED
    assert order.payable_at is None
    escrow = timedelta(days=settings.ORDERS_C2C_RELEASE_DAYS)
    assert before + escrow <= order.release_funds_at <= timezone.now() + escrow
    assert stripe_intent(order.payment.stripe_payment_intent_id).status == "succeeded"

    # when the buyer confirms receipt
    completed = order_confirm_receipt(order=order, actor=consumer.user)

    # then the order is complete and the seller's net becomes payable
    assert completed.status == OrderStatus.COMPLETED
    assert completed.payable_at is not None
    assert statuses(order)[-2:] == ["delivered", "completed"]


def test_sweep_releases_c2c_escrow_once_release_funds_at_has_passed(consumer):
    # given a delivered C2C order whose release time lies ahead
    private, parcel = individual_seller_with_shipping()
    order = c2c_delivered(consumer, private, listing_of(user=private), parcel)
    assert orders_sweep()["released"] == 0

    # when its release time has passed and the sweep runs
    Order.objects.filter(pk=order.pk).update(release_funds_at=timezone.now() - timedelta(minutes=1))
    done = orders_sweep()

    # then the order is completed without the buyer and the seller is owed; once only
    order.refresh_from_db()
    assert done["released"] == 1
    assert order.status == OrderStatus.COMPLETED
    assert order.payable_at is not None
    assert order.events.last().reason == "Released: no complaint within the time."
    assert orders_sweep()["released"] == 0


def test_c2c_commission_is_the_platform_rate_of_the_merchandise_rounded_half_up(consumer):
    # given a private seller's headlight at 33.33 with 8.00 shipping, on the 12% C2C rate
    private, parcel = individual_seller_with_shipping(price=Decimal("8.00"))
    headlight = listing_of(user=private, price=Decimal("33.33"))

    # when a consumer buys it
    order = card_order(consumer, {headlight: 1}, parcel)

    # then the commission is 12% of the merchandise only (3.9996 -> 4.00), and the buyer's
    # total splits into commission and seller net to the cent
    assert order.commission_rate == Decimal("0.1200")
    assert order.commission == Decimal("4.00")
    assert order.total == Decimal("41.33")
    assert order.seller_net == Decimal("37.33")
    assert order.commission + order.seller_net == order.total
    assert stripe_intent(order.payment.stripe_payment_intent_id).amount == 4133


def test_a_sellers_own_commission_rate_overrides_the_platform_rate(consumer):
    # given one private seller with an agreed 7.5% rate and another on the platform's 12%
    agreed, agreed_parcel = individual_seller_with_shipping(price=Decimal("5.00"))
    other, other_parcel = individual_seller_with_shipping(price=Decimal("5.00"))
    CommissionRate.objects.create(channel=Channel.C2C, seller_user=agreed, rate=Decimal("0.0750"))
    wheel = listing_of(user=agreed, price=Decimal("19.80"))
    hubcap = listing_of(user=other, price=Decimal("19.80"))

    # when a consumer buys from both
    checkout = place(consumer, {wheel: 1, hubcap: 1}, [agreed_parcel, other_parcel],
                     payment_method="card", card_payment_method="pm_card_visa")  # fmt: skip

    # then each order carries its seller's rate; 19.80 x 7.5% = 1.485 rounds half up to 1.49
    orders = {order.seller_user: order for order in checkout.orders.all()}
    assert orders[agreed].commission_rate == Decimal("0.0750")
    assert orders[agreed].commission == Decimal("1.49")
    assert orders[agreed].seller_net == Decimal("23.31")
    assert orders[other].commission_rate == Decimal("0.1200")
    assert orders[other].commission == Decimal("2.38")  # 2.376
    for order in orders.values():
        assert order.total == Decimal("24.80")
        assert order.commission + order.seller_net == order.total

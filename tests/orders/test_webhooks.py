"""Stripe's webhook endpoint, posted to as Stripe would: signed payloads, repeated deliveries and
events that arrive out of order. Intents are real ones in localstripe, which the handler reads
back; its state, not the event's copy, is what counts."""

import threading
from decimal import Decimal

import pytest
from django.db import connection, connections  # noqa: F401 (`connection` for skipif)
from django.test import Client

from orders import stripe_gateway
from orders.models import OrderEvent, OrderStatus, Payment, PaymentStatus, StripeEvent
from orders.money import Money
from orders.services.orders import order_accept
from orders.services.payments import payment_refund
from tests.orders.conftest import listing_of, place, seller_with_shipping
from tests.orders.stripe_helpers import deliver, intent_event, signature_for, stripe_intent

pytestmark = pytest.mark.django_db

UNREACHABLE_STRIPE = "http://127.0.0.1:9"  # the discard port: nothing answers there


def authorised_payment(buyer) -> Payment:
    seller, parcel = seller_with_shipping()
    checkout = place(buyer, {listing_of(seller, price=Decimal("89.00")): 1}, [parcel],
                     payment_method="card", card_payment_method="pm_card_visa")  # fmt: skip
    return checkout.orders.get().payment


def accepted_while_stripe_was_unreachable(buyer, settings) -> Payment:
    """The seller accepted while Stripe could not be reached: the order is accepted and its
    payment still authorised. Stripe captures it anyway (a retry whose answer was lost)."""
    payment = authorised_payment(buyer)
    reachable, settings.STRIPE_API_BASE = settings.STRIPE_API_BASE, UNREACHABLE_STRIPE
    order_accept(order=payment.order, actor=None)
    settings.STRIPE_API_BASE = reachable
    payment.refresh_from_db()
    assert (payment.status, payment.order.status) == (PaymentStatus.AUTHORISED, "accepted")
    stripe_gateway.client().v1.payment_intents.capture(payment.stripe_payment_intent_id)
    return payment


def succeeded_event(payment: Payment, **fields) -> str:
    return intent_event(
        payment.stripe_payment_intent_id,
        type="payment_intent.succeeded",
        status="succeeded",
        metadata={"payment_id": str(payment.pk), "order_id": str(payment.order_id)},
        **fields,
    )


def test_webhook_with_a_bad_signature_is_refused_and_changes_nothing(client, consumer, settings):
    # given an accepted order that Stripe captured without our hearing of it
    payment = accepted_while_stripe_was_unreachable(consumer, settings)
    payload = succeeded_event(payment)

    # when the event arrives signed with another secret, or altered after signing
    forged = deliver(client, payload, signature=signature_for(payload, secret="whsec_not_ours"))
    altered = deliver(
        client, payload.replace("succeeded", "canceled"), signature=signature_for(payload)
    )
    unsigned = deliver(client, payload, signature="")

    # then each is refused with 400, nothing is recorded and the payment is as it was
    for response in (forged, altered, unsigned):
        assert response.status_code == 400
        assert response.json()["error"]["code"] == "invalid_signature"
    assert not StripeEvent.objects.exists()
    payment.refresh_from_db()
    assert payment.status == PaymentStatus.AUTHORISED
    assert payment.order.status == OrderStatus.ACCEPTED


def test_the_same_event_delivered_three_times_is_recorded_once_and_acted_on_once(
    client, consumer, settings
):
    # given an accepted order that Stripe captured without our hearing of it
    payment = accepted_while_stripe_was_unreachable(consumer, settings)
    payload = succeeded_event(payment)

    # when Stripe delivers its succeeded event, and then twice more
    first = deliver(client, payload)
    payment.refresh_from_db()
    paid_at = payment.paid_at
    again = [deliver(client, payload) for _ in range(2)]

    # then every delivery is answered 200, the event is recorded once, and the payment and
    # order moved to paid once
    assert [r.status_code for r in (first, *again)] == [200, 200, 200]
    assert StripeEvent.objects.get().payment == payment
    payment.refresh_from_db()
    assert payment.status == PaymentStatus.PAID
    assert payment.paid_at == paid_at
    assert payment.order.status == OrderStatus.PAID
    assert OrderEvent.objects.filter(order=payment.order, to_status="paid").count() == 1


@pytest.mark.django_db(transaction=True)
@pytest.mark.skipif("connection.vendor != 'postgresql'", reason="row locks need PostgreSQL")
def test_the_same_event_delivered_three_times_at_once_is_acted_on_once(consumer, settings):
    # given an accepted order that Stripe captured without our hearing of it
    payment = accepted_while_stripe_was_unreachable(consumer, settings)
    payload = succeeded_event(payment)
    start, answers, crashed = threading.Barrier(3), [], []

    def receive() -> None:
        try:
            start.wait()
            answers.append(deliver(Client(), payload).status_code)
        except Exception as error:  # a deadlock or an unhandled IntegrityError: the test fails
            crashed.append(error)
        finally:
            connections.close_all()

    # when three deliveries of its succeeded event arrive at the same moment
    workers = [threading.Thread(target=receive) for _ in range(3)]
    for worker in workers:
        worker.start()
    for worker in workers:
        worker.join()

    # then all are answered 200, and the event is recorded and acted on once
    assert crashed == []
    assert answers == [200, 200, 200]
    assert StripeEvent.objects.count() == 1
    payment.refresh_from_db()
    assert payment.status == PaymentStatus.PAID
    assert OrderEvent.objects.filter(order=payment.order, to_status="paid").count() == 1


def test_a_succeeded_event_for_an_intent_still_awaiting_capture_leaves_it_authorised(
    client, consumer
):
    # given a card order authorised and not captured
    payment = authorised_payment(consumer)

    # when an event claims the intent succeeded (forged in content, or about a later state)
    response = deliver(client, succeeded_event(payment))

    # then Stripe is asked: the intent still requires capture, so the payment stays authorised
    assert response.status_code == 200
    assert stripe_intent(payment.stripe_payment_intent_id).status == "requires_capture"
    payment.refresh_from_db()
    assert payment.status == PaymentStatus.AUTHORISED
    assert payment.paid_at is None
    assert payment.order.status == OrderStatus.PLACED
    assert StripeEvent.objects.get().type == "payment_intent.succeeded"


def test_a_late_amount_capturable_updated_event_does_not_move_a_paid_payment_back(client, consumer):
    # given a card order accepted and captured
    payment = authorised_payment(consumer)
    order_accept(order=payment.order, actor=None)
    payment.refresh_from_db()
    paid_at = payment.paid_at

    # when the older event of its authorisation arrives only now
    payload = intent_event(
        payment.stripe_payment_intent_id,
        type="payment_intent.amount_capturable_updated",
        status="requires_capture",
        metadata={"payment_id": str(payment.pk)},
    )
    response = deliver(client, payload)

    # then it is recorded, and the payment and order stay paid
    assert response.status_code == 200
    assert StripeEvent.objects.filter(type="payment_intent.amount_capturable_updated").exists()
    payment.refresh_from_db()
    assert payment.status == PaymentStatus.PAID
    assert payment.paid_at == paid_at
    assert payment.order.status == OrderStatus.PAID


def test_a_late_succeeded_event_does_not_undo_a_partial_refund(client, consumer):
    # given a captured payment of 101.00, 20.00 of it refunded
    payment = authorised_payment(consumer)
    order_accept(order=payment.order, actor=None)
    payment_refund(payment=payment, amount=Decimal("20.00"), reason="Missing bolt.")

    # when the capture's succeeded event arrives after the refund
    response = deliver(client, succeeded_event(payment))

    # then the payment stays partially refunded
    assert response.status_code == 200
    payment.refresh_from_db()
    assert payment.status == PaymentStatus.PARTIALLY_REFUNDED
    assert payment.refunded_amount == Decimal("20.00")


def test_an_event_for_an_intent_we_do_not_know_is_recorded_and_answered_200(client, consumer):
    # given a payment of ours, and an event about someone else's intent
    payment = authorised_payment(consumer)
    payload = intent_event(
        "pi_not_ours_3Nq8", type="payment_intent.succeeded", status="succeeded", event_id="evt_x1"
    )

    # when it is delivered
    response = deliver(client, payload)

    # then Stripe is told it arrived, the event is kept without a payment, ours is untouched
    assert response.status_code == 200
    recorded = StripeEvent.objects.get()
    assert (recorded.event_id, recorded.payment) == ("evt_x1", None)
    payment.refresh_from_db()
    assert payment.status == PaymentStatus.AUTHORISED


def test_an_event_of_another_kind_is_recorded_and_acts_on_no_payment(client, consumer):
    # given an authorised payment
    payment = authorised_payment(consumer)
    payload = intent_event(payment.stripe_payment_intent_id, type="charge.captured", status="x")

    # when an event of a type we do not act on arrives
    response = deliver(client, payload.replace('"payment_intent"', '"charge"'))

    # then it is acknowledged and kept, and the payment is unchanged
    assert response.status_code == 200
    assert StripeEvent.objects.get().payment is None
    payment.refresh_from_db()
    assert payment.status == PaymentStatus.AUTHORISED


def test_an_authorisation_whose_answer_was_lost_is_released_when_stripe_reports_it(
    client, consumer
):
    # given a checkout cancelled because our authorisation call never heard back, while
    # Stripe did authorise the card (the intent carries our payment id in its metadata)
    payment = authorised_payment(consumer)
    stripe_gateway.client().v1.payment_intents.cancel(payment.stripe_payment_intent_id)
    Payment.objects.filter(pk=payment.pk).update(
        stripe_payment_intent_id=None, status=PaymentStatus.VOIDED
    )
    orphan = stripe_gateway.authorise(
        amount=Money(payment.amount, payment.currency),
        card_payment_method="pm_card_visa",
        payment_id=payment.pk,
        order_id=payment.order_id,
    )
    assert stripe_intent(orphan.id).status == "requires_capture"

    # when Stripe tells us of the authorisation
    metadata = {"payment_id": str(payment.pk), "order_id": str(payment.order_id)}
    event = intent_event(orphan.id, type="payment_intent.amount_capturable_updated",
                         status="requires_capture", metadata=metadata)  # fmt: skip
    response = deliver(client, event)

    # then the buyer's money is released, and our payment stays voided
    assert response.status_code == 200
    assert stripe_intent(orphan.id).status == "canceled"
    payment.refresh_from_db()
    assert payment.status == PaymentStatus.VOIDED


def test_an_event_that_cannot_be_checked_with_stripe_is_answered_503_to_be_sent_again(
    client, consumer, settings
):
    payment = authorised_payment(consumer)
    payload = succeeded_event(payment)
    settings.STRIPE_API_BASE = UNREACHABLE_STRIPE

    response = deliver(client, payload)

    assert response.status_code == 503
    assert response.json()["error"]["code"] == "stripe_unavailable"
    assert not StripeEvent.objects.exists()

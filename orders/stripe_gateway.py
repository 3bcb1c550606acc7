"""The only module that talks to Stripe. Every call carries an idempotency key derived from our
own ids, so a retried call can never charge, capture, refund or transfer twice; callers make
these calls outside database transactions."""

import stripe
from django.conf import settings

from orders.money import Money, to_minor_units


class GatewayNotConfigured(RuntimeError):
    """Card payments need STRIPE_SECRET_KEY."""


def client() -> stripe.StripeClient:
    if not settings.STRIPE_SECRET_KEY:
        raise GatewayNotConfigured("Card payments are not configured (STRIPE_SECRET_KEY).")
    base = {"api": settings.STRIPE_API_BASE} if settings.STRIPE_API_BASE else {}
    return stripe.StripeClient(
        settings.STRIPE_SECRET_KEY, base_addresses=base, max_network_retries=2
    )


def authorise(*, amount: Money, card_payment_method: str, payment_id: int, order_id: int):
    """Authorise (not capture) `amount` on the card; raises stripe.CardError when declined."""
    return client().v1.payment_intents.create(
        params={
            "amount": to_minor_units(amount),
            "currency": amount.currency.lower(),
            "capture_method": "manual",
            "payment_method": card_payment_method,
            "payment_method_types": ["card"],
            "confirm": True,
            "metadata": {"payment_id": str(payment_id), "order_id": str(order_id)},
        },
        options={"idempotency_key": f"payment-{payment_id}-authorise"},
    )


def capture(*, intent_id: str, amount: Money, payment_id: int):
    return client().v1.payment_intents.capture(
        intent_id,
        params={"amount_to_capture": to_minor_units(amount)},
        options={"idempotency_key": f"payment-{payment_id}-capture"},
    )


def cancel(*, intent_id: str, payment_id: int):
    return client().v1.payment_intents.cancel(
        intent_id, options={"idempotency_key": f"payment-{payment_id}-cancel"}
    )


def refund(*, intent_id: str, amount: Money, refund_id: int):
    return client().v1.refunds.create(
        params={"payment_intent": intent_id, "amount": to_minor_units(amount)},
        options={"idempotency_key": f"refund-{refund_id}"},
    )


def retrieve_intent(intent_id: str):
    return client().v1.payment_intents.retrieve(intent_id)


def transfer(*, amount: Money, destination: str, idempotency_key: str, transfer_group: str):
    """Pay a seller's connected account (separate charges and transfers)."""
    return client().v1.transfers.create(
        params={
            "amount": to_minor_units(amount),
            "currency": amount.currency.lower(),
            "destination": destination,
            "transfer_group": transfer_group,
        },
        options={"idempotency_key": idempotency_key},
    )


def webhook_event(*, payload: bytes, signature: str):
    """The verified event; raises stripe.SignatureVerificationError or ValueError."""
    return stripe.Webhook.construct_event(payload, signature, settings.STRIPE_WEBHOOK_SECRET)

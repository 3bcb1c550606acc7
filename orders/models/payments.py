"""Payments of orders (card through Stripe, invoice with net terms, at the outlet), refunds,
Stripe's webhook events, and the credit the platform gives business buyers."""

from django.db import models
from django.db.models import F, Q

from marketplace.models import Organisation
from orders.models.choices import PaymentMethod, PaymentStatus
from orders.models.delivery import MONEY
from orders.models.orders import Order


class Payment(models.Model):
    """How one order is paid. A card order holds one Stripe PaymentIntent, authorised at
    checkout and captured when the seller accepts; an invoice falls due `net_days` later."""

    order = models.OneToOneField(Order, on_delete=models.CASCADE, related_name="payment")
    method = models.CharField(max_length=10, choices=PaymentMethod.choices)
    status = models.CharField(
        max_length=20, choices=PaymentStatus.choices, default=PaymentStatus.PENDING
    )
    currency = models.CharField(max_length=3)
    amount = models.DecimalField(**MONEY)
    refunded_amount = models.DecimalField(**MONEY, default=0)
    stripe_payment_intent_id = models.CharField(max_length=80, null=True, blank=True, unique=True)
    # Pay at pickup: how the outlet took the money (cash, card terminal).
    collected_by = models.CharField(max_length=20, blank=True)
    due_at = models.DateTimeField(null=True, blank=True)
    paid_at = models.DateTimeField(null=True, blank=True)
    failure_message = models.CharField(max_length=300, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["id"]
        constraints = [
            models.CheckConstraint(
                condition=Q(status__in=PaymentStatus.values), name="payment_status_valid"
            ),
            models.CheckConstraint(
                condition=Q(method__in=PaymentMethod.values), name="payment_method_valid"
            ),
            models.CheckConstraint(
                condition=Q(amount__gte=0, refunded_amount__gte=0)
                & Q(refunded_amount__lte=F("amount")),
                name="payment_refunds_within_amount",
            ),
        ]
        indexes = [models.Index(fields=["method", "status"])]

    def __str__(self) -> str:
        return f"Payment {self.pk} ({self.method}, {self.status})"


class Refund(models.Model):
    """Money given back on a payment, in full or in part."""

    payment = models.ForeignKey(Payment, on_delete=models.PROTECT, related_name="refunds")
    amount = models.DecimalField(**MONEY)
    reason = models.CharField(max_length=300)
    stripe_refund_id = models.CharField(max_length=80, null=True, blank=True, unique=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["id"]
        constraints = [
            models.CheckConstraint(condition=Q(amount__gt=0), name="refund_amount_positive"),
        ]

    def __str__(self) -> str:
        return f"Refund {self.pk}: {self.amount}"


class StripeEvent(models.Model):
    """A Stripe webhook event we have acted on; the unique id makes each one count once."""

    event_id = models.CharField(max_length=80, unique=True)
    type = models.CharField(max_length=80)
    payment = models.ForeignKey(
        Payment, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    received_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["id"]

    def __str__(self) -> str:
        return f"{self.type} {self.event_id}"


class InvoiceTerms(models.Model):
    """Credit the platform grants a business buyer: orders on invoice up to `credit_limit`
    outstanding, each due `net_days` after the seller accepts it."""

    organisation = models.OneToOneField(
        Organisation, on_delete=models.CASCADE, related_name="invoice_terms"
    )
    currency = models.CharField(max_length=3, default="USD")
    credit_limit = models.DecimalField(**MONEY)
    net_days = models.PositiveSmallIntegerField(default=30)

    class Meta:
        verbose_name_plural = "invoice terms"
        constraints = [
            models.CheckConstraint(
                condition=Q(credit_limit__gte=0), name="invoice_terms_limit_not_negative"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.organisation}: {self.credit_limit} {self.currency}, net {self.net_days}"

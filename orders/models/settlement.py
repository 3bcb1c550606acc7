"""What the platform keeps and what it pays out: commission rates and seller payouts."""

from django.conf import settings
from django.db import models
from django.db.models import Q

from marketplace.models import Organisation
from orders.models.choices import Channel, PayoutStatus
from orders.models.delivery import MONEY


class CommissionRate(models.Model):
    """The platform's rate for a channel; a row naming a seller is a rate agreed with them."""

    channel = models.CharField(max_length=3, choices=Channel.choices)
    seller_organisation = models.ForeignKey(
        Organisation, null=True, blank=True, on_delete=models.CASCADE, related_name="+"
    )
    seller_user = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.CASCADE, related_name="+"
    )
    rate = models.DecimalField(max_digits=5, decimal_places=4)

    class Meta:
        ordering = ["channel", "id"]
        constraints = [
            models.CheckConstraint(
                condition=Q(rate__gte=0, rate__lte=1), name="commission_rate_between_0_and_1"
            ),
            models.CheckConstraint(
                condition=Q(seller_organisation__isnull=True) | Q(seller_user__isnull=True),
                name="commission_rate_at_most_one_seller",
            ),
            models.UniqueConstraint(
                fields=["channel"],
                condition=Q(seller_organisation__isnull=True, seller_user__isnull=True),
                name="commission_rate_one_platform_rate_per_channel",
            ),
            models.UniqueConstraint(
                fields=["channel", "seller_organisation"],
                condition=Q(seller_organisation__isnull=False),
                name="commission_rate_one_per_organisation",
            ),
            models.UniqueConstraint(
                fields=["channel", "seller_user"],
                condition=Q(seller_user__isnull=False),
                name="commission_rate_one_per_individual",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.channel}: {self.rate:%}"


class PayoutAccount(models.Model):
    """Where a seller's money goes: their connected Stripe account."""

    seller_organisation = models.OneToOneField(
        Organisation, null=True, blank=True, on_delete=models.CASCADE, related_name="+"
    )
    seller_user = models.OneToOneField(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.CASCADE, related_name="+"
    )
    stripe_account_id = models.CharField(max_length=80)

    class Meta:
        constraints = [
            models.CheckConstraint(
                condition=Q(seller_organisation__isnull=False, seller_user__isnull=True)
                | Q(seller_organisation__isnull=True, seller_user__isnull=False),
                name="payout_account_has_one_seller",
            ),
        ]

    def __str__(self) -> str:
        return self.stripe_account_id


class Payout(models.Model):
    """The seller nets of one seller's orders that became payable in a period, paid once."""

    seller_organisation = models.ForeignKey(
        Organisation, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    seller_user = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    currency = models.CharField(max_length=3)
    period_start = models.DateField()
    period_end = models.DateField()
    amount = models.DecimalField(**MONEY)
    status = models.CharField(
        max_length=10, choices=PayoutStatus.choices, default=PayoutStatus.PENDING
    )
    stripe_transfer_id = models.CharField(max_length=80, blank=True)
    paid_at = models.DateTimeField(null=True, blank=True)
    failure_message = models.CharField(max_length=300, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-period_start", "id"]
        constraints = [
            models.CheckConstraint(
                condition=Q(seller_organisation__isnull=False, seller_user__isnull=True)
                | Q(seller_organisation__isnull=True, seller_user__isnull=False),
                name="payout_has_one_seller",
            ),
            models.CheckConstraint(condition=Q(amount__gte=0), name="payout_amount_not_negative"),
            models.CheckConstraint(
                condition=Q(period_end__gt=models.F("period_start")), name="payout_period_ordered"
            ),
            models.UniqueConstraint(
                fields=["seller_organisation", "currency", "period_start"],
                condition=Q(seller_organisation__isnull=False),
                name="payout_once_per_organisation_period",
            ),
            models.UniqueConstraint(
                fields=["seller_user", "currency", "period_start"],
                condition=Q(seller_user__isnull=False),
                name="payout_once_per_individual_period",
            ),
        ]

    def __str__(self) -> str:
        return f"Payout {self.pk}: {self.amount} {self.currency}"

    @property
    def transfer_idempotency_key(self) -> str:
        """The same payout can only ever become one Stripe transfer."""
        return f"payout-{self.pk}-transfer"

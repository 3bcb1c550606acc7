"""Insurers' warranty plans tied to a scheme, the policies issued for sold units, and claims."""

import secrets

from django.conf import settings
from django.db import models
from django.db.models import F, Q
from django.utils.translation import gettext_lazy as _

from catalog.models import Listing
from certification.models.schemes import Certificate, Scheme
from marketplace.models import Organisation

MONEY = {"max_digits": 12, "decimal_places": 2}


class WarrantyPlan(models.Model):
    """An insurer's cover for parts certified under a scheme: how long, what it pays, and the
    premium rule (rates by condition, grade and part type, never below the minimum)."""

    insurer = models.ForeignKey(Organisation, on_delete=models.PROTECT, related_name="plans")
    scheme = models.ForeignKey(Scheme, on_delete=models.PROTECT, related_name="plans")
    name = models.CharField(max_length=120)
    currency = models.CharField(max_length=3, default="USD")
    cover_months = models.PositiveSmallIntegerField()
    cover_km = models.PositiveIntegerField(null=True, blank=True)
    labour_covered = models.BooleanField(default=False)
    labour_hourly_cap = models.DecimalField(**MONEY, null=True, blank=True)
    max_payout_per_claim = models.DecimalField(**MONEY)
    max_payout_total = models.DecimalField(**MONEY)
    excess = models.DecimalField(**MONEY, default=0)
    default_rate = models.DecimalField(max_digits=6, decimal_places=4)
    minimum_premium = models.DecimalField(**MONEY, default=0)
    active = models.BooleanField(default=True)

    class Meta:
        ordering = ["name", "id"]
        constraints = [
            models.CheckConstraint(condition=Q(cover_months__gte=1), name="plan_cover_positive"),
            models.CheckConstraint(
                condition=Q(max_payout_per_claim__gt=0)
                & Q(max_payout_total__gte=F("max_payout_per_claim"))
                & Q(excess__gte=0, minimum_premium__gte=0),
                name="plan_limits_consistent",
            ),
            models.CheckConstraint(
                condition=Q(default_rate__gte=0, default_rate__lte=1), name="plan_rate_valid"
            ),
            models.CheckConstraint(
                condition=Q(labour_covered=False) | Q(labour_hourly_cap__isnull=False),
                name="plan_labour_has_a_cap",
            ),
        ]

    def __str__(self) -> str:
        return self.name

    @property
    def owner_organisation_id(self) -> int:
        return self.insurer_id


class PremiumRate(models.Model):
    """A rate of the covered value for a condition, optionally narrowed to a grade and a part
    type; the most specific matching row applies (see `certification.premiums`)."""

    plan = models.ForeignKey(WarrantyPlan, on_delete=models.CASCADE, related_name="rates")
    condition = models.CharField(max_length=20)
    grade = models.CharField(max_length=1, blank=True)
    part_type = models.CharField(max_length=60, blank=True)  # a part type code
    rate = models.DecimalField(max_digits=6, decimal_places=4)

    class Meta:
        ordering = ["plan_id", "condition", "grade", "part_type"]
        constraints = [
            models.UniqueConstraint(
                fields=["plan", "condition", "grade", "part_type"], name="premium_rate_unique"
            ),
            models.CheckConstraint(
                condition=Q(rate__gte=0, rate__lte=1), name="premium_rate_valid"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.condition}/{self.grade or '*'}/{self.part_type or '*'}: {self.rate}"


class WarrantyPolicy(models.Model):
    """The cover issued for one sold unit. The sale is recorded as plain data (`sale_reference`
    names the order line); one policy per unit of a sale, whatever repeats."""

    number = models.CharField(max_length=40, unique=True)
    plan = models.ForeignKey(WarrantyPlan, on_delete=models.PROTECT, related_name="policies")
    certificate = models.ForeignKey(Certificate, on_delete=models.PROTECT, related_name="+")
    listing = models.ForeignKey(Listing, on_delete=models.PROTECT, related_name="+")
    unit = models.PositiveIntegerField()
    sale_reference = models.CharField(max_length=80)
    seller_organisation = models.ForeignKey(
        Organisation, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    seller_user = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    holder = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="warranty_policies"
    )
    # Transferable: the vehicle owner the garage fitted the part for.
    holder_name = models.CharField(max_length=200, blank=True)
    holder_email = models.EmailField(blank=True)
    starts_on = models.DateField()
    ends_on = models.DateField()
    cover_km = models.PositiveIntegerField(null=True, blank=True)
    currency = models.CharField(max_length=3)
    covered_value = models.DecimalField(**MONEY)
    premium = models.DecimalField(**MONEY)
    included_by_seller = models.BooleanField(default=False)
    issued_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-issued_at", "-id"]
        verbose_name_plural = "warranty policies"
        constraints = [
            models.UniqueConstraint(
                fields=["sale_reference", "unit"], name="policy_once_per_sold_unit"
            ),
            models.CheckConstraint(
                condition=Q(ends_on__gt=F("starts_on")), name="policy_period_ordered"
            ),
            models.CheckConstraint(
                condition=Q(covered_value__gte=0, premium__gte=0), name="policy_amounts_valid"
            ),
        ]
        indexes = [models.Index(fields=["holder", "-issued_at"])]

    def __str__(self) -> str:
        return self.number


class ClaimStatus(models.TextChoices):
    FILED = "filed", _("Filed")
    INFO_REQUESTED = "info_requested", _("More information requested")
    APPROVED = "approved", _("Approved")
    REJECTED = "rejected", _("Rejected")
    SETTLED = "settled", _("Settled")


CLAIM_TRANSITIONS: dict[str, set[str]] = {
    ClaimStatus.FILED: {ClaimStatus.APPROVED, ClaimStatus.INFO_REQUESTED, ClaimStatus.REJECTED},
    ClaimStatus.INFO_REQUESTED: {ClaimStatus.FILED, ClaimStatus.REJECTED},
    ClaimStatus.APPROVED: {ClaimStatus.SETTLED},
    ClaimStatus.REJECTED: set(),
    ClaimStatus.SETTLED: set(),
}


class Claim(models.Model):
    """A holder's request against a policy: what failed, when, at what mileage, and the labour."""

    policy = models.ForeignKey(WarrantyPolicy, on_delete=models.PROTECT, related_name="claims")
    status = models.CharField(max_length=20, choices=ClaimStatus.choices, default=ClaimStatus.FILED)
    failure = models.TextField()
    failed_on = models.DateField()
    mileage_km = models.PositiveIntegerField(null=True, blank=True)
    labour_hours = models.DecimalField(max_digits=6, decimal_places=2, default=0)
    labour_rate = models.DecimalField(**MONEY, default=0)
    parts_amount = models.DecimalField(**MONEY, default=0)
    approved_amount = models.DecimalField(**MONEY, null=True, blank=True)
    decision_reason = models.CharField(max_length=300, blank=True)
    filed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        constraints = [
            models.CheckConstraint(
                condition=Q(status__in=ClaimStatus.values), name="claim_status_valid"
            ),
            models.CheckConstraint(
                condition=Q(labour_hours__gte=0, labour_rate__gte=0, parts_amount__gte=0),
                name="claim_amounts_not_negative",
            ),
            models.CheckConstraint(
                condition=Q(approved_amount__isnull=True) | Q(approved_amount__gte=0),
                name="claim_approved_amount_not_negative",
            ),
        ]

    def __str__(self) -> str:
        return f"Claim {self.pk} on {self.policy_id}"


class ClaimEvent(models.Model):
    claim = models.ForeignKey(Claim, on_delete=models.CASCADE, related_name="events")
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    from_status = models.CharField(max_length=20, blank=True)
    to_status = models.CharField(max_length=20)
    reason = models.CharField(max_length=300, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["claim_id", "id"]

    def __str__(self) -> str:
        return f"{self.claim_id}: {self.from_status or '-'} -> {self.to_status}"


def claim_document_path(document: "ClaimDocument", filename: str) -> str:
    """A random folder: a private document's path must not be guessable."""
    return f"claims/{document.claim_id}/{secrets.token_hex(16)}/{filename}"


class ClaimDocument(models.Model):
    """A photo or garage report attached to a claim."""

    claim = models.ForeignKey(Claim, on_delete=models.CASCADE, related_name="documents")
    file = models.FileField(upload_to=claim_document_path)
    description = models.CharField(max_length=200, blank=True)
    uploaded_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["claim_id", "id"]

    def __str__(self) -> str:
        return self.description or self.file.name


class ClaimPayoutStatus(models.TextChoices):
    PENDING = "pending", _("Pending settlement")
    SETTLED = "settled", _("Settled")


class ClaimPayout(models.Model):
    """What an approved claim pays the holder. `orders` settles it (a card refund or credit)
    through its own service and records how in `settlement_reference`."""

    claim = models.OneToOneField(Claim, on_delete=models.PROTECT, related_name="payout")
    amount = models.DecimalField(**MONEY)
    currency = models.CharField(max_length=3)
    status = models.CharField(
        max_length=10, choices=ClaimPayoutStatus.choices, default=ClaimPayoutStatus.PENDING
    )
    settlement_reference = models.CharField(max_length=120, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    settled_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["id"]
        constraints = [
            models.CheckConstraint(condition=Q(amount__gt=0), name="claim_payout_positive"),
        ]
        indexes = [
            models.Index(fields=["id"], condition=Q(status="pending"), name="claim_payout_pending")
        ]

    def __str__(self) -> str:
        return f"Payout for claim {self.claim_id}: {self.amount} {self.currency}"


class IncludedWarranty(models.Model):
    """A seller's choice to include a plan's cover in a listing's price: the buyer gets the
    policy at no extra cost and the premium comes out of the seller's net."""

    listing = models.OneToOneField(
        Listing, on_delete=models.CASCADE, related_name="included_warranty"
    )
    plan = models.ForeignKey(WarrantyPlan, on_delete=models.PROTECT, related_name="+")
    updated_at = models.DateTimeField(auto_now=True)

    def __str__(self) -> str:
        return f"{self.plan} included with listing {self.listing_id}"

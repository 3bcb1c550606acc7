"""Certification schemes and the certificates certifiers issue under them."""

import secrets

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from catalog.models import BadgeSubject, Listing, ProductLine
from marketplace.models import Organisation


class Scheme(models.Model):
    """A certifier's standard: what it certifies, by which criteria, and its badge."""

    certifier = models.ForeignKey(Organisation, on_delete=models.PROTECT, related_name="schemes")
    name = models.CharField(max_length=120)
    slug = models.SlugField(max_length=80, unique=True)
    badge_label = models.CharField(max_length=80)
    badge_text = models.CharField(max_length=200, blank=True)
    subject = models.CharField(max_length=20, choices=BadgeSubject.choices)
    criteria = models.TextField()
    default_validity_days = models.PositiveIntegerField(default=365)
    active = models.BooleanField(default=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["name", "id"]
        constraints = [
            models.CheckConstraint(
                condition=Q(subject__in=BadgeSubject.values), name="scheme_subject_valid"
            ),
            models.CheckConstraint(
                condition=Q(default_validity_days__gte=1), name="scheme_validity_positive"
            ),
        ]

    def __str__(self) -> str:
        return self.name

    @property
    def owner_organisation_id(self) -> int:
        return self.certifier_id


class CertificateStatus(models.TextChoices):
    ACTIVE = "active", _("Active")
    SUSPENDED = "suspended", _("Suspended")
    REVOKED = "revoked", _("Revoked")
    EXPIRED = "expired", _("Expired")


# Expiry is by date (a certificate past `expires_on` is not valid whatever its status says);
# the sweep only records it as `expired` afterwards.
CERTIFICATE_TRANSITIONS: dict[str, set[str]] = {
    CertificateStatus.ACTIVE: {
        CertificateStatus.SUSPENDED, CertificateStatus.REVOKED, CertificateStatus.EXPIRED,
    },
    CertificateStatus.SUSPENDED: {
        CertificateStatus.ACTIVE, CertificateStatus.REVOKED, CertificateStatus.EXPIRED,
    },
    CertificateStatus.REVOKED: set(),
    CertificateStatus.EXPIRED: set(),
}  # fmt: skip


class Certificate(models.Model):
    """A certifier's statement that one subject meets a scheme, from `issued_on` until
    `expires_on` (inclusive). The number is printed on the part and is hard to guess."""

    number = models.CharField(max_length=40, unique=True)
    scheme = models.ForeignKey(Scheme, on_delete=models.PROTECT, related_name="certificates")
    subject = models.CharField(max_length=20, choices=BadgeSubject.choices)
    listing = models.ForeignKey(
        Listing, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    product_line = models.ForeignKey(
        ProductLine, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    seller_organisation = models.ForeignKey(
        Organisation, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    issued_on = models.DateField()
    expires_on = models.DateField()
    status = models.CharField(
        max_length=10, choices=CertificateStatus.choices, default=CertificateStatus.ACTIVE
    )
    status_reason = models.CharField(max_length=300, blank=True)
    issued_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["-issued_on", "-id"]
        constraints = [
            models.CheckConstraint(
                condition=Q(status__in=CertificateStatus.values), name="certificate_status_valid"
            ),
            models.CheckConstraint(
                condition=Q(expires_on__gte=models.F("issued_on")),
                name="certificate_period_ordered",
            ),
            models.CheckConstraint(
                condition=Q(
                    subject=BadgeSubject.LISTING,
                    listing__isnull=False,
                    product_line__isnull=True,
                    seller_organisation__isnull=True,
                )
                | Q(
                    subject=BadgeSubject.PRODUCT_LINE,
                    listing__isnull=True,
                    product_line__isnull=False,
                    seller_organisation__isnull=True,
                )
                | Q(
                    subject=BadgeSubject.SELLER,
                    listing__isnull=True,
                    product_line__isnull=True,
                    seller_organisation__isnull=False,
                ),
                name="certificate_covers_one_subject",
            ),
        ]
        indexes = [
            models.Index(fields=["scheme", "status"]),
            models.Index(fields=["expires_on"], condition=Q(status="active"), name="cert_expiry"),
        ]

    def __str__(self) -> str:
        return self.number


class CertificateEvent(models.Model):
    """One change of a certificate: who, when, from, to and why. Never edited."""

    certificate = models.ForeignKey(Certificate, on_delete=models.CASCADE, related_name="events")
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    from_status = models.CharField(max_length=10, blank=True)
    to_status = models.CharField(max_length=10)
    reason = models.CharField(max_length=300, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["certificate_id", "id"]

    def __str__(self) -> str:
        return f"{self.certificate_id}: {self.from_status or '-'} -> {self.to_status}"


def evidence_path(document: "EvidenceDocument", filename: str) -> str:
    """A random folder: a private document's path must not be guessable."""
    return f"certificates/{document.certificate_id}/{secrets.token_hex(16)}/{filename}"


class EvidenceDocument(models.Model):
    """A test report or inspection record backing a certificate (private to the certifier
    and the certified party)."""

    certificate = models.ForeignKey(Certificate, on_delete=models.CASCADE, related_name="evidence")
    file = models.FileField(upload_to=evidence_path)
    description = models.CharField(max_length=200)
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    uploaded_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["certificate_id", "id"]

    def __str__(self) -> str:
        return self.description

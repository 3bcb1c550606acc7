"""What a certifier's certificates say about listings, as the catalog shows them.

`certification` decides and writes these rows through `catalog.badges`; the catalog never
reads certification's models. A badge covers one listing, a remanufacturer's product line, or
a seller as a whole; search counts a listing as certified while a badge covering it is active
and `valid_until` has not passed, so expiry needs no job.
"""

from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from catalog.models.listings import Listing
from marketplace.models import Organisation


class ProductLine(models.Model):
    """A remanufacturer's named range of products (e.g. "Gold reman alternators"), certified
    as a whole; its listings carry the line's badges."""

    organisation = models.ForeignKey(
        Organisation, on_delete=models.CASCADE, related_name="product_lines"
    )
    name = models.CharField(max_length=120)
    description = models.TextField(blank=True)

    class Meta:
        ordering = ["organisation_id", "name"]
        constraints = [
            models.UniqueConstraint(fields=["organisation", "name"], name="product_line_unique"),
        ]

    def __str__(self) -> str:
        return self.name

    @property
    def owner_organisation_id(self) -> int:
        return self.organisation_id


class BadgeSubject(models.TextChoices):
    LISTING = "listing", _("A listing")
    PRODUCT_LINE = "product_line", _("A product line")
    SELLER = "seller", _("A seller as a whole")


class Badge(models.Model):
    """One certificate as shown on what it covers: scheme, label, number and validity."""

    certificate_number = models.CharField(max_length=40, unique=True)
    scheme_slug = models.SlugField(max_length=80)
    label = models.CharField(max_length=80)
    summary = models.CharField(max_length=200, blank=True)
    certifier_name = models.CharField(max_length=200)
    subject = models.CharField(max_length=20, choices=BadgeSubject.choices)
    listing = models.ForeignKey(
        Listing, null=True, blank=True, on_delete=models.CASCADE, related_name="badges"
    )
    product_line = models.ForeignKey(
        ProductLine, null=True, blank=True, on_delete=models.CASCADE, related_name="badges"
    )
    seller_organisation = models.ForeignKey(
        Organisation, null=True, blank=True, on_delete=models.CASCADE, related_name="badges"
    )
    valid_from = models.DateField()
    valid_until = models.DateField()
    # False while the certificate is suspended or after it is revoked.
    active = models.BooleanField(default=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["valid_until", "id"]
        constraints = [
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
                name="badge_covers_one_subject",
            ),
            models.CheckConstraint(
                condition=Q(valid_until__gte=models.F("valid_from")), name="badge_period_ordered"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.label} ({self.certificate_number})"

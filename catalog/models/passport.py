"""The passport: the tamper-evident history of a listing and of each of its units.

Each event stores a SHA-256 over its own content and the hash of the event before it (in the
same listing's chain), so changing or deleting any earlier event breaks every hash after it.
Rows are only ever appended, by `catalog.passport.passport_append`.
"""

from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from catalog.models.listings import Listing
from marketplace.models import Organisation

GENESIS_HASH = "0" * 64


class PassportEventKind(models.TextChoices):
    DISMANTLED = "dismantled", _("Dismantled from the donor vehicle")
    INSPECTED = "inspected", _("Inspected and graded")
    REMANUFACTURED = "remanufactured", _("Remanufactured")
    TESTED = "tested", _("Tested")
    CERTIFIED = "certified", _("Certified")
    CERTIFICATE_CHANGED = "certificate_changed", _("Certificate suspended, restored or revoked")
    LISTED = "listed", _("Listed for sale")
    SOLD = "sold", _("Sold")
    WARRANTY_ISSUED = "warranty_issued", _("Warranty issued")
    CLAIM = "claim", _("Warranty claim")
    CORE_RETURNED = "core_returned", _("Core returned")


class PassportEvent(models.Model):
    listing = models.ForeignKey(Listing, on_delete=models.PROTECT, related_name="passport")
    sequence = models.PositiveIntegerField()
    # Which unit of the listing the event concerns (1, 2, ...); empty for the listing as a whole.
    unit = models.PositiveIntegerField(null=True, blank=True)
    kind = models.CharField(max_length=30, choices=PassportEventKind.choices)
    details = models.JSONField(default=dict)
    recorded_by = models.ForeignKey(
        Organisation, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    recorded_at = models.DateTimeField()
    previous_hash = models.CharField(max_length=64)
    hash = models.CharField(max_length=64, unique=True)

    class Meta:
        ordering = ["listing_id", "sequence"]
        constraints = [
            models.UniqueConstraint(
                fields=["listing", "sequence"], name="passport_event_sequence_unique"
            ),
            models.CheckConstraint(
                condition=Q(sequence__gte=1), name="passport_event_sequence_from_one"
            ),
            models.CheckConstraint(
                condition=Q(kind__in=PassportEventKind.values), name="passport_event_kind_valid"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.listing_id}#{self.sequence} {self.kind}"

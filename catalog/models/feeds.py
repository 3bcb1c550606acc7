"""Inventory feeds: a seller's CSV upload, imported as a job with a report of rejected rows."""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from marketplace.models import Organisation


class FeedImportStatus(models.TextChoices):
    QUEUED = "queued", _("Queued")
    RUNNING = "running", _("Running")
    DONE = "done", _("Done")
    FAILED = "failed", _("Failed")


class FeedImport(models.Model):
    seller_organisation = models.ForeignKey(
        Organisation, on_delete=models.CASCADE, related_name="feed_imports"
    )
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    file = models.FileField(upload_to="feeds/%Y/%m/")
    original_name = models.CharField(max_length=255, blank=True)
    withdraw_missing = models.BooleanField(
        default=False, help_text="A full feed: withdraw this seller's listings missing from it."
    )
    status = models.CharField(
        max_length=10, choices=FeedImportStatus.choices, default=FeedImportStatus.QUEUED
    )
    rows_total = models.PositiveIntegerField(default=0)
    created_count = models.PositiveIntegerField(default=0)
    updated_count = models.PositiveIntegerField(default=0)
    unchanged_count = models.PositiveIntegerField(default=0)
    rejected_count = models.PositiveIntegerField(default=0)
    withdrawn_count = models.PositiveIntegerField(default=0)
    error_code = models.CharField(max_length=40, blank=True)
    error_message = models.TextField(blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    started_at = models.DateTimeField(null=True, blank=True)
    finished_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        constraints = [
            models.CheckConstraint(
                condition=Q(status__in=FeedImportStatus.values), name="feed_import_status_valid"
            ),
        ]

    def __str__(self) -> str:
        return f"Feed {self.pk} of {self.seller_organisation_id} ({self.status})"

    @property
    def owner_organisation_id(self) -> int:
        return self.seller_organisation_id


class FeedRejection(models.Model):
    """One rejected row of a feed: where it is and why nothing of it was written."""

    feed_import = models.ForeignKey(FeedImport, on_delete=models.CASCADE, related_name="rejections")
    line = models.PositiveIntegerField()
    column = models.CharField(max_length=60, blank=True)
    reason = models.CharField(max_length=300)
    value = models.CharField(max_length=200, blank=True)

    class Meta:
        ordering = ["feed_import_id", "line", "id"]

    def __str__(self) -> str:
        return f"line {self.line}: {self.reason}"

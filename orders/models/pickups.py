"""Guarding pickup codes: failed look-ups per outlet staff member, and the lockout they earn."""

from django.conf import settings
from django.db import models

from marketplace.models import Organisation


class PickupLockout(models.Model):
    """Failed pickup-code look-ups by one staff member at one outlet in the current window."""

    outlet = models.ForeignKey(Organisation, on_delete=models.CASCADE, related_name="+")
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    failures = models.PositiveIntegerField(default=0)
    window_started_at = models.DateTimeField()
    locked_until = models.DateTimeField(null=True, blank=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["outlet", "user"], name="pickup_lockout_unique"),
        ]

    def __str__(self) -> str:
        return f"{self.user_id} at {self.outlet_id}: {self.failures} failures"

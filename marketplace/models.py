"""Parties of the marketplace: users, organisations and their memberships."""

from django.contrib.auth.models import AbstractUser
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _


class User(AbstractUser):
    """A person. With no membership a user is an individual buyer who may also sell (C2C)."""

    email = models.EmailField(unique=True)

    class Meta:
        ordering = ["id"]


class OrganisationKind(models.TextChoices):
    GARAGE = "garage", _("Garage")
    DISMANTLER = "dismantler", _("Dismantler")
    REMANUFACTURER = "remanufacturer", _("Remanufacturer")
    OUTLET = "outlet", _("Outlet")
    CERTIFIER = "certifier", _("Certifier")
    INSURER = "insurer", _("Insurer")
    PLATFORM = "platform", _("Platform operator")


SELLER_KINDS = frozenset({OrganisationKind.DISMANTLER, OrganisationKind.REMANUFACTURER})


class OrganisationStatus(models.TextChoices):
    PENDING = "pending", _("Pending approval")
    APPROVED = "approved", _("Approved")
    SUSPENDED = "suspended", _("Suspended")


ORGANISATION_TRANSITIONS = {
    OrganisationStatus.PENDING: {OrganisationStatus.APPROVED},
    OrganisationStatus.APPROVED: {OrganisationStatus.SUSPENDED},
    OrganisationStatus.SUSPENDED: {OrganisationStatus.APPROVED},
}


class Organisation(models.Model):
    """A business taking part in the marketplace; it acts only once the platform approves it."""

    name = models.CharField(max_length=200)
    slug = models.SlugField(max_length=80, unique=True)
    kind = models.CharField(max_length=20, choices=OrganisationKind.choices)
    status = models.CharField(
        max_length=20, choices=OrganisationStatus.choices, default=OrganisationStatus.PENDING
    )
    email = models.EmailField(blank=True)
    phone = models.CharField(max_length=40, blank=True)
    vat_number = models.CharField(max_length=40, blank=True)
    address = models.CharField(max_length=300, blank=True)
    city = models.CharField(max_length=100, blank=True)
    postcode = models.CharField(max_length=20, blank=True)
    country = models.CharField(max_length=2, default="US")
    created_at = models.DateTimeField(auto_now_add=True)
    status_changed_at = models.DateTimeField(null=True, blank=True)
    status_changed_by = models.ForeignKey(
        User, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    class Meta:
        ordering = ["name", "id"]
        constraints = [
            models.CheckConstraint(
                condition=Q(kind__in=OrganisationKind.values), name="organisation_kind_valid"
            ),
            models.CheckConstraint(
                condition=Q(status__in=OrganisationStatus.values),
                name="organisation_status_valid",
            ),
        ]

    def __str__(self) -> str:
        return self.name

    @property
    def is_approved(self) -> bool:
        return self.status == OrganisationStatus.APPROVED

    @property
    def can_sell(self) -> bool:
        return self.is_approved and self.kind in SELLER_KINDS


class MembershipRole(models.TextChoices):
    OWNER = "owner", _("Owner")
    STAFF = "staff", _("Staff")


class Membership(models.Model):
    user = models.ForeignKey(User, on_delete=models.CASCADE, related_name="memberships")
    organisation = models.ForeignKey(
        Organisation, on_delete=models.CASCADE, related_name="memberships"
    )
    role = models.CharField(max_length=10, choices=MembershipRole.choices)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["organisation_id", "id"]
        constraints = [
            models.UniqueConstraint(fields=["user", "organisation"], name="membership_unique"),
            models.CheckConstraint(
                condition=Q(role__in=MembershipRole.values), name="membership_role_valid"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.user} @ {self.organisation} ({self.role})"

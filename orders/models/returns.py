"""Things coming back: worn cores owed for remanufactured parts, and parts returned for refund
(RMA). Both travel the same way (a return code, drop-off at an outlet or by post, inspection);
they differ in what they pay out (core credit, or a refund)."""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from catalog.models import Location
from marketplace.models import Organisation
from orders.models.orders import OrderLine

MONEY = {"max_digits": 12, "decimal_places": 2}
User = settings.AUTH_USER_MODEL


class SellerReturnPolicy(models.Model):
    """A seller's published return terms."""

    seller_organisation = models.OneToOneField(
        Organisation, null=True, blank=True, on_delete=models.CASCADE, related_name="+"
    )
    seller_user = models.OneToOneField(
        User, null=True, blank=True, on_delete=models.CASCADE, related_name="+"
    )
    return_window_days = models.PositiveSmallIntegerField(default=30)
    restocking_fee_rate = models.DecimalField(max_digits=5, decimal_places=4, default=0)
    # Outlets may inspect this seller's cores at the counter and decide the credit.
    outlets_inspect_cores = models.BooleanField(default=False)

    class Meta:
        constraints = [
            models.CheckConstraint(
                condition=Q(seller_organisation__isnull=False, seller_user__isnull=True)
                | Q(seller_organisation__isnull=True, seller_user__isnull=False),
                name="return_policy_has_one_seller",
            ),
            models.CheckConstraint(
                condition=Q(restocking_fee_rate__gte=0, restocking_fee_rate__lte="0.5"),
                name="return_policy_fee_at_most_half",
            ),
        ]

    def __str__(self) -> str:
        return f"Returns within {self.return_window_days} days"


class ReturnKind(models.TextChoices):
    CORE = "core", _("Core return")
    RMA = "rma", _("Part return for refund")


class ReturnStatus(models.TextChoices):
    REQUESTED = "requested", _("Requested, awaiting the seller")
    DECLINED = "declined", _("Declined by the seller")
    AWAITING_RETURN = "awaiting_return", _("Awaiting drop-off or shipment")
    DROPPED_OFF = "dropped_off", _("Dropped off at an outlet")
    SHIPPED = "shipped", _("Shipped to the seller")
    RECEIVED = "received", _("Received by the seller")
    ACCEPTED = "accepted", _("Accepted")
    PARTIALLY_ACCEPTED = "partially_accepted", _("Partially accepted")
    REJECTED = "rejected", _("Rejected")
    CANCELLED = "cancelled", _("Cancelled")


R = ReturnStatus
INSPECTED = {R.ACCEPTED, R.PARTIALLY_ACCEPTED, R.REJECTED}
RETURN_TRANSITIONS: dict[str, set[str]] = {
    R.REQUESTED: {R.AWAITING_RETURN, R.DECLINED, R.CANCELLED},
    R.AWAITING_RETURN: {R.DROPPED_OFF, R.SHIPPED, R.CANCELLED},
    # An outlet inspects at the counter when the seller lets it; else the seller on arrival.
    R.DROPPED_OFF: {R.RECEIVED, *INSPECTED},
    R.SHIPPED: {R.RECEIVED},
    R.RECEIVED: set(INSPECTED),
    R.ACCEPTED: set(),
    R.PARTIALLY_ACCEPTED: set(),
    R.REJECTED: set(),
    R.DECLINED: set(),
    R.CANCELLED: set(),
}


class RmaReason(models.TextChoices):
    WRONG_FITMENT = "wrong_fitment", _("Does not fit the vehicle")
    DAMAGED_IN_TRANSIT = "damaged_in_transit", _("Damaged in transit")
    NOT_AS_DESCRIBED = "not_as_described", _("Not as described")
    FAULTY = "faulty", _("Faulty")
    CHANGED_MIND = "changed_mind", _("Changed my mind")


class RefundRoute(models.TextChoices):
    ORIGINAL = "original", _("To the original payment (card or invoice)")
    CREDIT = "credit", _("As credit")


class ReturnCase(models.Model):
    """One return of one order line: a core (one unit) or parts for refund (some units)."""

    kind = models.CharField(max_length=4, choices=ReturnKind.choices)
    order_line = models.ForeignKey(OrderLine, on_delete=models.PROTECT, related_name="returns")
    quantity = models.PositiveIntegerField(default=1)
    buyer_organisation = models.ForeignKey(
        Organisation, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    buyer_user = models.ForeignKey(User, on_delete=models.PROTECT, related_name="+")
    seller_organisation = models.ForeignKey(
        Organisation, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    seller_user = models.ForeignKey(
        User, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    status = models.CharField(max_length=20, choices=ReturnStatus.choices)
    # Printed as a QR code; given once the return may travel (hard to guess, single use).
    code = models.CharField(max_length=16, null=True, blank=True, unique=True)
    reason = models.CharField(max_length=20, choices=RmaReason.choices, blank=True)
    description = models.TextField(blank=True)
    refund_route = models.CharField(
        max_length=10, choices=RefundRoute.choices, default=RefundRoute.ORIGINAL
    )
    drop_off_location = models.ForeignKey(
        Location, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    carrier = models.CharField(max_length=60, blank=True)
    tracking_number = models.CharField(max_length=80, blank=True)
    # Inspection: the rubric findings (codes) and what the return pays out.
    findings = models.JSONField(default=list, blank=True)
    inspection_notes = models.TextField(blank=True)
    payout_amount = models.DecimalField(**MONEY, null=True, blank=True)
    restocking_fee = models.DecimalField(**MONEY, default=0)
    resellable = models.BooleanField(default=False)
    currency = models.CharField(max_length=3)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        constraints = [
            models.CheckConstraint(
                condition=Q(kind__in=ReturnKind.values), name="return_kind_valid"
            ),
            models.CheckConstraint(
                condition=Q(status__in=ReturnStatus.values), name="return_status_valid"
            ),
            models.CheckConstraint(
                condition=Q(kind=ReturnKind.CORE, quantity=1) | Q(kind=ReturnKind.RMA),
                name="return_core_is_one_unit",
            ),
            models.CheckConstraint(
                condition=Q(quantity__gte=1, restocking_fee__gte=0)
                & (Q(payout_amount__isnull=True) | Q(payout_amount__gte=0)),
                name="return_amounts_valid",
            ),
        ]
        indexes = [
            models.Index(fields=["buyer_organisation", "-created_at"]),
            models.Index(fields=["buyer_user", "-created_at"]),
            models.Index(fields=["seller_organisation", "-created_at"]),
            models.Index(fields=["seller_user", "-created_at"]),
        ]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} {self.pk}"


class ReturnEvent(models.Model):
    return_case = models.ForeignKey(ReturnCase, on_delete=models.CASCADE, related_name="events")
    actor = models.ForeignKey(
        User, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    from_status = models.CharField(max_length=20, blank=True)
    to_status = models.CharField(max_length=20)
    reason = models.CharField(max_length=300, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["return_case_id", "id"]

    def __str__(self) -> str:
        return f"{self.return_case_id}: {self.from_status or '-'} -> {self.to_status}"


def return_photo_path(photo: "ReturnPhoto", filename: str) -> str:
    import secrets

    return f"returns/{photo.return_case_id}/{secrets.token_hex(16)}/{filename}"


class ReturnPhoto(models.Model):
    return_case = models.ForeignKey(ReturnCase, on_delete=models.CASCADE, related_name="photos")
    image = models.ImageField(upload_to=return_photo_path)
    taken_by = models.ForeignKey(User, null=True, on_delete=models.SET_NULL, related_name="+")
    uploaded_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["return_case_id", "id"]

    def __str__(self) -> str:
        return self.image.name


class CoreStatus(models.TextChoices):
    OWED = "owed", _("Owed")
    RETURNING = "returning", _("On its way back")
    CREDITED = "credited", _("Credited")
    REJECTED = "rejected", _("Rejected at inspection")
    FORFEITED = "forfeited", _("Forfeited to the seller")
    RELEASED = "released", _("Released: the part itself was returned")


CORE_TRANSITIONS: dict[str, set[str]] = {
    CoreStatus.OWED: {CoreStatus.RETURNING, CoreStatus.FORFEITED, CoreStatus.RELEASED},
    CoreStatus.RETURNING: {CoreStatus.CREDITED, CoreStatus.REJECTED, CoreStatus.OWED},
    CoreStatus.REJECTED: {CoreStatus.RETURNING, CoreStatus.FORFEITED, CoreStatus.RELEASED},
    CoreStatus.CREDITED: set(),
    CoreStatus.FORFEITED: set(),
    CoreStatus.RELEASED: set(),
}


class CoreObligation(models.Model):
    """One core owed for one sold unit with a core charge, due by `due_on`."""

    order_line = models.ForeignKey(OrderLine, on_delete=models.PROTECT, related_name="cores")
    unit = models.PositiveIntegerField()
    buyer_organisation = models.ForeignKey(
        Organisation, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    buyer_user = models.ForeignKey(User, on_delete=models.PROTECT, related_name="+")
    seller_organisation = models.ForeignKey(
        Organisation, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    seller_user = models.ForeignKey(
        User, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    deposit = models.DecimalField(**MONEY)
    currency = models.CharField(max_length=3)
    due_on = models.DateField()
    status = models.CharField(max_length=10, choices=CoreStatus.choices, default=CoreStatus.OWED)
    return_case = models.OneToOneField(
        ReturnCase, null=True, blank=True, on_delete=models.SET_NULL, related_name="core"
    )
    credited_amount = models.DecimalField(**MONEY, null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["due_on", "id"]
        constraints = [
            models.UniqueConstraint(fields=["order_line", "unit"], name="core_once_per_unit"),
            models.CheckConstraint(
                condition=Q(status__in=CoreStatus.values), name="core_status_valid"
            ),
            models.CheckConstraint(
                condition=Q(deposit__gt=0)
                & (Q(credited_amount__isnull=True) | Q(credited_amount__lte=models.F("deposit"))),
                name="core_credit_within_deposit",
            ),
        ]
        indexes = [
            models.Index(fields=["due_on"], condition=Q(status="owed"), name="core_owed_due"),
        ]

    def __str__(self) -> str:
        return f"Core for line {self.order_line_id} unit {self.unit}"

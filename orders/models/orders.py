"""Checkouts and the orders they split into, one per seller, with their lines and history."""

from django.conf import settings
from django.db import models
from django.db.models import F, Q

from catalog.models import Listing, Location
from marketplace.models import Organisation
from orders.models.choices import SHIPPED_KINDS, Channel, DeliveryKind, OrderStatus, PaymentMethod
from orders.models.delivery import MONEY, DeliveryOption
from orders.parties import SHIP_TO_MAX_LENGTHS, ShipTo

User = settings.AUTH_USER_MODEL


class Checkout(models.Model):
    """What a buyer submitted once: the orders it split into and the total over all of them."""

    buyer_organisation = models.ForeignKey(
        Organisation, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    buyer_user = models.ForeignKey(User, on_delete=models.PROTECT, related_name="+")
    payment_method = models.CharField(max_length=10, choices=PaymentMethod.choices)
    currency = models.CharField(max_length=3)
    total = models.DecimalField(**MONEY)
    po_number = models.CharField(max_length=60, blank=True)
    # A client's retry of the same submission gets this checkout back instead of a second one.
    idempotency_key = models.CharField(max_length=80, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        constraints = [
            models.UniqueConstraint(
                fields=["buyer_user", "idempotency_key"],
                condition=~Q(idempotency_key=""),
                name="checkout_idempotency_key_unique",
            ),
            models.CheckConstraint(condition=Q(total__gte=0), name="checkout_total_not_negative"),
            models.CheckConstraint(
                condition=Q(payment_method__in=PaymentMethod.values),
                name="checkout_payment_method_valid",
            ),
        ]
        indexes = [models.Index(fields=["buyer_organisation", "-created_at"])]

    def __str__(self) -> str:
        return f"Checkout {self.pk}"


class Order(models.Model):
    """One seller's part of a checkout. Prices and totals are frozen when it is placed.

    gross (`total`) = merchandise + core charges + delivery + the buyer's warranty premiums
                    = commission + seller net + all warranty premiums (the insurer's).
    """

    checkout = models.ForeignKey(Checkout, on_delete=models.PROTECT, related_name="orders")
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
    channel = models.CharField(max_length=3, choices=Channel.choices)
    status = models.CharField(
        max_length=20, choices=OrderStatus.choices, default=OrderStatus.PLACED
    )
    payment_method = models.CharField(max_length=10, choices=PaymentMethod.choices)
    po_number = models.CharField(max_length=60, blank=True)
    currency = models.CharField(max_length=3)
    merchandise = models.DecimalField(**MONEY)
    core_charges = models.DecimalField(**MONEY)
    delivery_cost = models.DecimalField(**MONEY)
    # Warranty premiums pass to the insurer: the buyer's are in the total, the ones the seller
    # included come out of its net.
    warranty_premiums_buyer = models.DecimalField(**MONEY, default=0)
    warranty_premiums_seller = models.DecimalField(**MONEY, default=0)
    total = models.DecimalField(**MONEY)
    # The buyer's credit spent on this order; the payment covers the rest of the total.
    credit_applied = models.DecimalField(**MONEY, default=0)
    commission_rate = models.DecimalField(max_digits=5, decimal_places=4)
    commission = models.DecimalField(**MONEY)
    seller_net = models.DecimalField(**MONEY)
    delivery_option = models.ForeignKey(
        DeliveryOption, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    delivery_kind = models.CharField(max_length=20, choices=DeliveryKind.choices)
    delivery_name = models.CharField(max_length=120)
    pickup_location = models.ForeignKey(
        Location, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    # Outlet collection: the code the buyer shows; single use, because `collected` is final.
    pickup_code = models.CharField(max_length=16, null=True, blank=True, unique=True)
    pickup_expires_at = models.DateTimeField(null=True, blank=True)
    # Shipping and freight: the address the buyer gave at checkout, copied onto each order so
    # that the seller's document never changes with the buyer's records. Blank when collected.
    ship_to_name = models.CharField(max_length=SHIP_TO_MAX_LENGTHS["name"], blank=True)
    ship_to_address = models.CharField(max_length=SHIP_TO_MAX_LENGTHS["address"], blank=True)
    ship_to_city = models.CharField(max_length=SHIP_TO_MAX_LENGTHS["city"], blank=True)
    ship_to_postcode = models.CharField(max_length=SHIP_TO_MAX_LENGTHS["postcode"], blank=True)
    ship_to_country = models.CharField(max_length=SHIP_TO_MAX_LENGTHS["country"], blank=True)
    ship_to_phone = models.CharField(max_length=SHIP_TO_MAX_LENGTHS["phone"], blank=True)
    accept_by = models.DateTimeField()
    carrier = models.CharField(max_length=60, blank=True)
    tracking_number = models.CharField(max_length=80, blank=True)
    delivered_at = models.DateTimeField(null=True, blank=True)
    # C2C: when the seller's share is released if the buyer has not confirmed receipt before.
    release_funds_at = models.DateTimeField(null=True, blank=True)
    # When the seller's net became owed to them; a payout then collects it.
    payable_at = models.DateTimeField(null=True, blank=True)
    payout = models.ForeignKey(
        "orders.Payout", null=True, blank=True, on_delete=models.SET_NULL, related_name="orders"
    )
    placed_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["-placed_at", "-id"]
        constraints = [
            models.CheckConstraint(
                condition=Q(seller_organisation__isnull=False, seller_user__isnull=True)
                | Q(seller_organisation__isnull=True, seller_user__isnull=False),
                name="order_has_one_seller",
            ),
            models.CheckConstraint(
                condition=Q(channel__in=Channel.values), name="order_channel_valid"
            ),
            models.CheckConstraint(
                condition=Q(status__in=OrderStatus.values), name="order_status_valid"
            ),
            models.CheckConstraint(
                condition=Q(merchandise__gte=0, core_charges__gte=0, delivery_cost__gte=0)
                & Q(commission__gte=0, seller_net__gte=0)
                & Q(warranty_premiums_buyer__gte=0, warranty_premiums_seller__gte=0),
                name="order_amounts_not_negative",
            ),
            models.CheckConstraint(
                condition=Q(
                    total=F("merchandise")
                    + F("core_charges")
                    + F("delivery_cost")
                    + F("warranty_premiums_buyer")
                ),
                name="order_total_is_sum_of_parts",
            ),
            models.CheckConstraint(
                condition=Q(
                    total=F("commission")
                    + F("seller_net")
                    + F("warranty_premiums_buyer")
                    + F("warranty_premiums_seller")
                ),
                name="order_total_divides_into_commission_net_and_premiums",
            ),
            models.CheckConstraint(
                condition=Q(credit_applied__gte=0, credit_applied__lte=F("total")),
                name="order_credit_within_total",
            ),
            models.CheckConstraint(
                condition=Q(channel=Channel.O2O, pickup_code__isnull=False)
                | (~Q(channel=Channel.O2O) & Q(pickup_code__isnull=True)),
                name="order_pickup_code_only_for_o2o",
            ),
            models.CheckConstraint(
                condition=~Q(delivery_kind__in=sorted(SHIPPED_KINDS))
                | (
                    ~Q(ship_to_name="")
                    & ~Q(ship_to_address="")
                    & ~Q(ship_to_city="")
                    & ~Q(ship_to_country="")
                ),
                name="order_shipped_has_ship_to",
            ),
        ]
        indexes = [
            models.Index(fields=["seller_organisation", "-placed_at"]),
            models.Index(fields=["seller_user", "-placed_at"]),
            models.Index(fields=["buyer_organisation", "-placed_at"]),
            models.Index(fields=["buyer_user", "-placed_at"]),
            models.Index(fields=["pickup_location", "status"]),
            # The sweeps: acceptance deadlines, pickup expiry, C2C releases.
            models.Index(
                fields=["accept_by"], condition=Q(status="placed"), name="order_awaiting_seller"
            ),
            models.Index(
                fields=["pickup_expires_at"],
                condition=Q(status="ready_for_pickup"),
                name="order_awaiting_pickup",
            ),
            models.Index(
                fields=["release_funds_at"],
                condition=Q(status="delivered", release_funds_at__isnull=False),
                name="order_awaiting_release",
            ),
            models.Index(
                fields=["payable_at"],
                condition=Q(payable_at__isnull=False, payout__isnull=True),
                name="order_awaiting_payout",
            ),
        ]

    def __str__(self) -> str:
        return f"Order {self.pk}"

    @property
    def ship_to(self) -> ShipTo | None:
        """Where the order is shipped; None for an order that is collected."""
        if not self.ship_to_name:
            return None
        return ShipTo(
            name=self.ship_to_name,
            address=self.ship_to_address,
            city=self.ship_to_city,
            postcode=self.ship_to_postcode,
            country=self.ship_to_country,
            phone=self.ship_to_phone,
        )

    @property
    def seller_id_pair(self) -> tuple[int | None, int | None]:
        return (self.seller_organisation_id, self.seller_user_id)


class OrderLine(models.Model):
    """One listing in an order, its price frozen. While `reserved_until` lies ahead the line
    holds its quantity of the listing's stock; once past, the stock is free again by itself."""

    order = models.ForeignKey(Order, on_delete=models.CASCADE, related_name="lines")
    listing = models.ForeignKey(Listing, on_delete=models.PROTECT, related_name="+")
    title = models.CharField(max_length=200)
    seller_sku = models.CharField(max_length=64)
    quantity = models.PositiveIntegerField()
    unit_price = models.DecimalField(**MONEY)
    core_charge = models.DecimalField(**MONEY)
    size_class = models.CharField(max_length=10)
    reserved_until = models.DateTimeField(null=True, blank=True)
    # Warranty cover sold with the line: the plan, the premium for all its units, and whether
    # the seller included it. Policies are issued once the order is paid; if they cannot be
    # (the certificate was revoked meanwhile) `warranty_refund` gives the buyer's premium back.
    warranty_plan = models.ForeignKey(
        "certification.WarrantyPlan",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    warranty_premium = models.DecimalField(**MONEY, default=0)
    warranty_included = models.BooleanField(default=False)
    warranty_outcome = models.CharField(max_length=300, blank=True)
    warranty_refund = models.ForeignKey(
        "orders.Refund", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    class Meta:
        ordering = ["order_id", "id"]
        constraints = [
            models.CheckConstraint(
                condition=Q(quantity__gte=1), name="order_line_quantity_positive"
            ),
            models.CheckConstraint(
                condition=Q(unit_price__gte=0, core_charge__gte=0, warranty_premium__gte=0),
                name="order_line_prices_not_negative",
            ),
            models.CheckConstraint(
                condition=Q(warranty_plan__isnull=False) | Q(warranty_premium=0),
                name="order_line_premium_needs_a_plan",
            ),
        ]
        indexes = [
            # Availability sums the live reservations of a listing.
            models.Index(
                fields=["listing", "reserved_until"],
                condition=Q(reserved_until__isnull=False),
                name="order_line_reservation",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.quantity} x {self.title}"


class OrderEvent(models.Model):
    """One status change of an order: who, when, from, to and why. Never edited."""

    order = models.ForeignKey(Order, on_delete=models.CASCADE, related_name="events")
    actor = models.ForeignKey(
        User, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    from_status = models.CharField(max_length=20, blank=True)
    to_status = models.CharField(max_length=20)
    reason = models.CharField(max_length=300, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["order_id", "id"]

    def __str__(self) -> str:
        return f"{self.order_id}: {self.from_status or '-'} -> {self.to_status}"

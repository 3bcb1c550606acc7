"""How a seller hands parts over: shipping, freight, collection at its yard or at an outlet."""

from django.conf import settings
from django.db import models
from django.db.models import Q

from catalog.models import Location
from marketplace.models import Organisation
from orders.models.choices import DeliveryKind

MONEY = {"max_digits": 12, "decimal_places": 2}


class DeliveryOption(models.Model):
    """One way a seller delivers: a price per order, or per size class (small, medium, large,
    freight: the largest part in the order decides), free from a merchandise threshold.
    Collection options name the place: the seller's yard or an outlet it works with."""

    seller_organisation = models.ForeignKey(
        Organisation, null=True, blank=True, on_delete=models.CASCADE, related_name="+"
    )
    seller_user = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.CASCADE, related_name="+"
    )
    kind = models.CharField(max_length=20, choices=DeliveryKind.choices)
    name = models.CharField(max_length=120)
    currency = models.CharField(max_length=3, default="USD")
    price = models.DecimalField(**MONEY, default=0)
    price_small = models.DecimalField(**MONEY, null=True, blank=True)
    price_medium = models.DecimalField(**MONEY, null=True, blank=True)
    price_large = models.DecimalField(**MONEY, null=True, blank=True)
    price_freight = models.DecimalField(**MONEY, null=True, blank=True)
    free_over = models.DecimalField(**MONEY, null=True, blank=True)
    pickup_location = models.ForeignKey(
        Location, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    active = models.BooleanField(default=True)

    class Meta:
        ordering = ["id"]
        constraints = [
            models.CheckConstraint(
                condition=Q(seller_organisation__isnull=False, seller_user__isnull=True)
                | Q(seller_organisation__isnull=True, seller_user__isnull=False),
                name="delivery_option_has_one_seller",
            ),
            models.CheckConstraint(
                condition=Q(kind__in=DeliveryKind.values), name="delivery_option_kind_valid"
            ),
            models.CheckConstraint(
                condition=Q(price__gte=0)
                & (Q(price_small__isnull=True) | Q(price_small__gte=0))
                & (Q(price_medium__isnull=True) | Q(price_medium__gte=0))
                & (Q(price_large__isnull=True) | Q(price_large__gte=0))
                & (Q(price_freight__isnull=True) | Q(price_freight__gte=0))
                & (Q(free_over__isnull=True) | Q(free_over__gte=0)),
                name="delivery_option_prices_not_negative",
            ),
            models.CheckConstraint(
                condition=Q(
                    kind__in=[DeliveryKind.YARD_COLLECTION, DeliveryKind.OUTLET_COLLECTION],
                    pickup_location__isnull=False,
                )
                | Q(
                    kind__in=[DeliveryKind.SHIPPING, DeliveryKind.FREIGHT],
                    pickup_location__isnull=True,
                ),
                name="delivery_option_collection_has_a_place",
            ),
        ]
        indexes = [
            models.Index(fields=["seller_organisation", "active"]),
            models.Index(fields=["seller_user", "active"]),
        ]

    def __str__(self) -> str:
        return self.name

    @property
    def owner_organisation_id(self) -> int | None:
        return self.seller_organisation_id

    @property
    def owner_user_id(self) -> int | None:
        return self.seller_user_id

    @property
    def size_prices(self) -> dict:
        prices = {
            "small": self.price_small,
            "medium": self.price_medium,
            "large": self.price_large,
            "freight": self.price_freight,
        }
        return {size: price for size, price in prices.items() if price is not None}

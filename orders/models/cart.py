"""The cart: what a buyer (an organisation or an individual) means to buy, from any sellers."""

from django.conf import settings
from django.db import models
from django.db.models import Q

from catalog.models import Listing
from marketplace.models import Organisation


class Cart(models.Model):
    """One per buyer. An organisation's members share its cart."""

    organisation = models.ForeignKey(
        Organisation, null=True, blank=True, on_delete=models.CASCADE, related_name="+"
    )
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+", db_index=False
    )
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["organisation"],
                condition=Q(organisation__isnull=False),
                name="cart_one_per_organisation",
            ),
            models.UniqueConstraint(
                fields=["user"],
                condition=Q(organisation__isnull=True),
                name="cart_one_per_individual",
            ),
        ]

    def __str__(self) -> str:
        return f"Cart {self.pk}"


class CartLine(models.Model):
    cart = models.ForeignKey(Cart, on_delete=models.CASCADE, related_name="lines", db_index=False)
    listing = models.ForeignKey(Listing, on_delete=models.CASCADE, related_name="+")
    quantity = models.PositiveIntegerField()
    # The warranty plan the buyer chose to buy with this part, if any.
    warranty_plan = models.ForeignKey(
        "certification.WarrantyPlan",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    added_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["cart_id", "id"]
        constraints = [
            models.UniqueConstraint(fields=["cart", "listing"], name="cart_line_unique"),
            models.CheckConstraint(
                condition=Q(quantity__gte=1), name="cart_line_quantity_positive"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.quantity} x listing {self.listing_id}"

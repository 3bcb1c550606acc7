"""Sellers' delivery options: how each one hands parts over, and where collection happens."""

from django.db import transaction
from django.utils.translation import gettext as _

from catalog.models import LocationKind
from catalog.services import Seller
from marketplace.errors import DomainError, NotPermitted
from orders.models import COLLECTION_KINDS, DeliveryKind, DeliveryOption

DELIVERY_OPTION_FIELDS = frozenset(
    {
        "kind", "name", "currency", "price", "price_small", "price_medium", "price_large",
        "price_freight", "free_over", "pickup_location", "active",
    }
)  # fmt: skip


def _check_fields(fields: dict) -> None:
    unknown = set(fields) - DELIVERY_OPTION_FIELDS
    if unknown:
        raise DomainError(
            _("Unknown delivery option fields: %(fields)s.")
            % {"fields": ", ".join(sorted(unknown))}
        )


def _check_place(option: DeliveryOption, seller: Seller) -> None:
    """Collection needs a place the buyer can go to: the seller's own yard, or an outlet
    counter that takes pickups. Shipping and freight name no place."""
    location = option.pickup_location
    if option.kind not in COLLECTION_KINDS:
        if location is not None:
            raise DomainError.for_field(
                "pickup_location", _("Only collection options have a pickup location.")
            )
        return
    if location is None:
        raise DomainError.for_field(
            "pickup_location", _("A collection option names where the part is collected.")
        )
    if option.kind == DeliveryKind.YARD_COLLECTION and not (
        location.kind == LocationKind.YARD and seller.owns(location)
    ):
        raise DomainError.for_field("pickup_location", _("Choose one of your own yards."))
    if option.kind == DeliveryKind.OUTLET_COLLECTION and not (
        location.kind == LocationKind.OUTLET and location.pickup_available
    ):
        raise DomainError.for_field(
            "pickup_location", _("Choose an outlet counter that takes pickups.")
        )


@transaction.atomic
def delivery_option_create(*, seller: Seller, **fields) -> DeliveryOption:
    """Add a way the seller delivers.

    Raises DomainError naming `pickup_location` when the place does not suit the kind.
    """
    _check_fields(fields)
    option = DeliveryOption(
        seller_organisation=seller.organisation,
        seller_user=None if seller.organisation else seller.user,
        **fields,
    )
    _check_place(option, seller)
    option.save()
    return option


@transaction.atomic
def delivery_option_update(*, option: DeliveryOption, seller: Seller, **changes) -> DeliveryOption:
    """Change a delivery option. Orders already placed keep the terms they were priced with.

    Raises NotPermitted for another seller's option, DomainError as `delivery_option_create`.
    """
    _check_fields(changes)
    locked = DeliveryOption.objects.select_for_update().get(pk=option.pk)
    if not seller.owns(locked):
        raise NotPermitted(_("This delivery option belongs to another seller."))
    for name, value in changes.items():
        setattr(locked, name, value)
    _check_place(locked, seller)
    locked.save()
    return locked

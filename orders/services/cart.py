"""The buyer's cart: add, change and remove lines. Stock is not held here, only at checkout."""

from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from catalog.models import Listing, ListingStatus
from certification.offers import warranty_offers
from marketplace.errors import DomainError
from orders.models import Cart, CartLine
from orders.parties import Buyer

MAX_CART_LINES = 100
MAX_LINE_QUANTITY = 10_000


def cart_for(buyer: Buyer) -> Cart:
    """The buyer's cart, created on first use (concurrent first uses meet at the unique index)."""
    lookup = {"organisation": buyer.organisation}
    if buyer.organisation is None:
        lookup["user"] = buyer.user
    cart = Cart.objects.filter(**lookup).first()
    if cart is not None:
        return cart
    try:
        with transaction.atomic():
            return Cart.objects.create(organisation=buyer.organisation, user=buyer.user)
    except IntegrityError:
        return Cart.objects.get(**lookup)


def _is_own_listing(buyer: Buyer, listing: Listing) -> bool:
    if buyer.organisation is not None:
        return listing.seller_organisation_id == buyer.organisation.pk
    return listing.seller_user_id == buyer.user.pk


KEEP = object()  # leave the line's warranty choice as it is


@transaction.atomic
def cart_line_set(
    *, buyer: Buyer, listing: Listing, quantity: int, warranty_plan=KEEP
) -> CartLine | None:
    """Put `quantity` of a listing in the cart (0 removes it), with the warranty plan the buyer
    chooses to buy with it (None for none; left as it was unless given). Availability and the
    plan are checked again, under lock, at checkout; here only what can never work is refused.

    Raises DomainError for a listing that is not for sale, the buyer's own listing, a quantity
    over what is on hand, a full cart, or a plan not offered for the listing.
    """
    if quantity < 0 or quantity > MAX_LINE_QUANTITY:
        raise DomainError.for_field(
            "quantity", _("Must be between 0 and %(max)s.") % {"max": MAX_LINE_QUANTITY}
        )
    cart = Cart.objects.select_for_update().get(pk=cart_for(buyer).pk)
    if quantity == 0:
        CartLine.objects.filter(cart=cart, listing=listing).delete()
        return None
    if listing.status != ListingStatus.ACTIVE:
        raise DomainError.for_field("listing", _("This listing is not for sale."))
    if _is_own_listing(buyer, listing):
        raise DomainError.for_field("listing", _("You cannot buy your own listing."))
    if quantity > listing.quantity_on_hand:
        raise DomainError.for_field(
            "quantity",
            _("Only %(quantity)s on hand for this listing.")
            % {"quantity": listing.quantity_on_hand},
        )
    changes = {"quantity": quantity}
    if warranty_plan is not KEEP:
        _check_offered(listing, warranty_plan)
        changes["warranty_plan"] = warranty_plan
    line, created = CartLine.objects.update_or_create(cart=cart, listing=listing, defaults=changes)
    if created and CartLine.objects.filter(cart=cart).count() > MAX_CART_LINES:
        raise DomainError.for_field(
            "listing", _("A cart holds at most %(count)s lines.") % {"count": MAX_CART_LINES}
        )
    cart.save(update_fields=["updated_at"])
    return line


def _check_offered(listing: Listing, plan) -> None:
    if plan is None:
        return
    listing = Listing.objects.select_related("part_type").get(pk=listing.pk)
    offers = warranty_offers([listing], on=timezone.localdate())[listing.pk]
    if not any(offer.plan_id == plan.pk for offer in offers):
        raise DomainError.for_field(
            "warranty_plan", _("This warranty plan is not offered for this part.")
        )


def cart_clear(*, buyer: Buyer) -> None:
    CartLine.objects.filter(cart=cart_for(buyer)).delete()

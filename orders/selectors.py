"""Reads of ordering shared by the API and the pages, scoped to one party.

Every queryset selects what its representation prints, so a list costs the same number of
queries whatever its length. Scoping is the access rule: another party's order is simply not
in the queryset (a 404, never a 403 that confirms it exists).
"""

from collections import defaultdict
from dataclasses import dataclass, field

from django.db.models import Prefetch, Q, QuerySet
from django.utils import timezone

from certification.offers import warranty_offers
from marketplace.models import Organisation, User
from orders.models import CartLine, Checkout, DeliveryOption, Order, Payment
from orders.parties import Buyer

ORDER_RELATIONS = ("payment", "seller_organisation", "seller_user", "pickup_location")


def _buyer_scope(buyer: Buyer) -> Q:
    if buyer.organisation is not None:
        return Q(buyer_organisation=buyer.organisation)
    return Q(buyer_organisation__isnull=True, buyer_user=buyer.user)


def _seller_scope(user: User, organisation: Organisation | None) -> Q:
    """A member acting for an organisation sells as it; a user without one sells as themself."""
    if organisation is not None:
        return Q(seller_organisation=organisation)
    return Q(seller_organisation__isnull=True, seller_user=user)


def orders_of_buyer(buyer: Buyer) -> QuerySet[Order]:
    return (
        Order.objects.filter(_buyer_scope(buyer))
        .select_related(*ORDER_RELATIONS)
        .prefetch_related("lines")
    )


def orders_of_seller(user: User, organisation: Organisation | None) -> QuerySet[Order]:
    """One seller's orders. An order is one seller's part of a checkout, so nothing of the
    other sellers of the same checkout is reachable from here."""
    return (
        Order.objects.filter(_seller_scope(user, organisation))
        .select_related(*ORDER_RELATIONS, "buyer_organisation", "buyer_user")
        .prefetch_related("lines")
    )


def orders_at_outlet(organisation: Organisation) -> QuerySet[Order]:
    """Orders to be collected at one of the outlet organisation's counters."""
    return (
        Order.objects.filter(pickup_location__organisation=organisation)
        .select_related(*ORDER_RELATIONS, "buyer_organisation", "buyer_user")
        .prefetch_related("lines")
    )


def with_events(orders: QuerySet[Order]) -> QuerySet[Order]:
    """An order's history too, for the detail of one order."""
    return orders.prefetch_related("events")


def checkouts_of_buyer(buyer: Buyer) -> QuerySet[Checkout]:
    orders = Order.objects.select_related(*ORDER_RELATIONS).prefetch_related("lines")
    return Checkout.objects.filter(_buyer_scope(buyer)).prefetch_related(
        Prefetch("orders", queryset=orders.order_by("id"))
    )


def delivery_options_of_seller(user: User, organisation: Organisation | None) -> QuerySet:
    return DeliveryOption.objects.filter(_seller_scope(user, organisation)).select_related(
        "pickup_location"
    )


def payments_for_operator() -> QuerySet[Payment]:
    return Payment.objects.select_related("order")


@dataclass
class CartSellerGroup:
    """The cart lines of one seller and the ways that seller can deliver them."""

    seller_organisation: Organisation | None
    seller_user: User | None
    lines: list[CartLine] = field(default_factory=list)
    delivery_options: list[DeliveryOption] = field(default_factory=list)


@dataclass
class CartView:
    sellers: list[CartSellerGroup]

    @property
    def line_count(self) -> int:
        return sum(len(group.lines) for group in self.sellers)


def _cart_scope(buyer: Buyer) -> Q:
    if buyer.organisation is not None:
        return Q(cart__organisation=buyer.organisation)
    return Q(cart__organisation__isnull=True, cart__user=buyer.user)


def cart_lines_of_buyer(buyer: Buyer) -> QuerySet[CartLine]:
    """The buyer's cart lines (none before the first is added: reading creates no cart)."""
    return (
        CartLine.objects.filter(_cart_scope(buyer))
        .select_related(
            "listing__seller_organisation", "listing__seller_user", "listing__part_type"
        )
        .order_by("id")
    )


def cart_of_buyer(buyer: Buyer) -> CartView:
    """The cart grouped by seller, each group with the seller's active delivery options, and
    each line with the warranty plans it can be bought with."""
    groups: dict[tuple, CartSellerGroup] = {}
    lines = list(cart_lines_of_buyer(buyer))
    offers = warranty_offers([line.listing for line in lines], on=timezone.localdate())
    for line in lines:
        line.warranty_offers = offers[line.listing_id]
        listing = line.listing
        key = (listing.seller_organisation_id, listing.seller_user_id)
        if key not in groups:
            groups[key] = CartSellerGroup(listing.seller_organisation, listing.seller_user)
        groups[key].lines.append(line)
    options: dict[tuple, list[DeliveryOption]] = defaultdict(list)
    if groups:
        organisations = [org for org, _ in groups if org]
        users = [user for org, user in groups if not org]
        sellers = Q(seller_organisation_id__in=organisations) | Q(
            seller_organisation__isnull=True, seller_user_id__in=users
        )
        for option in DeliveryOption.objects.filter(sellers, active=True).select_related(
            "pickup_location"
        ):
            options[(option.seller_organisation_id, option.seller_user_id)].append(option)
    for key, group in groups.items():
        group.delivery_options = options[key]
    return CartView(sellers=list(groups.values()))

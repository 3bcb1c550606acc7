"""Which warranty plans a listing can be sold with, and at what premium: what `orders` shows at
checkout and prices into the order. Reads only; a policy is issued later, once the sale is paid.
"""

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date
from decimal import Decimal

from django.db.models import Q

from catalog.models import Listing
from certification.models import Certificate, CertificateStatus, IncludedWarranty, WarrantyPlan
from certification.premiums import CoveredUnit, premium_for
from certification.services.warranty import premium_rule_of


@dataclass(frozen=True)
class WarrantyOffer:
    """One plan a listing is eligible for, with the premium for one unit at `unit_price`."""

    plan_id: int
    plan_name: str
    insurer_name: str
    cover_months: int
    currency: str
    premium_per_unit: Decimal
    included_by_seller: bool


def _covering_schemes(listings: Sequence[Listing], scheme_ids, on: date) -> dict[int, set[int]]:
    """Per listing, the schemes with a valid certificate covering it (itself, its product line
    or its seller): one query for all the listings."""
    covers = Q(listing__in=[listing.pk for listing in listings])
    lines = {listing.product_line_id for listing in listings if listing.product_line_id}
    sellers = {listing.seller_organisation_id for listing in listings}
    covers |= Q(product_line__in=lines) | Q(seller_organisation__in=sellers - {None})
    certificates = Certificate.objects.filter(
        covers,
        scheme_id__in=scheme_ids,
        status=CertificateStatus.ACTIVE,
        issued_on__lte=on,
        expires_on__gte=on,
    ).values_list("scheme_id", "listing_id", "product_line_id", "seller_organisation_id")
    schemes: dict[int, set[int]] = {listing.pk: set() for listing in listings}
    for scheme_id, listing_id, line_id, seller_id in certificates:
        for listing in listings:
            if (
                listing_id == listing.pk
                or (line_id is not None and line_id == listing.product_line_id)
                or (seller_id is not None and seller_id == listing.seller_organisation_id)
            ):
                schemes[listing.pk].add(scheme_id)
    return schemes


def warranty_offers(
    listings: Sequence[Listing], *, on: date, unit_prices: dict[int, Decimal] | None = None
) -> dict[int, list[WarrantyOffer]]:
    """Per listing id, the active plans it may be sold with on `on`, cheapest premium first.

    A plan applies when a valid certificate of its scheme covers the listing and it insures
    sales in the listing's currency. The premium is for one unit at `unit_prices[id]` (the
    listing's price when not given). A seller's included plan is marked, and is the only offer
    for that listing: the buyer gets it whatever they choose. Listings need `part_type` loaded.
    Three queries whatever the number of listings.
    """
    plans = list(
        WarrantyPlan.objects.filter(active=True).select_related("insurer").prefetch_related("rates")
    )
    if not listings or not plans:
        return {listing.pk: [] for listing in listings}
    covering = _covering_schemes(listings, {plan.scheme_id for plan in plans}, on)
    included = dict(
        IncludedWarranty.objects.filter(listing__in=listings).values_list("listing_id", "plan_id")
    )
    prices = unit_prices or {}
    return {
        listing.pk: _offers_for(listing, plans, covering[listing.pk], included, prices)
        for listing in listings
    }


def _offers_for(listing, plans, schemes, included, prices) -> list[WarrantyOffer]:
    value = prices.get(listing.pk, listing.price)
    unit = CoveredUnit(listing.condition, listing.grade, listing.part_type.code, value)
    offers = [
        WarrantyOffer(
            plan_id=plan.pk,
            plan_name=plan.name,
            insurer_name=plan.insurer.name,
            cover_months=plan.cover_months,
            currency=plan.currency,
            premium_per_unit=premium_for(premium_rule_of(plan), unit),
            included_by_seller=included.get(listing.pk) == plan.pk,
        )
        for plan in plans
        if plan.scheme_id in schemes and plan.currency == listing.currency
    ]
    if any(offer.included_by_seller for offer in offers):
        return [offer for offer in offers if offer.included_by_seller]
    return sorted(offers, key=lambda offer: (offer.premium_per_unit, offer.plan_id))

"""Warranty cover sold with order lines: priced at checkout from certification's offers, and
issued as policies once the order is paid (or collected and paid at the counter).

`certification` records each sale as plain data; this module is the only place that turns an
order line into that record.
"""

from dataclasses import dataclass, field, replace

from django.utils import timezone
from django.utils.translation import gettext as _

from catalog.models import Listing
from certification.offers import warranty_offers
from certification.services.warranty import SaleRecord, WarrantyNotIssued, policy_issue_for_sale
from marketplace.errors import DomainError
from orders.models import Order, OrderLine
from orders.money import Money
from orders.pricing import LineTerms


@dataclass
class CoveredLines:
    terms: dict[int, LineTerms] = field(default_factory=dict)  # by listing id
    plans: dict[int, int] = field(default_factory=dict)  # listing id -> plan id


def cover_lines(
    lines: list[tuple[Listing, LineTerms]], chosen: dict[int, int | None]
) -> CoveredLines:
    """Each line's terms with the warranty it is sold with: the plan its seller includes (at
    the seller's cost), else the plan the buyer chose (at the buyer's), else none. Premiums
    are priced at the line's own unit price.

    Raises DomainError naming `warranty.<listing id>` when the buyer's plan is no longer offered
    for the part (its certificate was revoked or expired since it went in the cart).
    """
    prices = {listing.pk: terms.unit_price.amount for listing, terms in lines}
    offers = warranty_offers(
        [listing for listing, _ in lines], on=timezone.localdate(), unit_prices=prices
    )
    covered = CoveredLines()
    for listing, terms in lines:
        offer = _offer_for(listing, offers[listing.pk], chosen.get(listing.pk))
        if offer is not None:
            premium = Money(offer.premium_per_unit, terms.unit_price.currency)
            terms = replace(
                terms, warranty_premium=premium, warranty_included=offer.included_by_seller
            )
            covered.plans[listing.pk] = offer.plan_id
        covered.terms[listing.pk] = terms
    return covered


def _offer_for(listing: Listing, offers, plan_id: int | None):
    included = next((offer for offer in offers if offer.included_by_seller), None)
    if included is not None or plan_id is None:
        return included
    chosen = next((offer for offer in offers if offer.plan_id == plan_id), None)
    if chosen is None:
        raise DomainError.for_field(
            f"warranty.{listing.pk}",
            _("This warranty plan is no longer offered for this part; choose another or none."),
        )
    return chosen


def sale_reference(line: OrderLine) -> str:
    return f"order-{line.order_id}-line-{line.pk}"


def order_warranties_issue(order: Order) -> list[OrderLine]:
    """Issue the policies of a paid order's covered lines (once per unit, however often this
    runs) and return the lines whose buyer paid for cover that could not be issued (the
    certificate was revoked or lapsed since checkout) and has not been refunded yet, for the
    caller to refund.

    Runs inside the transaction that records the payment.
    """
    lines = OrderLine.objects.filter(order=order, warranty_plan__isnull=False).order_by("pk")
    uncovered = []
    for line in lines:
        sale = SaleRecord(
            sale_reference=sale_reference(line), listing_id=line.listing_id,
            quantity=line.quantity, unit_price=line.unit_price, currency=order.currency,
            holder_id=order.buyer_user_id, plan_id=line.warranty_plan_id,
            sold_on=timezone.localdate(), seller_organisation_id=order.seller_organisation_id,
            seller_user_id=order.seller_user_id, included_by_seller=line.warranty_included,
        )  # fmt: skip
        try:
            policies = policy_issue_for_sale(sale=sale)
        except WarrantyNotIssued as refused:
            outcome = f"Not issued: {refused.message}"
            if not line.warranty_included and line.warranty_refund_id is None:
                uncovered.append(line)
        else:
            outcome = f"Issued: {', '.join(policy.number for policy in policies)}"
        OrderLine.objects.filter(pk=line.pk).update(warranty_outcome=outcome[:300])
    return uncovered

"""Checkout: the cart becomes one checkout and one order per seller, with stock held.

`checkout_place` is the one entry point. Its database work is one transaction that locks the
listings (in id order), re-checks availability under the lock and writes everything; card
authorisations with Stripe happen after it commits, never while rows are locked.
"""

import secrets
from collections import defaultdict
from dataclasses import dataclass, field
from datetime import timedelta
from decimal import Decimal

from django.conf import settings
from django.db import IntegrityError, transaction
from django.db.models import Sum
from django.utils import timezone
from django.utils.translation import gettext as _

from catalog.models import Listing, ListingPriceTier
from marketplace.errors import Conflict, DomainError
from orders import channels, pricing
from orders.models import (
    SHIPPED_KINDS,
    Cart,
    CartLine,
    Checkout,
    CommissionRate,
    DeliveryKind,
    DeliveryOption,
    InvoiceTerms,
    Order,
    OrderEvent,
    OrderLine,
    OrderStatus,
    Payment,
    PaymentMethod,
    PaymentStatus,
)
from orders.money import Money
from orders.parties import NO_SHIP_TO, Buyer, ShipTo, seller_is_business, ship_to_check
from orders.services import credit, stock, warranty
from orders.services.cart import cart_for
from orders.tasks import order_notify_soon

PICKUP_CODE_ALPHABET = "23456789ABCDEFGHJKLMNPQRSTUVWXYZ"  # no 0/O or 1/I to misread
PICKUP_CODE_LENGTH = 10  # 32 ** 10: about 10^15 codes, against a handful of guesses allowed


def new_pickup_code() -> str:
    return "".join(secrets.choice(PICKUP_CODE_ALPHABET) for _ in range(PICKUP_CODE_LENGTH))


@dataclass(frozen=True)
class CheckoutRequest:
    """What the buyer chose at checkout. `delivery_option_ids` names one option per seller;
    `ship_to` is required when any of them is shipping or freight, and ignored otherwise."""

    payment_method: str
    delivery_option_ids: tuple[int, ...]
    po_number: str = ""
    card_payment_method: str = ""
    idempotency_key: str = ""
    # Spend the buyer's credit first: up to `credit_amount`, or as much as covers the total.
    use_credit: bool = False
    credit_amount: Decimal | None = None
    ship_to: ShipTo | None = None


SellerKey = tuple[int | None, int | None]


def _seller_key(listing: Listing) -> SellerKey:
    return (listing.seller_organisation_id, listing.seller_user_id)


def checkout_place(*, buyer: Buyer, request: CheckoutRequest) -> Checkout:
    """Place the buyer's cart: one checkout, one order per seller, stock held until each seller
    accepts or the acceptance deadline passes. Card orders are then authorised with Stripe; if
    any authorisation fails, the whole checkout is cancelled and its stock is free again.

    A repeated call with the same idempotency key returns the first checkout.
    Raises DomainError (bad choices; a missing or incomplete address to ship to names
    `ship_to` or the part, such as `ship_to.city`), InsufficientStock, Conflict (credit limit),
    and PaymentDeclined (from `orders.services.payments`).
    """
    from orders.services.payments import checkout_authorise

    _check_card_request(request)
    if request.idempotency_key:
        existing = Checkout.objects.filter(
            buyer_user=buyer.user, idempotency_key=request.idempotency_key
        ).first()
        if existing is not None:
            return existing
    try:
        checkout = _place(buyer, request)
    except IntegrityError:
        if not request.idempotency_key:
            raise
        # The same submission raced itself; the unique key let one through.
        return Checkout.objects.get(buyer_user=buyer.user, idempotency_key=request.idempotency_key)
    if checkout.payment_method == PaymentMethod.CARD:
        checkout_authorise(checkout=checkout, card_payment_method=request.card_payment_method)
    return checkout


def _check_card_request(request: CheckoutRequest) -> None:
    if request.payment_method != PaymentMethod.CARD:
        return
    if not settings.STRIPE_SECRET_KEY:
        raise DomainError.for_field(
            "payment_method", _("Card payments are not available here; choose invoice or pickup.")
        )
    if not request.card_payment_method:
        raise DomainError.for_field(
            "card_payment_method", _("Give the card's payment method (pm_...) to pay by card.")
        )


@transaction.atomic
def _place(buyer: Buyer, request: CheckoutRequest) -> Checkout:
    # The cart's lock makes a second submission of the same cart wait, then find it empty.
    cart = Cart.objects.select_for_update().get(pk=cart_for(buyer).pk)
    cart_lines = CartLine.objects.filter(cart=cart).values_list(
        "listing_id", "quantity", "warranty_plan_id"
    )
    wanted = {listing_id: quantity for listing_id, quantity, _ in cart_lines}
    cover = {listing_id: plan_id for listing_id, _, plan_id in cart_lines}
    if not wanted:
        raise DomainError.for_field("cart", _("The cart is empty."))
    listings = stock.lock_listings(wanted)
    stock.check_available(wanted, listings, stock.held_quantities(wanted))
    by_seller: dict[SellerKey, list[Listing]] = defaultdict(list)
    for listing in listings.values():
        by_seller[_seller_key(listing)].append(listing)
    options = _delivery_options(request.delivery_option_ids, by_seller)
    if any(option.kind in SHIPPED_KINDS for option in options.values()):
        ship_to_check(request.ship_to)
    plans = _plan_orders(buyer, request, by_seller, options, (wanted, cover))
    for plan, share in zip(plans, _credit_shares(buyer, request, plans), strict=True):
        plan.credit_applied = share
    if request.payment_method == PaymentMethod.INVOICE:
        _check_credit(buyer, plans)
    checkout = _write(buyer, request, plans, cart)
    spent = sum((plan.credit_applied for plan in plans), Decimal("0"))
    credit.credit_spend(
        buyer=buyer, checkout_id=checkout.pk, amount=spent, currency=checkout.currency
    )
    return checkout


def _credit_shares(buyer: Buyer, request: CheckoutRequest, plans) -> list[Decimal]:
    """Each order's part of the credit spent, in plan order (all zero without credit)."""
    totals = [plan.totals.gross.amount for plan in plans]
    if not request.use_credit:
        return [Decimal("0.00") for _ in plans]
    currency = plans[0].totals.gross.currency
    amount = credit.credit_to_apply(
        buyer, currency=currency, total=sum(totals), wanted=request.credit_amount
    )
    return pricing.split_credit(amount, totals)


def _delivery_options(option_ids, by_seller) -> dict[SellerKey, DeliveryOption]:
    options = DeliveryOption.objects.filter(pk__in=option_ids, active=True).select_related(
        "pickup_location"
    )
    chosen: dict[SellerKey, DeliveryOption] = {}
    for option in options:
        key = (option.seller_organisation_id, option.seller_user_id)
        if key not in by_seller or key in chosen:
            raise DomainError.for_field(
                "delivery_options",
                _("Option %(option)s is not one choice per seller in the cart.")
                % {"option": option.pk},
            )
        chosen[key] = option
    if len(chosen) != len(set(option_ids)) or set(chosen) != set(by_seller):
        raise DomainError.for_field(
            "delivery_options", _("Choose exactly one active delivery option of each seller.")
        )
    return chosen


@dataclass
class OrderPlan:
    seller: SellerKey
    channel: str
    option: DeliveryOption
    lines: list[tuple[Listing, pricing.LineTerms]]
    totals: pricing.OrderTotals
    warranty_plans: dict[int, int] = field(default_factory=dict)  # listing id -> plan id
    credit_applied: Decimal = Decimal("0.00")  # the buyer's credit spent on this order


def _plan_orders(buyer, request, by_seller, options, cart) -> list[OrderPlan]:
    """Price each seller's order. `cart` is (quantity by listing, chosen plan by listing)."""
    wanted, chosen_cover = cart
    currencies = {listing.currency for group in by_seller.values() for listing in group}
    currencies |= {option.currency for option in options.values()}
    if len(currencies) != 1:
        raise DomainError.for_field("cart", _("A checkout is paid in one currency."))
    currency = currencies.pop()
    tiers = _price_tiers([listing.pk for group in by_seller.values() for listing in group])
    has_terms = (
        buyer.is_business and InvoiceTerms.objects.filter(organisation=buyer.organisation).exists()
    )
    groups = []
    for key, group in sorted(by_seller.items(), key=lambda item: item[1][0].pk):
        channel = _channel(buyer, request, group, options[key], has_terms)
        tiered = channels.uses_tier_prices(channel, buyer_is_business=buyer.is_business)
        lines = [
            (listing, _line_terms(listing, wanted[listing.pk], tiers if tiered else {}, currency))
            for listing in group
        ]
        groups.append((key, channel, lines))
    covered = warranty.cover_lines([line for _, _, lines in groups for line in lines], chosen_cover)
    rates = _commission_rates(by_seller)
    plans = []
    for key, channel, lines in groups:
        priced = [(listing, covered.terms[listing.pk]) for listing, _ in lines]
        plan = _price_order(key, channel, options[key], priced, rates, currency)
        ids = [listing.pk for listing, _ in lines]
        plan.warranty_plans = {pk: covered.plans[pk] for pk in ids if pk in covered.plans}
        plans.append(plan)
    return plans


def _channel(buyer, request, group, option, has_terms) -> str:
    """The order's channel; raises DomainError when it cannot be paid the way chosen."""
    channel = channels.order_channel(
        buyer_is_business=buyer.is_business,
        seller_is_business=seller_is_business(seller_organisation=group[0].seller_organisation),
        delivery_kind=option.kind,
    )
    allowed = channels.payment_methods(channel=channel, buyer_has_invoice_terms=has_terms)
    if request.payment_method not in allowed:
        raise DomainError.for_field(
            "payment_method",
            _("A %(channel)s order from this seller can be paid by %(methods)s.")
            % {"channel": channel, "methods": ", ".join(sorted(allowed))},
        )
    return channel


def _line_terms(listing, quantity, tiers, currency) -> pricing.LineTerms:
    price = pricing.unit_price(
        base_price=listing.price, tiers=tiers.get(listing.pk, ()), quantity=quantity
    )
    return pricing.LineTerms(
        unit_price=Money(price, currency),
        core_charge=Money(listing.core_charge, currency),
        quantity=quantity,
        size_class=listing.size_class,
    )


def _price_order(key, channel, option, lines, rates, currency) -> OrderPlan:
    terms = [line_terms for _, line_terms in lines]
    delivery_terms = pricing.DeliveryTerms(
        kind=option.kind,
        price=option.price,
        size_prices=option.size_prices,
        free_over=option.free_over,
    )
    try:
        delivery = pricing.delivery_cost(delivery_terms, terms, currency)
    except pricing.DeliveryNotPossible as error:
        raise DomainError.for_field("delivery_options", str(error)) from None
    rate = rates.get((channel, key))
    if rate is None:
        rate = rates.get((channel, (None, None)))
    if rate is None:
        rate = Decimal(settings.ORDERS_DEFAULT_COMMISSION_RATES[channel])
    try:
        totals = pricing.order_totals(terms, delivery=delivery, commission_rate=rate)
    except pricing.SellerNetNegative as error:
        raise DomainError.for_field("cart", str(error)) from None
    return OrderPlan(key, channel, option, lines, totals)


def _price_tiers(listing_ids) -> dict[int, list[pricing.PriceTier]]:
    tiers = defaultdict(list)
    for tier in ListingPriceTier.objects.filter(listing_id__in=listing_ids):
        tiers[tier.listing_id].append(pricing.PriceTier(tier.min_quantity, tier.unit_price))
    return tiers


def _commission_rates(by_seller) -> dict[tuple[str, SellerKey], Decimal]:
    organisations = {org for org, _ in by_seller if org}
    users = {user for _, user in by_seller if user}
    rows = (
        CommissionRate.objects.filter(seller_organisation__isnull=True, seller_user__isnull=True)
        | CommissionRate.objects.filter(seller_organisation__in=organisations)
        | (CommissionRate.objects.filter(seller_user__in=users))
    )
    return {
        (row.channel, (row.seller_organisation_id, row.seller_user_id)): row.rate for row in rows
    }


class CreditLimitExceeded(Conflict):
    code = "credit_limit_exceeded"


def _check_credit(buyer: Buyer, plans: list[OrderPlan]) -> None:
    """Refuse an invoice checkout that would take the buyer over its credit limit. The terms
    row is locked so that two checkouts of the same buyer are judged one after the other."""
    terms = InvoiceTerms.objects.select_for_update().get(organisation=buyer.organisation)
    outstanding = Payment.objects.filter(
        order__buyer_organisation=buyer.organisation,
        method=PaymentMethod.INVOICE,
        status=PaymentStatus.PENDING,
    ).aggregate(total=Sum("amount"))["total"] or Decimal("0")
    total = sum((plan.totals.gross.amount - plan.credit_applied for plan in plans), Decimal("0"))
    remaining = terms.credit_limit - outstanding
    if plans[0].totals.gross.currency != terms.currency or total > remaining:
        raise CreditLimitExceeded(
            _(
                "This checkout (%(total)s %(currency)s) is over the remaining credit limit "
                "(%(remaining)s %(currency)s)."
            )
            % {"total": total, "remaining": remaining, "currency": terms.currency},
            fields={"payment_method": [_("Over the remaining credit limit for invoice terms.")]},
        )


def _write(buyer: Buyer, request: CheckoutRequest, plans: list[OrderPlan], cart) -> Checkout:
    now = timezone.now()
    accept_by = now + timedelta(hours=settings.ORDERS_SELLER_ACCEPT_HOURS)
    currency = plans[0].totals.gross.currency
    checkout = Checkout.objects.create(
        buyer_organisation=buyer.organisation,
        buyer_user=buyer.user,
        payment_method=request.payment_method,
        currency=currency,
        total=sum((plan.totals.gross.amount for plan in plans), Decimal("0")),
        po_number=request.po_number,
        idempotency_key=request.idempotency_key,
    )
    orders = Order.objects.bulk_create(
        [_order_row(checkout, buyer, request, plan, accept_by) for plan in plans]
    )
    OrderLine.objects.bulk_create(
        [
            OrderLine(
                order=order,
                listing=listing,
                title=listing.title,
                seller_sku=listing.seller_sku,
                quantity=terms.quantity,
                unit_price=terms.unit_price.amount,
                core_charge=terms.core_charge.amount,
                size_class=terms.size_class,
                reserved_until=accept_by,
                warranty_plan_id=plan.warranty_plans.get(listing.pk),
                warranty_premium=terms.warranty.amount,
                warranty_included=terms.warranty_included,
            )
            for order, plan in zip(orders, plans, strict=True)
            for listing, terms in plan.lines
        ]
    )
    Payment.objects.bulk_create(
        [
            Payment(
                order=order,
                method=order.payment_method,
                currency=currency,
                amount=order.total - order.credit_applied,
            )
            for order in orders
        ]
    )
    OrderEvent.objects.bulk_create(
        [
            OrderEvent(order=order, actor=buyer.user, to_status=OrderStatus.PLACED)
            for order in orders
        ]
    )
    CartLine.objects.filter(cart=cart).delete()
    for order in orders:
        order_notify_soon(order, "placed")
    return checkout


def _order_row(checkout, buyer, request, plan: OrderPlan, accept_by) -> Order:
    totals = plan.totals
    option = plan.option
    return Order(
        checkout=checkout,
        buyer_organisation=buyer.organisation,
        buyer_user=buyer.user,
        seller_organisation_id=plan.seller[0],
        seller_user_id=plan.seller[1],
        channel=plan.channel,
        payment_method=request.payment_method,
        po_number=request.po_number,
        currency=totals.gross.currency,
        merchandise=totals.merchandise.amount,
        core_charges=totals.core_charges.amount,
        delivery_cost=totals.delivery.amount,
        warranty_premiums_buyer=totals.warranty_buyer.amount,
        warranty_premiums_seller=totals.warranty_seller.amount,
        total=totals.gross.amount,
        credit_applied=plan.credit_applied,
        commission_rate=totals.commission_rate,
        commission=totals.commission.amount,
        seller_net=totals.seller_net.amount,
        delivery_option=option,
        delivery_kind=option.kind,
        delivery_name=option.name,
        pickup_location=option.pickup_location,
        pickup_code=new_pickup_code() if option.kind == DeliveryKind.OUTLET_COLLECTION else None,
        **(request.ship_to.as_order_fields() if option.kind in SHIPPED_KINDS else NO_SHIP_TO),
        accept_by=accept_by,
    )

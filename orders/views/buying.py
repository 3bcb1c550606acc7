"""The buyer's pages: the cart and its checkout, and the orders bought and what the buyer may do
with each (cores, credit and returns are in `buying_returns`).

Every read goes through the buyer-scoped selectors, so another buyer's order, core or return is
a 404. Every change is a POST that calls one service, then redirects; a refusal is shown by the
field it names (or as a message where the page has no form for it).
"""

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import NON_FIELD_ERRORS
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from catalog.models import Listing
from catalog.selectors import PUBLIC_STATUSES
from marketplace.errors import DomainError
from marketplace.forms import show_refusal, status_for
from marketplace.pages import page_of
from orders import channels, selectors, selectors_credit
from orders.filters import OrderFilter
from orders.forms.buying import (
    SHIP_TO_FIELDS,
    CartAddForm,
    CartLineForm,
    CheckoutForm,
    OrderCancelForm,
    OrderStatusFilterForm,
    ReturnRequestForm,
)
from orders.models import (
    ORDER_TRANSITIONS,
    SHIPPED_KINDS,
    AccountKind,
    Channel,
    InvoiceTerms,
    OrderStatus,
    PaymentMethod,
)
from orders.models.choices import OPEN_STATUSES
from orders.parties import Buyer, seller_is_business
from orders.services import orders as order_services
from orders.services import rma
from orders.services.cart import MAX_LINE_QUANTITY, cart_line_set
from orders.services.checkout import CheckoutRequest, checkout_place
from orders.views.common import buyer_of, qr_svg

ORDERS_PER_PAGE = 25
ORDER_STATUS_LABELS = dict(OrderStatus.choices)


# The cart and its checkout


@login_required
def cart_add(request, listing_id: int):
    """Put a published listing in the cart (POST from the part page)."""
    listing = get_object_or_404(Listing.objects.filter(status__in=PUBLIC_STATUSES), pk=listing_id)
    form = CartAddForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            cart_line_set(
                buyer=buyer_of(request), listing=listing, quantity=form.cleaned_data["quantity"]
            )
        except DomainError as error:
            messages.error(request, error.message)
        else:
            messages.success(request, _("%(title)s is in your cart.") % {"title": listing.title})
    elif request.method == "POST":
        messages.error(
            request, _("Give a quantity from 1 to %(most)s.") % {"most": MAX_LINE_QUANTITY}
        )
    return redirect("cart-page")


def _payment_methods(buyer: Buyer, cart) -> list[str]:
    """The payment methods that every seller of the cart allows this buyer with at least one
    of its delivery options, by the channel rules; each option gets its own methods too. The
    checkout judges the options actually chosen.

    Card only with a Stripe test key, paid with one of Stripe's test cards: a real card number
    must be typed into Stripe's own fields (Stripe.js, served by Stripe), and these pages load
    nothing from another site. API clients pay by card with any Stripe key."""
    has_terms = (
        buyer.is_business and InvoiceTerms.objects.filter(organisation=buyer.organisation).exists()
    )
    usable = set(PaymentMethod.values)
    if not settings.STRIPE_SECRET_KEY.startswith("sk_test_"):
        usable.discard(PaymentMethod.CARD)
    for group in cart.sellers:
        business = seller_is_business(seller_organisation=group.seller_organisation)
        allowed_by_seller = set()
        for option in group.delivery_options:
            channel = channels.order_channel(
                buyer_is_business=buyer.is_business,
                seller_is_business=business,
                delivery_kind=option.kind,
            )
            allowed = channels.payment_methods(channel=channel, buyer_has_invoice_terms=has_terms)
            option.payment_methods = [m for m in PaymentMethod.values if m in allowed & usable]
            option.payment_labels = [PaymentMethod(m).label for m in option.payment_methods]
            allowed_by_seller |= set(option.payment_methods)
        usable &= allowed_by_seller
    return [method for method in PaymentMethod.values if method in usable]


def _ship_to_initial(buyer: Buyer) -> dict[str, str]:
    """The buyer organisation's address, offered as the address to ship to."""
    organisation = buyer.organisation
    if organisation is None:
        return {}
    return {
        "ship_name": organisation.name,
        "ship_address": organisation.address,
        "ship_city": organisation.city,
        "ship_postcode": organisation.postcode,
        "ship_country": organisation.country,
        "ship_phone": organisation.phone,
    }


def _checkout_form(buyer: Buyer, cart, data=None) -> CheckoutForm:
    methods = _payment_methods(buyer, cart)
    return CheckoutForm(
        data, sellers=cart.sellers, payment_methods=methods, initial=_ship_to_initial(buyer)
    )


def _render_cart(request, buyer: Buyer, cart, form: CheckoutForm, line_forms=None):
    line_forms = line_forms or {}
    for number, group in enumerate(cart.sellers, start=1):
        group.delivery_field = form[f"delivery_{number}"]
        for option in group.delivery_options:
            option.ships = option.kind in SHIPPED_KINDS
        for line in group.lines:
            line.quantity_form = line_forms.get(line.listing_id) or CartLineForm(
                initial={"quantity": line.quantity}, auto_id=f"id_line_{line.listing_id}_%s"
            )
    accounts = selectors_credit.credit_accounts_of(request.user, buyer.organisation)
    credit = accounts.filter(kind=AccountKind.BUYER_CREDIT, balance__gt=0)
    context = {"cart": cart, "form": form, "credit_accounts": credit}
    status = status_for(form, *line_forms.values())
    return render(request, "orders/cart.html", context, status=status)


@login_required
def cart_page(request):
    """The cart by seller, with its checkout: a delivery option per seller, how to pay."""
    buyer = buyer_of(request)
    cart = selectors.cart_of_buyer(buyer)
    form = _checkout_form(buyer, cart, request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            checkout = checkout_place(buyer=buyer, request=_checkout_request(form))
        except DomainError as error:
            show_refusal(form, error, default_field=NON_FIELD_ERRORS, field_names=SHIP_TO_FIELDS)
        else:
            messages.success(request, _("Checkout %(number)s placed.") % {"number": checkout.pk})
            return redirect("my-orders")
    return _render_cart(request, buyer, cart, form)


def _checkout_request(form: CheckoutForm) -> CheckoutRequest:
    fields = form.cleaned_data
    return CheckoutRequest(
        payment_method=fields["payment_method"],
        delivery_option_ids=form.delivery_option_ids(),
        po_number=fields["po_number"],
        use_credit=fields["use_credit"],
        card_payment_method=fields.get("card_payment_method", ""),
        ship_to=form.ship_to(),
    )


@login_required
@require_POST
def cart_line(request, listing_id: int):
    """Change the quantity of a line of the cart, or remove it (`action=remove`)."""
    buyer = buyer_of(request)
    line = get_object_or_404(selectors.cart_lines_of_buyer(buyer), listing_id=listing_id)
    data = {"quantity": 0} if request.POST.get("action") == "remove" else request.POST
    form = CartLineForm(data, auto_id=f"id_line_{listing_id}_%s")
    if form.is_valid():
        try:
            cart_line_set(buyer=buyer, listing=line.listing, quantity=form.cleaned_data["quantity"])
        except DomainError as error:
            show_refusal(form, error, default_field="quantity")
        else:
            messages.success(request, _("Your cart is updated."))
            return redirect("cart-page")
    cart = selectors.cart_of_buyer(buyer)
    return _render_cart(request, buyer, cart, _checkout_form(buyer, cart), {listing_id: form})


# The orders bought


@login_required
def my_orders(request):
    """The buyer's orders, newest first, optionally of one status."""
    orders = selectors.orders_of_buyer(buyer_of(request))
    form = OrderStatusFilterForm(request.GET)
    status = form.cleaned_data["status"] if form.is_valid() else ""
    if status:
        orders = OrderFilter({"status": [status]}, queryset=orders).qs
    page = page_of(request, orders, ORDERS_PER_PAGE)
    context = {"orders": page, "form": form, "status": status, "query": {"status": status}}
    return render(request, "orders/my_orders.html", context)


def _order_of(buyer: Buyer, order_id: int):
    orders = selectors.with_events(selectors.orders_of_buyer(buyer)).prefetch_related(
        "payment__refunds", "lines__returns"
    )
    return get_object_or_404(orders, pk=order_id)


def _order_actions(order) -> dict[str, bool]:
    """Which of the buyer's actions the order's status allows (the services check again)."""
    return {
        "cancel": order.status == OrderStatus.PLACED,
        "confirm_receipt": order.channel == Channel.C2C
        and OrderStatus.COMPLETED in ORDER_TRANSITIONS[order.status],
        "request_return": order.status in rma.RETURNABLE_ORDER_STATUSES,
    }


def _render_order(request, order, *, cancel_form=None, return_forms=None):
    return_forms = return_forms or {}
    lines = list(order.lines.all())
    for line in lines:
        line.return_form = return_forms.get(line.pk) or ReturnRequestForm(prefix=f"line-{line.pk}")
    events = list(order.events.all())
    for event in events:
        event.from_label = ORDER_STATUS_LABELS.get(event.from_status, event.from_status)
        event.to_label = ORDER_STATUS_LABELS.get(event.to_status, event.to_status)
    show_qr = bool(order.pickup_code) and order.status in OPEN_STATUSES
    context = {
        "order": order,
        "lines": lines,
        "events": events,
        "refunds": list(order.payment.refunds.all()),
        "actions": _order_actions(order),
        "pickup_qr": qr_svg(order.pickup_code) if show_qr else "",
        "cancel_form": cancel_form or OrderCancelForm(),
    }
    status = status_for(cancel_form, *return_forms.values())
    return render(request, "orders/order.html", context, status=status)


@login_required
def my_order(request, order_id: int):
    """One order: lines, totals, delivery or pickup, history, payment, and the actions its
    status allows."""
    return _render_order(request, _order_of(buyer_of(request), order_id))


@login_required
@require_POST
def order_cancel(request, order_id: int):
    """Withdraw an order the seller has not accepted yet."""
    order = _order_of(buyer_of(request), order_id)
    form = OrderCancelForm(request.POST)
    if form.is_valid():
        try:
            order_services.order_cancel_by_buyer(
                order=order, actor=request.user, reason=form.cleaned_data["reason"]
            )
        except DomainError as error:
            show_refusal(form, error, default_field=NON_FIELD_ERRORS)
        else:
            messages.success(request, _("Order %(number)s is cancelled.") % {"number": order.pk})
            return redirect("my-order", order_id=order.pk)
    return _render_order(request, order, cancel_form=form)


@login_required
@require_POST
def order_confirm_receipt(request, order_id: int):
    """The parts arrived as described: a private seller's money is released."""
    order = _order_of(buyer_of(request), order_id)
    try:
        order_services.order_confirm_receipt(order=order, actor=request.user)
    except DomainError as error:
        messages.error(request, error.message)
    else:
        messages.success(request, _("Thank you: the receipt of order %(number)s is confirmed.")
                         % {"number": order.pk})  # fmt: skip
    return redirect("my-order", order_id=order.pk)


@login_required
@require_POST
def order_line_return(request, order_id: int, line_id: int):
    """Ask to return units of one delivered line for a refund (RMA)."""
    buyer = buyer_of(request)
    order = _order_of(buyer, order_id)
    line = get_object_or_404(order.lines.all(), pk=line_id)
    form = ReturnRequestForm(request.POST, request.FILES, prefix=f"line-{line.pk}")
    if form.is_valid():
        try:
            case = rma.rma_request(
                order_line=line, buyer=buyer, details=form.details(),
                photos=form.cleaned_data["photos"],
            )  # fmt: skip
        except DomainError as error:
            show_refusal(form, error, default_field=NON_FIELD_ERRORS)
        else:
            messages.success(
                request,
                _("Return %(number)s is requested; the seller will answer it.")
                % {"number": case.pk},
            )
            return redirect("my-order", order_id=order.pk)
    return _render_order(request, order, return_forms={line.pk: form})

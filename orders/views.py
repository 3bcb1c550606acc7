"""Pages of ordering: the buyer's cart, checkout and orders; the seller's orders to accept or
reject; and the outlet's pickup console, where staff type or scan a pickup code, see what to
hand over and what to take in payment, mark the order collected or refused, and record a core
or part dropped off by its return code."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.shortcuts import get_object_or_404, redirect, render

from catalog.api.views import seller_for
from catalog.models import Listing
from catalog.selectors import PUBLIC_STATUSES
from marketplace.api.permissions import acting_organisation
from marketplace.errors import DomainError
from marketplace.models import OrganisationKind
from orders import selectors
from orders.forms import (
    CartAddForm,
    CheckoutForm,
    PickupForm,
    RejectForm,
    ReturnDropOffForm,
    show_refusal,
)
from orders.parties import Buyer
from orders.services import orders as order_services
from orders.services import pickups, returns
from orders.services.cart import cart_line_set
from orders.services.checkout import CheckoutRequest, checkout_place


def _outlet_of(request):
    try:
        organisation = acting_organisation(request)
    except DomainError as error:
        raise PermissionDenied(error.message) from None
    if organisation is None or organisation.kind != OrganisationKind.OUTLET:
        raise PermissionDenied("The pickup console is for outlet staff.")
    return organisation


def _pickup_action(request, outlet, form: PickupForm):
    """Run the button pressed; returns the order to show, or None."""
    code = form.cleaned_data["code"]
    action = request.POST.get("action", "find")
    if action == "collect":
        order = pickups.pickup_collect(
            outlet=outlet, user=request.user, code=code,
            collected_by=form.cleaned_data["collected_by"],
        )  # fmt: skip
        messages.success(request, f"Order {order.pk} handed over.")
        return order
    if action == "refuse":
        order = pickups.pickup_refuse(
            outlet=outlet, user=request.user, code=code, reason=form.cleaned_data["reason"]
        )
        messages.success(request, f"Order {order.pk} refused: the part goes back to the seller.")
        return order
    return pickups.pickup_find(outlet=outlet, user=request.user, code=code)


@login_required
def pickup_console(request):
    outlet = _outlet_of(request)
    form = PickupForm(request.POST or None)
    order = None
    if request.method == "POST" and form.is_valid():
        try:
            order = _pickup_action(request, outlet, form)
        except DomainError as error:
            show_refusal(form, error, default_field="code")
    drop_off = ReturnDropOffForm(prefix="return")
    context = {"outlet": outlet, "form": form, "order": order, "drop_off": drop_off}
    return render(request, "orders/pickup_console.html", context)


@login_required
def return_drop_off(request):
    outlet = _outlet_of(request)
    form = ReturnDropOffForm(request.POST or None, prefix="return")
    if request.method == "POST" and form.is_valid():
        try:
            case = returns.return_drop_off(
                outlet=outlet, user=request.user, code=form.cleaned_data["code"]
            )
        except DomainError as error:
            show_refusal(form, error, default_field="code")
        else:
            messages.success(request, f"{case.get_kind_display()} {case.pk} taken in.")
            return redirect("pickup-console")
    context = {"outlet": outlet, "form": PickupForm(), "order": None, "drop_off": form}
    return render(request, "orders/pickup_console.html", context)


# The buyer


def _buyer(request) -> Buyer:
    try:
        return Buyer(user=request.user, organisation=acting_organisation(request))
    except DomainError as error:
        raise PermissionDenied(error.message) from None


@login_required
def cart_add(request, listing_id: int):
    """Put a published listing in the cart (POST from the part page)."""
    listing = get_object_or_404(Listing.objects.filter(status__in=PUBLIC_STATUSES), pk=listing_id)
    form = CartAddForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            cart_line_set(
                buyer=_buyer(request), listing=listing, quantity=form.cleaned_data["quantity"]
            )
        except DomainError as error:
            messages.error(request, error.message)
        else:
            messages.success(request, f"{listing.title} is in your cart.")
    return redirect("cart-page")


@login_required
def cart_page(request):
    buyer = _buyer(request)
    form = CheckoutForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            checkout = checkout_place(buyer=buyer, request=_checkout_request(form, request.POST))
        except DomainError as error:
            show_refusal(form, error, default_field="payment_method")
        else:
            messages.success(request, f"Checkout {checkout.pk} placed.")
            return redirect("my-orders")
    context = {"cart": selectors.cart_of_buyer(buyer), "form": form}
    return render(request, "orders/cart.html", context)


def _checkout_request(form: CheckoutForm, data) -> CheckoutRequest:
    return CheckoutRequest(
        payment_method=form.cleaned_data["payment_method"],
        delivery_option_ids=form.delivery_option_ids(data),
        po_number=form.cleaned_data["po_number"],
        use_credit=form.cleaned_data["use_credit"],
        card_payment_method=data.get("card_payment_method", ""),
    )


@login_required
def my_orders(request):
    orders = selectors.orders_of_buyer(_buyer(request))[:50]
    return render(request, "orders/my_orders.html", {"orders": orders})


# The seller


def seller_of_request(request):
    try:
        return seller_for(request)
    except DomainError as error:
        raise PermissionDenied(error.message) from None


@login_required
def sales_page(request):
    seller = seller_of_request(request)
    orders = selectors.orders_of_seller(request.user, seller.organisation)[:50]
    return render(request, "orders/sales.html", {"orders": orders, "reject": RejectForm()})


@login_required
def sale_decide(request, order_id: int):
    """Accept or reject one of the caller's orders (POST)."""
    seller = seller_of_request(request)
    order = get_object_or_404(
        selectors.orders_of_seller(request.user, seller.organisation), pk=order_id
    )
    if request.method != "POST":
        return redirect("sales-page")
    try:
        if request.POST.get("action") == "accept":
            order_services.order_accept(order=order, actor=request.user)
            messages.success(request, f"Order {order.pk} accepted.")
        else:
            form = RejectForm(request.POST)
            reason = form.data.get("reason", "")
            order_services.order_reject(order=order, actor=request.user, reason=reason)
            messages.success(request, f"Order {order.pk} rejected.")
    except DomainError as error:
        messages.error(request, f"Order {order.pk}: {error.message}")
    return redirect("sales-page")

"""The buyer's pages: the cart and checkout, and their orders."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.shortcuts import get_object_or_404, redirect, render

from catalog.models import Listing
from catalog.selectors import PUBLIC_STATUSES
from marketplace.api.permissions import acting_organisation
from marketplace.errors import DomainError
from orders import selectors
from orders.forms import show_refusal
from orders.forms.buying import CartAddForm, CheckoutForm
from orders.parties import Buyer
from orders.services.cart import cart_line_set
from orders.services.checkout import CheckoutRequest, checkout_place


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

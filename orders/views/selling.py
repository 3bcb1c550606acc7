"""The seller's pages: orders to accept or reject."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.shortcuts import get_object_or_404, redirect, render

from catalog.api.views import seller_for
from marketplace.errors import DomainError
from orders import selectors
from orders.forms.selling import RejectForm
from orders.services import orders as order_services


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

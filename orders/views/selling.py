"""The seller's sales pages: the list of orders by stage of fulfilment, and one order with its
lines, delivery, payment and history, and the steps the seller may take next. Each step is one
POST calling one service; another seller's order is a 404."""

from collections.abc import Callable
from dataclasses import dataclass

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.db.models import Prefetch
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST

from catalog.api.views import seller_for
from marketplace.errors import DomainError
from marketplace.forms import show_refusal, status_for
from marketplace.pages import page_of
from orders import selectors
from orders.forms.selling import CancelForm, RejectForm, SalesFilterForm, ShipForm
from orders.models import (
    COLLECTION_KINDS,
    ORDER_TRANSITIONS,
    DeliveryKind,
    Order,
    OrderEvent,
    OrderStatus,
)
from orders.services import orders as order_services

S = OrderStatus
STATUS_LABELS = dict(OrderStatus.choices)


def seller_of_request(request):
    """The caller as a seller; anyone acting for a party that does not sell gets a 403."""
    try:
        return seller_for(request)
    except DomainError as error:
        raise PermissionDenied(error.message) from None


def _sales(request):
    seller = seller_of_request(request)
    return selectors.orders_of_seller(request.user, seller.organisation)


def _sale(request, order_id: int) -> Order:
    return get_object_or_404(_sales(request), pk=order_id)


def next_steps(order: Order) -> frozenset[str]:
    """The buttons the order page offers, read from the transition table; the services still
    decide (a card order not yet captured, a lapsed acceptance window...)."""
    allowed = ORDER_TRANSITIONS.get(order.status, set())
    collected = order.delivery_kind in COLLECTION_KINDS
    steps = {
        "accept": order.status == S.PLACED,
        "reject": order.status == S.PLACED,
        "ready": collected and S.READY_FOR_PICKUP in allowed,
        "ship": not collected and S.SHIPPED in allowed,
        "delivered": S.DELIVERED in allowed,
        "collected": order.delivery_kind == DeliveryKind.YARD_COLLECTION and S.COLLECTED in allowed,
        "cancel": order.status != S.PLACED and S.CANCELLED in allowed,
    }
    return frozenset(step for step, offered in steps.items() if offered)


@login_required
def sales_page(request):
    """The seller's orders, newest first, filtered by stage of fulfilment."""
    sales = _sales(request)
    filter_form = SalesFilterForm(request.GET or None)
    statuses = filter_form.statuses()
    if statuses:
        sales = sales.filter(status__in=statuses)
    page = page_of(request, sales)
    context = {"orders": page, "page": page, "filter": filter_form, "reject": RejectForm()}
    return render(request, "orders/sales.html", context)


@login_required
def sale_decide(request, order_id: int):
    """Accept or reject one of the caller's orders from the list (POST); back to the list, with
    any refusal as a message."""
    order = _sale(request, order_id)
    if request.method != "POST":
        return redirect("sales-page")
    chosen = STEPS["accept" if request.POST.get("action") == "accept" else "reject"]
    form = chosen.form(request.POST) if chosen.form else None
    if form is not None and not form.is_valid():
        reasons = " ".join(reason for field in form.errors.values() for reason in field)
        messages.error(request, _refusal_message(order, DomainError(reasons)))
        return redirect("sales-page")
    error = _taken(request, order, chosen, form)
    if error is not None:
        messages.error(request, _refusal_message(order, error))
    return redirect("sales-page")


def _taken(request, order: Order, step: "Step", form) -> DomainError | None:
    """Take `step` on the order with the form's arguments and say it is done; or the refusal."""
    arguments = form.cleaned_data if form is not None else {}
    try:
        step.service(order=order, actor=request.user, **arguments)
    except DomainError as error:
        return error
    messages.success(request, step.done % {"order": order.pk})
    return None


def _refusal_message(order: Order, error: DomainError) -> str:
    return _("Order %(order)s was not changed: %(reason)s") % {
        "order": order.pk,
        "reason": error.message,
    }


def _with_history(request, order_id: int) -> Order:
    events = OrderEvent.objects.select_related("actor").order_by("created_at", "id")
    order = get_object_or_404(
        _sales(request)
        .select_related("pickup_location__organisation")
        .prefetch_related(Prefetch("events", queryset=events)),
        pk=order_id,
    )
    for event in order.events.all():
        event.from_label = STATUS_LABELS.get(event.from_status, "")
        event.to_label = STATUS_LABELS.get(event.to_status, event.to_status)
    return order


def _render_sale(request, order_id: int, **forms):
    order = _with_history(request, order_id)
    context = {
        "order": order,
        "steps": next_steps(order),
        "reject": forms.get("reject") or RejectForm(),
        "ship": forms.get("ship") or ShipForm(),
        "cancel": forms.get("cancel") or CancelForm(),
    }
    return render(request, "orders/sale.html", context, status=status_for(*forms.values()))


@login_required
def sale_page(request, order_id: int):
    return _render_sale(request, order_id)


@dataclass(frozen=True)
class Step:
    """One step of fulfilment: the service it calls, what is said once done, and the form of
    the arguments it takes (if any), named in the page's context by the step."""

    service: Callable[..., Order]
    done: str
    form: type[forms.Form] | None = None


STEPS = {
    "accept": Step(order_services.order_accept, gettext_lazy("Order %(order)s accepted.")),
    "reject": Step(
        order_services.order_reject, gettext_lazy("Order %(order)s rejected."), RejectForm
    ),
    "ready": Step(
        order_services.order_mark_ready_for_pickup,
        gettext_lazy("Order %(order)s is ready for pickup."),
    ),
    "ship": Step(order_services.order_ship, gettext_lazy("Order %(order)s shipped."), ShipForm),
    "delivered": Step(
        order_services.order_mark_delivered, gettext_lazy("Order %(order)s marked delivered.")
    ),
    "collected": Step(
        order_services.order_mark_collected_at_yard,
        gettext_lazy("Order %(order)s collected at your yard."),
    ),
    "cancel": Step(
        order_services.order_cancel, gettext_lazy("Order %(order)s cancelled."), CancelForm
    ),
}


@login_required
@require_POST
def sale_step(request, order_id: int, step: str):
    """Take one step on one of the caller's orders (POST), then go back to the order page
    (PRG). Bad input, or a refusal naming a field of the step's form, is shown by that field;
    any other refusal is a message naming the reason."""
    order = _sale(request, order_id)
    chosen = STEPS[step]
    form = chosen.form(request.POST) if chosen.form else None
    if form is not None and not form.is_valid():
        return _render_sale(request, order.pk, **{step: form})
    error = _taken(request, order, chosen, form)
    if error is not None and form is not None and error.fields:
        show_refusal(form, error, default_field=next(iter(form.fields)))
        return _render_sale(request, order.pk, **{step: form})
    if error is not None:
        messages.error(request, _refusal_message(order, error))
    return redirect("sale-page", order_id=order.pk)

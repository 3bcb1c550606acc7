"""The seller's sales pages: the list of orders by stage of fulfilment, and one order with its
lines, delivery, payment and history, and the steps the seller may take next. Each step is one
POST calling one service; another seller's order is a 404."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.db.models import Prefetch
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from catalog.api.views import seller_for
from marketplace.errors import DomainError
from marketplace.forms import show_refusal, status_for
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
PAGE_SIZE = 25
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
    page = Paginator(sales, PAGE_SIZE).get_page(request.GET.get("page"))
    context = {"orders": page, "page": page, "filter": filter_form, "reject": RejectForm()}
    return render(request, "orders/sales.html", context)


@login_required
def sale_decide(request, order_id: int):
    """Accept or reject one of the caller's orders from the list (POST)."""
    order = _sale(request, order_id)
    if request.method != "POST":
        return redirect("sales-page")
    try:
        if request.POST.get("action") == "accept":
            order_services.order_accept(order=order, actor=request.user)
            messages.success(request, _("Order %(order)s accepted.") % {"order": order.pk})
        else:
            reason = RejectForm(request.POST).data.get("reason", "")
            order_services.order_reject(order=order, actor=request.user, reason=reason)
            messages.success(request, _("Order %(order)s rejected.") % {"order": order.pk})
    except DomainError as error:
        messages.error(request, _refusal_message(order, error))
    return redirect("sales-page")


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


def _take_step(request, order: Order, service, done: str, *, form=None, form_name="", **args):
    """Run one service on the order for the caller; on success say `done` and go back to the
    order page (PRG). A refusal naming a field of `form` is shown by that field; any other is a
    message naming the reason."""
    try:
        service(order=order, actor=request.user, **args)
    except DomainError as error:
        if form is not None and error.fields:
            show_refusal(form, error, default_field=next(iter(form.fields)))
            return _render_sale(request, order.pk, **{form_name: form})
        messages.error(request, _refusal_message(order, error))
    else:
        messages.success(request, done % {"order": order.pk})
    return redirect("sale-page", order_id=order.pk)


@login_required
@require_POST
def sale_accept(request, order_id: int):
    done = _("Order %(order)s accepted.")
    return _take_step(request, _sale(request, order_id), order_services.order_accept, done)


@login_required
@require_POST
def sale_reject(request, order_id: int):
    order = _sale(request, order_id)
    form = RejectForm(request.POST)
    if not form.is_valid():
        return _render_sale(request, order.pk, reject=form)
    done = _("Order %(order)s rejected.")
    return _take_step(
        request, order, order_services.order_reject, done,
        form=form, form_name="reject", reason=form.cleaned_data["reason"],
    )  # fmt: skip


@login_required
@require_POST
def sale_ready(request, order_id: int):
    done = _("Order %(order)s is ready for pickup.")
    service = order_services.order_mark_ready_for_pickup
    return _take_step(request, _sale(request, order_id), service, done)


@login_required
@require_POST
def sale_ship(request, order_id: int):
    order = _sale(request, order_id)
    form = ShipForm(request.POST)
    if not form.is_valid():
        return _render_sale(request, order.pk, ship=form)
    done = _("Order %(order)s shipped.")
    return _take_step(
        request, order, order_services.order_ship, done,
        form=form, form_name="ship", **form.cleaned_data,
    )  # fmt: skip


@login_required
@require_POST
def sale_delivered(request, order_id: int):
    done = _("Order %(order)s marked delivered.")
    service = order_services.order_mark_delivered
    return _take_step(request, _sale(request, order_id), service, done)


@login_required
@require_POST
def sale_collected(request, order_id: int):
    done = _("Order %(order)s collected at your yard.")
    service = order_services.order_mark_collected_at_yard
    return _take_step(request, _sale(request, order_id), service, done)


@login_required
@require_POST
def sale_cancel(request, order_id: int):
    order = _sale(request, order_id)
    form = CancelForm(request.POST)
    if not form.is_valid():
        return _render_sale(request, order.pk, cancel=form)
    done = _("Order %(order)s cancelled.")
    return _take_step(
        request, order, order_services.order_cancel, done,
        form=form, form_name="cancel", reason=form.cleaned_data["reason"],
    )  # fmt: skip

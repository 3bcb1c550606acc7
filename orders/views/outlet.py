"""The outlet's pickup console, where staff type or scan a pickup code, see what to hand over and
what to take in payment, mark the order collected or refused, and record a core or part dropped
off by its return code."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _

from marketplace.api.permissions import acting_organisation
from marketplace.errors import DomainError
from marketplace.forms import show_refusal, status_for
from marketplace.models import OrganisationKind
from orders.forms.outlet import PickupForm, ReturnDropOffForm
from orders.services import pickups, returns


def _outlet_of(request):
    try:
        organisation = acting_organisation(request)
    except DomainError as error:
        raise PermissionDenied(error.message) from None
    if organisation is None or organisation.kind != OrganisationKind.OUTLET:
        raise PermissionDenied(_("The pickup console is for outlet staff."))
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
        messages.success(request, _("Order %(number)s handed over.") % {"number": order.pk})
        return order
    if action == "refuse":
        order = pickups.pickup_refuse(
            outlet=outlet, user=request.user, code=code, reason=form.cleaned_data["reason"]
        )
        messages.success(
            request,
            _("Order %(number)s refused: the part goes back to the seller.") % {"number": order.pk},
        )
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
    return render(request, "orders/pickup_console.html", context, status=status_for(form))


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
            messages.success(
                request,
                _("%(kind)s %(number)s taken in.")
                % {"kind": case.get_kind_display(), "number": case.pk},
            )
            return redirect("pickup-console")
    context = {"outlet": outlet, "form": PickupForm(), "order": None, "drop_off": form}
    return render(request, "orders/pickup_console.html", context, status=status_for(form))

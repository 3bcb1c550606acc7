"""The buyer's pages after the sale: the cores owed, the credit statement and the returns, cores
and parts alike. Reads go through the buyer-scoped selectors, so another buyer's core or return
is a 404."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import NON_FIELD_ERRORS
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from catalog.models import Location, LocationKind
from marketplace.errors import DomainError
from marketplace.forms import show_refusal, status_for
from marketplace.pages import page_of
from orders import selectors_credit, selectors_returns
from orders.forms.buying import ReturnShipForm
from orders.models import AccountKind, CoreStatus, ReturnKind, ReturnStatus
from orders.parties import Buyer
from orders.services import cores, returns
from orders.views.common import buyer_of, qr_svg

OUTLETS_LISTED = 20
RETURN_STATUS_LABELS = dict(ReturnStatus.choices)


@login_required
def my_cores(request):
    """The cores the buyer owes (or owed): part, deposit, deadline, status, return code."""
    page = page_of(request, selectors_returns.cores_of_buyer(buyer_of(request)))
    today = timezone.localdate()
    for core in page:
        case = core.return_case
        core.may_return = core.status in (CoreStatus.OWED, CoreStatus.REJECTED)
        core.may_return = core.may_return and core.due_on >= today
        core.awaiting = case is not None and case.status == ReturnStatus.AWAITING_RETURN
        core.qr = qr_svg(case.code) if core.awaiting and case.code else ""
    outlets = Location.objects.filter(kind=LocationKind.OUTLET).order_by("name", "pk")
    context = {"cores": page, "outlets": outlets[:OUTLETS_LISTED], "today": today}
    return render(request, "orders/buyer_cores.html", context)


@login_required
@require_POST
def core_return_open(request, core_id: int):
    """Start sending a core back: it gets its return code."""
    core = get_object_or_404(selectors_returns.cores_of_buyer(buyer_of(request)), pk=core_id)
    try:
        case = cores.core_return_open(obligation=core, actor=request.user)
    except DomainError as error:
        messages.error(request, error.message)
    else:
        messages.success(
            request,
            _("Your return code is %(code)s: drop the core off at an outlet or send it by post.")
            % {"code": case.code},
        )
    return redirect("my-cores")


@login_required
def my_credit(request):
    """The buyer's credit balance in each currency, and the statement of one of them with the
    balance after each entry, newest first."""
    buyer = buyer_of(request)
    accounts = list(
        selectors_credit.credit_accounts_of(request.user, buyer.organisation).filter(
            kind=AccountKind.BUYER_CREDIT
        )
    )
    wanted = request.GET.get("currency")
    account = next((a for a in accounts if a.currency == wanted), accounts[0] if accounts else None)
    entries = None
    if account is not None:
        entries = page_of(
            request,
            selectors_credit.statement_entries(
                request.user,
                buyer.organisation,
                kind=AccountKind.BUYER_CREDIT,
                currency=account.currency,
            ),
        )
    context = {"accounts": accounts, "account": account, "entries": entries}
    context["query"] = {"currency": account.currency if account is not None else ""}
    return render(request, "orders/buyer_credit.html", context)


def _render_returns(request, buyer: Buyer, ship_forms=None):
    ship_forms = ship_forms or {}
    page = page_of(request, selectors_returns.returns_of_buyer(buyer))
    for case in page:
        # A core's case that was cancelled and opened again no longer has the core.
        core = getattr(case, "core", None) if case.kind == ReturnKind.CORE else None
        case.deadline = core.due_on if core is not None else None
        case.awaiting = case.status == ReturnStatus.AWAITING_RETURN
        case.ship_form = ship_forms.get(case.pk) or ReturnShipForm(prefix=f"case-{case.pk}")
        case.history = list(case.events.all())
        for event in case.history:
            event.to_label = RETURN_STATUS_LABELS.get(event.to_status, event.to_status)
    status = status_for(*ship_forms.values())
    return render(request, "orders/buyer_returns.html", {"cases": page}, status=status)


@login_required
def my_returns(request):
    """The buyer's returns, cores and parts alike: status, code, deadline and history."""
    return _render_returns(request, buyer_of(request))


@login_required
@require_POST
def return_ship(request, case_id: int):
    """The buyer sent the part or core back by post."""
    buyer = buyer_of(request)
    case = get_object_or_404(selectors_returns.returns_of_buyer(buyer), pk=case_id)
    form = ReturnShipForm(request.POST, prefix=f"case-{case.pk}")
    if form.is_valid():
        try:
            returns.return_ship(case=case, actor=request.user, **form.cleaned_data)
        except DomainError as error:
            show_refusal(form, error, default_field=NON_FIELD_ERRORS)
        else:
            messages.success(request, _("Return %(number)s is on its way.") % {"number": case.pk})
            return redirect("my-returns")
    return _render_returns(request, buyer, {case.pk: form})

"""The seller's returns pages: part returns (RMA) to approve or decline, cores and parts on their
way back to receive, and received ones to inspect (cores by the published rubric, parts accepted
and refunded or rejected). Each step is one POST calling one service; another seller's return is
a 404, and its photos are served only to the seller it was sent to."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import FileResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from marketplace.errors import DomainError
from marketplace.forms import show_refusal, status_for
from marketplace.pages import page_of
from orders import selectors_returns
from orders.core_rubric import FINDINGS
from orders.forms.selling import (
    CoreInspectForm,
    DeclineForm,
    PartInspectForm,
    ReturnsFilterForm,
)
from orders.models import ReturnCase, ReturnKind, ReturnPhoto, ReturnStatus
from orders.services import cores, returns, rma
from orders.views.selling import seller_of_request

R = ReturnStatus
STATUS_LABELS = dict(ReturnStatus.choices)


def _returns(request):
    seller = seller_of_request(request)
    return selectors_returns.returns_of_seller(request.user, seller.organisation)


def _case(request, case_id: int) -> ReturnCase:
    return get_object_or_404(_returns(request), pk=case_id)


def next_steps(case: ReturnCase) -> frozenset[str]:
    """What the case page offers, by status; the services still decide."""
    steps = {
        "approve": case.kind == ReturnKind.RMA and case.status == R.REQUESTED,
        "decline": case.kind == ReturnKind.RMA and case.status == R.REQUESTED,
        "receive": case.status in (R.DROPPED_OFF, R.SHIPPED),
        "inspect": case.status == R.RECEIVED,
    }
    return frozenset(step for step, offered in steps.items() if offered)


def _inspect_form(case: ReturnCase, data=None, files=None):
    form_class = CoreInspectForm if case.kind == ReturnKind.CORE else PartInspectForm
    return form_class(data, files)


@login_required
def seller_returns(request):
    """The returns of the caller's sales, those waiting for the seller first shown."""
    cases = _returns(request)
    filter_form = ReturnsFilterForm(request.GET or None)
    statuses = filter_form.statuses()
    if statuses:
        cases = cases.filter(status__in=statuses)
    if filter_form.chosen_kind():
        cases = cases.filter(kind=filter_form.chosen_kind())
    page = page_of(request, cases)
    context = {"cases": page, "page": page, "filter": filter_form}
    return render(request, "orders/seller_returns.html", context)


def _render_case(request, case_id: int, **forms):
    case = _case(request, case_id)
    known = [code for code in case.findings if code in FINDINGS]
    case.finding_labels = [gettext(FINDINGS[code].label) for code in known]
    for event in case.events.all():
        event.from_label = STATUS_LABELS.get(event.from_status, "")
        event.to_label = STATUS_LABELS.get(event.to_status, event.to_status)
    context = {
        "case": case,
        "steps": next_steps(case),
        "decline": forms.get("decline") or DeclineForm(),
        "inspect": forms.get("inspect") or _inspect_form(case),
    }
    return render(request, "orders/seller_return.html", context, status=status_for(*forms.values()))


@login_required
def seller_return_page(request, case_id: int):
    return _render_case(request, case_id)


def _refused(request, case: ReturnCase, error: DomainError, *, form=None, form_name=""):
    """A refusal naming a field of `form` is shown by that field; any other is a message."""
    if form is not None and error.fields:
        show_refusal(form, error, default_field=next(iter(form.fields)))
        return _render_case(request, case.pk, **{form_name: form})
    messages.error(
        request,
        _("Return %(case)s was not changed: %(reason)s")
        % {"case": case.pk, "reason": error.message},
    )
    return redirect("seller-return", case_id=case.pk)


def _done(request, case: ReturnCase, message: str):
    messages.success(request, message)
    return redirect("seller-return", case_id=case.pk)


@login_required
@require_POST
def seller_return_approve(request, case_id: int):
    case = _case(request, case_id)
    try:
        rma.rma_approve(case=case, actor=request.user)
    except DomainError as error:
        return _refused(request, case, error)
    done = _("Return %(case)s approved: the buyer can now send the part back.")
    return _done(request, case, done % {"case": case.pk})


@login_required
@require_POST
def seller_return_decline(request, case_id: int):
    case = _case(request, case_id)
    form = DeclineForm(request.POST)
    if not form.is_valid():
        return _render_case(request, case.pk, decline=form)
    try:
        rma.rma_decline(case=case, actor=request.user, reason=form.cleaned_data["reason"])
    except DomainError as error:
        return _refused(request, case, error, form=form, form_name="decline")
    return _done(request, case, _("Return %(case)s declined.") % {"case": case.pk})


@login_required
@require_POST
def seller_return_receive(request, case_id: int):
    case = _case(request, case_id)
    try:
        returns.return_receive(case=case, actor=request.user)
    except DomainError as error:
        return _refused(request, case, error)
    done = _("Return %(case)s received: inspect it now.")
    return _done(request, case, done % {"case": case.pk})


def _inspect(request, case: ReturnCase, form) -> ReturnCase:
    """Keep the photos as evidence, then inspect by the case's kind."""
    fields = form.cleaned_data
    for photo in fields["photos"]:
        cores.return_photo_add(case=case, actor=request.user, image=photo)
    if case.kind == ReturnKind.CORE:
        return cores.core_inspect(
            case=case, actor=request.user, findings=fields["findings"], notes=fields["notes"]
        )
    return rma.rma_inspect(
        case=case,
        actor=request.user,
        accept=fields["decision"],
        resellable=fields["resellable"],
        notes=fields["notes"],
    )


def _inspected_message(case: ReturnCase) -> str:
    if case.status == R.REJECTED:
        return _("Return %(case)s rejected.") % {"case": case.pk}
    if case.kind == ReturnKind.CORE:
        message = _(
            "Core return %(case)s inspected (%(outcome)s): %(amount)s %(currency)s credited."
        )
    else:
        message = _("Return %(case)s accepted: %(amount)s %(currency)s refunded.")
    return message % {
        "case": case.pk,
        "outcome": case.get_status_display(),
        "amount": case.payout_amount,
        "currency": case.currency,
    }


@login_required
@require_POST
def seller_return_inspect(request, case_id: int):
    case = _case(request, case_id)
    form = _inspect_form(case, request.POST, request.FILES)
    if not form.is_valid():
        return _render_case(request, case.pk, inspect=form)
    try:
        inspected = _inspect(request, case, form)
    except DomainError as error:
        return _refused(request, case, error, form=form, form_name="inspect")
    return _done(request, case, _inspected_message(inspected))


@login_required
def seller_return_photo(request, case_id: int, photo_id: int):
    """A photo of a return, for the seller it was sent to only (evidence is never public)."""
    case = _case(request, case_id)
    photo = get_object_or_404(ReturnPhoto.objects.filter(return_case=case), pk=photo_id)
    return FileResponse(photo.image.open("rb"))

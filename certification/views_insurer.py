"""The insurer's pages: its warranty plans, the policies issued under them, and the claims it
decides (approve an amount, decline, or ask the holder for more).

Everything is scoped to the insurer the user acts for: another insurer's plan, policy or claim
is a 404, and anyone who does not act for an insurer gets a 403. What a claim may pay is the
service's decision (`claim_payable`, `claim_approve`); its refusal is shown by the amount.
"""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.db.models import Count
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from certification import selectors_warranty as selectors
from certification.filters import ClaimFilter, PolicyFilter
from certification.forms import (
    ClaimApproveForm,
    ClaimReasonForm,
    PlanCreateForm,
)
from certification.models import CLAIM_TRANSITIONS, Claim, ClaimStatus
from certification.services import warranty as services
from certification.views import (
    ROWS_PER_PAGE,
    documents_of,
    history_of,
    organisation_acting_as,
)
from marketplace.errors import DomainError
from marketplace.forms import show_refusal
from marketplace.models import Organisation, OrganisationKind
from marketplace.pages import page_of

# Each decision on a claim: its form, the status it leads to, and the field a refusal is about.
DECISIONS = {
    "approve": (ClaimApproveForm, ClaimStatus.APPROVED, "amount"),
    "reject": (ClaimReasonForm, ClaimStatus.REJECTED, "reason"),
    "request_info": (ClaimReasonForm, ClaimStatus.INFO_REQUESTED, "reason"),
}


def _insurer(request) -> Organisation:
    return organisation_acting_as(
        request, OrganisationKind.INSURER, _("These pages are for an insurer's staff.")
    )


# Plans


@login_required
def plan_list(request):
    insurer = _insurer(request)
    plans = selectors.plans_of_insurer(insurer).annotate(policy_count=Count("policies"))
    return render(request, "certification/plans.html", {"insurer": insurer, "plans": plans})


@login_required
def plan_create(request):
    insurer = _insurer(request)
    form = PlanCreateForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            plan = services.plan_create(
                insurer=insurer,
                actor=request.user,
                scheme=form.cleaned_data["scheme"],
                values=form.plan_values(),
            )
        except DomainError as error:
            show_refusal(form, error, default_field="name")
        else:
            messages.success(request, _("Plan %(name)s created.") % {"name": plan.name})
            return redirect("insurer-plan", plan.pk)
    return render(request, "certification/plan_form.html", {"insurer": insurer, "form": form})


@login_required
def plan_detail(request, plan_id: int):
    insurer = _insurer(request)
    plans = selectors.plans_of_insurer(insurer).select_related("scheme__certifier")
    plan = get_object_or_404(
        plans.annotate(
            policy_count=Count("policies", distinct=True),
            claim_count=Count("policies__claims", distinct=True),
        ),
        pk=plan_id,
    )
    return render(request, "certification/plan.html", {"insurer": insurer, "plan": plan})


# Policies


@login_required
def policy_list(request):
    """The policies issued under the insurer's plans, filtered by plan and text."""
    insurer = _insurer(request)
    policies = selectors.policies_visible_to(request.user, insurer).filter(plan__insurer=insurer)
    filterset = PolicyFilter(
        request.GET or None, queryset=policies, plans=selectors.plans_of_insurer(insurer)
    )
    page = page_of(request, filterset.qs, ROWS_PER_PAGE)
    context = {"insurer": insurer, "filterset": filterset, "form": filterset.form, "page": page}
    status = 400 if filterset.refused else 200
    return render(request, "certification/policies.html", context, status=status)


# Claims


@login_required
def claim_list(request):
    """The claims on the insurer's policies, newest first; filtered by status."""
    insurer = _insurer(request)
    claims = selectors.claims_of_insurer(insurer).select_related("policy__listing")
    filterset = ClaimFilter(request.GET or None, queryset=claims)
    page = page_of(request, filterset.qs, ROWS_PER_PAGE)
    context = {"insurer": insurer, "filterset": filterset, "form": filterset.form, "page": page}
    status = 400 if filterset.refused else 200
    return render(request, "certification/claims.html", context, status=status)


def _claim_of(insurer: Organisation, claim_id: int) -> Claim:
    claims = selectors.with_claim_events(selectors.claims_of_insurer(insurer))
    claims = claims.select_related("policy__listing", "policy__plan__insurer", "filed_by")
    return get_object_or_404(claims.prefetch_related("documents"), pk=claim_id)


def _claim_page(request, claim: Claim, bound: dict | None = None):
    """The claim page with a form for each decision the claim's status allows; `bound`
    replaces one by the form that was refused (and makes the answer a 400)."""
    allowed = CLAIM_TRANSITIONS.get(claim.status, set())
    decisions = {
        f"{name}_form": form_class(prefix=name)
        for name, (form_class, to_status, _field) in DECISIONS.items()
        if to_status in allowed
    }
    payable = services.claim_payable(claim) if "approve_form" in decisions else None
    if payable is not None and not bound:
        decisions["approve_form"] = ClaimApproveForm(prefix="approve", initial={"amount": payable})
    context = {
        "claim": claim,
        "policy": claim.policy,
        "payable": payable,
        "history": history_of(claim.events.all(), dict(ClaimStatus.choices)),
        "documents": documents_of(claim.documents.all()),
        **decisions,
        **(bound or {}),
    }
    return render(request, "certification/claim_review.html", context, status=400 if bound else 200)


@login_required
def claim_detail(request, claim_id: int):
    return _claim_page(request, _claim_of(_insurer(request), claim_id))


def _decide(request, claim: Claim, name: str, form) -> Claim:
    if name == "approve":
        return services.claim_approve(claim=claim, actor=request.user, **form.cleaned_data)
    service = services.claim_reject if name == "reject" else services.claim_request_info
    return service(claim=claim, actor=request.user, reason=form.cleaned_data["reason"])


@login_required
@require_POST
def claim_decide(request, claim_id: int, decision: str):
    """Approve, decline or ask for more information (POST)."""
    claim = _claim_of(_insurer(request), claim_id)
    form_class, _to_status, field = DECISIONS[decision]
    form = form_class(request.POST, prefix=decision)
    if form.is_valid():
        try:
            decided = _decide(request, claim, decision, form)
        except DomainError as error:
            show_refusal(form, error, default_field=field)
        else:
            messages.success(
                request,
                _("Claim %(claim)s is now: %(status)s.")
                % {"claim": decided.pk, "status": decided.get_status_display()},
            )
            return redirect("insurer-claim", decided.pk)
    return _claim_page(request, claim, {f"{decision}_form": form})

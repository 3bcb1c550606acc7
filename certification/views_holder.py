"""The policy holder's pages: their warranty policies, filing a claim with its documents, and
following a claim (its status, history, more documents, answering a request for information).

Any signed-in user holds policies (the buyer of a covered part); another holder's policy or
claim is a 404. Claim documents are private: they are downloaded here by the parties who can
see the claim (its holder, the plan's insurer, the seller), never from a media address.
"""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from certification import selectors_warranty as selectors
from certification.forms import (
    ClaimDocumentForm,
    ClaimFileForm,
    ClaimResubmitForm,
)
from certification.models import CLAIM_TRANSITIONS, Claim, ClaimDocument, ClaimStatus
from certification.services import warranty as services
from certification.services.warranty_claims import OPEN_STATUSES
from certification.views import document_download, documents_of, history_of
from marketplace.api.permissions import acting_organisation
from marketplace.errors import DomainError
from marketplace.forms import show_refusal


def _policies_held(request):
    return selectors.policies_visible_to(request.user, None).filter(holder=request.user)


def _claims_filed(request):
    return selectors.claims_of_holder(request.user).select_related("policy__listing")


@login_required
def my_warranty(request):
    """The policies the user holds and the claims they filed."""
    context = {"policies": _policies_held(request)[:100], "claims": _claims_filed(request)[:100]}
    return render(request, "certification/my_warranty.html", context)


@login_required
def policy_detail(request, policy_id: int):
    policy = get_object_or_404(_policies_held(request), pk=policy_id)
    claims = selectors.claims_of_holder(request.user).filter(policy=policy)
    return render(request, "certification/my_policy.html", {"policy": policy, "claims": claims})


def _claim_details(form: ClaimFileForm) -> services.ClaimDetails:
    data = form.cleaned_data
    return services.ClaimDetails(
        failure=data["failure"],
        failed_on=data["failed_on"],
        mileage_km=data["mileage_km"],
        parts_amount=data["parts_amount"],
        labour_hours=data["labour_hours"] or 0,
        labour_rate=data["labour_rate"] or 0,
    )


@login_required
def claim_file(request, policy_id: int):
    """File a claim against a policy the user holds, with photos and reports."""
    policy = get_object_or_404(_policies_held(request), pk=policy_id)
    form = ClaimFileForm(request.POST or None, request.FILES or None)
    if request.method == "POST" and form.is_valid():
        documents = [(file, "") for file in form.cleaned_data["documents"]]
        try:
            claim = services.claim_file(
                policy=policy,
                actor=request.user,
                details=_claim_details(form),
                documents=documents,
            )
        except DomainError as error:
            field = "documents" if "file" in error.fields else None
            show_refusal(form, error, default_field=field)
        else:
            messages.success(request, _("Claim %(claim)s filed.") % {"claim": claim.pk})
            return redirect("my-warranty-claim", claim.pk)
    return render(request, "certification/claim_file.html", {"policy": policy, "form": form})


def _claim_of(request, claim_id: int) -> Claim:
    claims = selectors.with_claim_events(_claims_filed(request)).prefetch_related("documents")
    return get_object_or_404(claims, pk=claim_id)


def _claim_page(request, claim: Claim, bound: dict | None = None):
    """The claim's status and history, with the forms its status allows; `bound` replaces
    one by the form that was refused (and makes the answer a 400)."""
    forms = {}
    if claim.status in OPEN_STATUSES:
        forms["document_form"] = ClaimDocumentForm(prefix="document")
    if ClaimStatus.FILED in CLAIM_TRANSITIONS.get(claim.status, set()):
        forms["resubmit_form"] = ClaimResubmitForm(prefix="resubmit")
    context = {
        "claim": claim,
        "policy": claim.policy,
        "history": history_of(claim.events.all(), dict(ClaimStatus.choices)),
        "documents": documents_of(claim.documents.all()),
        **forms,
        **(bound or {}),
    }
    return render(request, "certification/my_claim.html", context, status=400 if bound else 200)


@login_required
def claim_detail(request, claim_id: int):
    return _claim_page(request, _claim_of(request, claim_id))


@login_required
@require_POST
def claim_document_add(request, claim_id: int):
    claim = _claim_of(request, claim_id)
    form = ClaimDocumentForm(request.POST, request.FILES, prefix="document")
    if form.is_valid():
        try:
            services.claim_document_add(claim=claim, actor=request.user, **form.cleaned_data)
        except DomainError as error:
            show_refusal(form, error, default_field="file")
        else:
            messages.success(request, _("The document is attached to your claim."))
            return redirect("my-warranty-claim", claim.pk)
    return _claim_page(request, claim, {"document_form": form})


@login_required
@require_POST
def claim_resubmit(request, claim_id: int):
    """Answer the insurer's request for information: the claim goes back to them."""
    claim = _claim_of(request, claim_id)
    form = ClaimResubmitForm(request.POST, prefix="resubmit")
    if form.is_valid():
        try:
            services.claim_resubmit(claim=claim, actor=request.user, note=form.cleaned_data["note"])
        except DomainError as error:
            show_refusal(form, error, default_field="note")
        else:
            messages.success(request, _("Your claim is back with the insurer."))
            return redirect("my-warranty-claim", claim.pk)
    return _claim_page(request, claim, {"resubmit_form": form})


def _acting_or_none(request):
    """The organisation the user acts for, or None (as a holder) when they belong to several."""
    try:
        return acting_organisation(request)
    except DomainError:
        return None


@login_required
def claim_document_file(request, claim_id: int, document_id: int):
    """Download a claim's document: to the holder, the plan's insurer and the seller only."""
    claims = selectors.claims_visible_to(request.user, _acting_or_none(request))
    document = get_object_or_404(
        ClaimDocument.objects.filter(claim__in=claims.values("pk")),
        pk=document_id,
        claim_id=claim_id,
    )
    return document_download(document)

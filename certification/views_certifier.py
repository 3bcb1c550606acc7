"""The certifier's pages: schemes, certificates with their history and evidence, and issuing,
suspending, reinstating and revoking certificates.

Everything is scoped to the certifier the user acts for: another certifier's scheme or
certificate is a 404, and anyone who does not act for a certifier gets a 403. The services
decide (an unapproved certifier may not issue, a suspension needs a reason ...); their
refusals are shown next to the field they name.
"""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.db.models import Count, Prefetch
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from certification import selectors
from certification.filters import CertificateFilter
from certification.forms import (
    CertificateIssueForm,
    CertificateReasonForm,
    EvidenceForm,
    SchemeCreateForm,
    SchemeUpdateForm,
)
from certification.models import (
    CERTIFICATE_TRANSITIONS,
    Certificate,
    CertificateEvent,
    CertificateStatus,
    EvidenceDocument,
)
from certification.services import certificates as services
from certification.views import (
    ROWS_PER_PAGE,
    document_download,
    documents_of,
    history_of,
    organisation_acting_as,
)
from marketplace.errors import DomainError
from marketplace.forms import show_refusal
from marketplace.models import Organisation, OrganisationKind
from marketplace.pages import page_of

# Each change of a certificate's status: its service, the status it leads to, what is said.
CHANGES = {
    "suspend": (services.certificate_suspend, CertificateStatus.SUSPENDED),
    "reinstate": (services.certificate_reinstate, CertificateStatus.ACTIVE),
    "revoke": (services.certificate_revoke, CertificateStatus.REVOKED),
}


def _certifier(request) -> Organisation:
    return organisation_acting_as(
        request, OrganisationKind.CERTIFIER, _("These pages are for a certifier's staff.")
    )


# Schemes


@login_required
def scheme_list(request):
    certifier = _certifier(request)
    schemes = selectors.schemes_of(certifier).annotate(certificate_count=Count("certificates"))
    return render(
        request, "certification/schemes.html", {"certifier": certifier, "schemes": schemes}
    )


@login_required
def scheme_create(request):
    certifier = _certifier(request)
    form = SchemeCreateForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            scheme = services.scheme_create(
                certifier=certifier, actor=request.user, **form.cleaned_data
            )
        except DomainError as error:
            show_refusal(form, error, default_field="name")
        else:
            messages.success(request, _("Scheme %(name)s created.") % {"name": scheme.name})
            return redirect("certifier-schemes")
    context = {"certifier": certifier, "form": form, "scheme": None}
    return render(request, "certification/scheme_form.html", context)


@login_required
def scheme_edit(request, scheme_id: int):
    certifier = _certifier(request)
    scheme = get_object_or_404(selectors.schemes_of(certifier), pk=scheme_id)
    initial = {name: getattr(scheme, name) for name in SchemeUpdateForm.base_fields}
    form = SchemeUpdateForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        changes = {name: form.cleaned_data[name] for name in form.changed_data}
        try:
            scheme = services.scheme_update(scheme=scheme, actor=request.user, **changes)
        except DomainError as error:
            show_refusal(form, error, default_field="name")
        else:
            messages.success(request, _("Scheme %(name)s saved.") % {"name": scheme.name})
            return redirect("certifier-schemes")
    context = {"certifier": certifier, "form": form, "scheme": scheme}
    return render(request, "certification/scheme_form.html", context)


# Certificates


@login_required
def certificate_list(request):
    """The certifier's certificates, newest first, filtered by status, scheme and text."""
    certifier = _certifier(request)
    filterset = CertificateFilter(
        request.GET or None,
        queryset=selectors.certificates_of(certifier),
        schemes=selectors.schemes_of(certifier),
    )
    page = page_of(request, filterset.qs, ROWS_PER_PAGE)
    rows = [(certificate, selectors.subject_description(certificate)) for certificate in page]
    context = {
        "certifier": certifier,
        "filterset": filterset,
        "form": filterset.form,
        "page": page,
        "rows": rows,
    }
    status = 400 if filterset.refused else 200
    return render(request, "certification/certificates.html", context, status=status)


def _certificate_of(certifier: Organisation, certificate_id: int) -> Certificate:
    events = CertificateEvent.objects.select_related("actor")
    queryset = selectors.certificates_of(certifier).prefetch_related(
        Prefetch("events", queryset=events), "evidence"
    )
    return get_object_or_404(queryset, pk=certificate_id)


def _certificate_page(request, certificate: Certificate, bound: dict | None = None):
    """The certificate page; `bound` replaces an empty form by the one that was refused (and
    makes the answer a 400)."""
    allowed = CERTIFICATE_TRANSITIONS.get(certificate.status, set())
    change_forms = {
        f"{action}_form": CertificateReasonForm(prefix=action)
        for action, (_service, to_status) in CHANGES.items()
        if to_status in allowed
    }
    # Evidence is still added while the certificate can change (neither revoked nor expired).
    if allowed:
        change_forms["evidence_form"] = EvidenceForm(prefix="evidence")
    context = {
        "certificate": certificate,
        "subject": selectors.subject_description(certificate),
        "history": history_of(certificate.events.all(), dict(CertificateStatus.choices)),
        "evidence": documents_of(certificate.evidence.all()),
        **change_forms,
        **(bound or {}),
    }
    status = 400 if bound else 200
    return render(request, "certification/certificate.html", context, status=status)


@login_required
def certificate_detail(request, certificate_id: int):
    certificate = _certificate_of(_certifier(request), certificate_id)
    return _certificate_page(request, certificate)


def _issue(actor, form: CertificateIssueForm) -> Certificate:
    data = form.cleaned_data
    evidence = None
    if data["file"]:
        evidence = services.Evidence(file=data["file"], description=data["description"].strip())
    return services.certificate_issue(
        scheme=data["scheme"], actor=actor, subject=form.subject,
        issued_on=data["issued_on"], expires_on=data["expires_on"], evidence=evidence,
    )  # fmt: skip


@login_required
def certificate_issue(request):
    certifier = _certifier(request)
    schemes = selectors.schemes_of(certifier).filter(active=True)
    form = CertificateIssueForm(request.POST or None, request.FILES or None, schemes=schemes)
    if request.method == "POST" and form.is_valid():
        try:
            certificate = _issue(request.user, form)
        except DomainError as error:
            show_refusal(form, error, default_field=form.subject_field)
        else:
            messages.success(
                request, _("Certificate %(number)s issued.") % {"number": certificate.number}
            )
            return redirect("certifier-certificate", certificate.pk)
    context = {"certifier": certifier, "form": form}
    return render(request, "certification/certificate_issue.html", context)


@login_required
@require_POST
def certificate_change(request, certificate_id: int, action: str):
    """Suspend, reinstate or revoke (POST), with the reason the service asks for."""
    certificate = _certificate_of(_certifier(request), certificate_id)
    service, _to_status = CHANGES[action]
    form = CertificateReasonForm(request.POST, prefix=action)
    if form.is_valid():
        try:
            certificate = service(
                certificate=certificate, actor=request.user, reason=form.cleaned_data["reason"]
            )
        except DomainError as error:
            show_refusal(form, error, default_field="reason")
        else:
            messages.success(
                request,
                _("Certificate %(number)s is now %(status)s.")
                % {"number": certificate.number, "status": certificate.get_status_display()},
            )
            return redirect("certifier-certificate", certificate.pk)
    return _certificate_page(request, certificate, {f"{action}_form": form})


@login_required
@require_POST
def evidence_add(request, certificate_id: int):
    certificate = _certificate_of(_certifier(request), certificate_id)
    form = EvidenceForm(request.POST, request.FILES, prefix="evidence")
    if form.is_valid():
        try:
            services.evidence_add(certificate=certificate, actor=request.user, **form.cleaned_data)
        except DomainError as error:
            show_refusal(form, error, default_field="file")
        else:
            messages.success(request, _("The document is attached."))
            return redirect("certifier-certificate", certificate.pk)
    return _certificate_page(request, certificate, {"evidence_form": form})


@login_required
def evidence_file(request, certificate_id: int, document_id: int):
    """Download an evidence document of one of the certifier's certificates."""
    certificates = selectors.certificates_of(_certifier(request))
    document = get_object_or_404(
        EvidenceDocument.objects.filter(certificate__in=certificates.values("pk")),
        pk=document_id,
        certificate_id=certificate_id,
    )
    return document_download(document)

"""Certifiers' writes: schemes, and certificates from issue to suspension, revocation, expiry.

Only members of a scheme's certifier act on it. Every change of a certificate is one transition
of `CERTIFICATE_TRANSITIONS`, taken under a row lock, recorded as a `CertificateEvent` and
published to the catalog's badges (`catalog.badges`) in the same transaction, so a revocation
reaches listings and search (through the dirty flag) at once. Expiry needs no call: validity
follows `expires_on`; `certificate_expire` only records it afterwards.

A certificate of one listing is also written into that listing's passport (`certified` when
issued, `certificate_changed` when suspended, reinstated or revoked), in the same transaction.
Product-line and seller certificates are not: they cover every listing of the line or seller,
present and future, and copying each change into every such chain would write thousands of rows
for one decision; their badge and the public verification by number tell that story instead.
"""

import secrets
from dataclasses import dataclass
from datetime import date, timedelta

from django.conf import settings
from django.core.files.uploadedfile import UploadedFile
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from catalog.badges import (
    BadgeCoverage,
    BadgeTerms,
    badge_publish,
    badge_set_active,
    badges_relabel,
)
from catalog.models import BadgeSubject, Listing, PassportEventKind, ProductLine
from catalog.passport import passport_append
from certification.models import (
    CERTIFICATE_TRANSITIONS,
    Certificate,
    CertificateEvent,
    CertificateStatus,
    EvidenceDocument,
    Scheme,
)
from marketplace.errors import Conflict, DomainError, NotPermitted, check_transition
from marketplace.models import SELLER_KINDS, Organisation, OrganisationKind, User
from marketplace.selectors import organisation_ids_for

# What a listing's passport records of its certificate's changes. Expiry is not one: the
# `certified` event already carries `expires_on`, and the sweep records it only afterwards.
PASSPORT_CHANGES = frozenset(
    {CertificateStatus.SUSPENDED, CertificateStatus.ACTIVE, CertificateStatus.REVOKED}
)
# No 0/O, 1/I/L, 5/S or 2/Z to misread from a label: 27 symbols, 12 of them about 57 bits.
NUMBER_ALPHABET = "346789ABCDEFGHJKMNPQRTUVWXY"
NUMBER_LENGTH = 12
NUMBER_PREFIX_LENGTH = 8
SCHEME_FIELDS = frozenset(
    {"name", "slug", "badge_label", "badge_text", "subject", "criteria", "default_validity_days"}
)
SCHEME_CHANGEABLE = frozenset(
    {"name", "badge_label", "badge_text", "criteria", "default_validity_days", "active"}
)
# What a test report may be, by its first bytes (the declared content type is the sender's word).
EVIDENCE_SIGNATURES = {b"%PDF-": "PDF", b"\xff\xd8\xff": "JPEG", b"\x89PNG\r\n\x1a\n": "PNG"}


def _require_certifier(actor: User, certifier: Organisation) -> None:
    if certifier.pk not in organisation_ids_for(actor):
        raise NotPermitted(_("Only members of the scheme's certifier may do this."))


def _require_acting_certifier(actor: User, certifier: Organisation) -> None:
    """A member of a certifier the platform approved (and has not suspended): who may set out
    schemes and make certificates count. Withdrawing one (suspend, revoke) needs membership
    only, so a certifier under suspension can still take back what it vouched for."""
    if certifier.kind != OrganisationKind.CERTIFIER or not certifier.is_approved:
        raise NotPermitted(_("Only an approved certifier has schemes."))
    _require_certifier(actor, certifier)


def scheme_create(*, certifier: Organisation, actor: User, **fields) -> Scheme:
    """A certifier sets out a scheme. Raises NotPermitted for anyone but a member of an
    approved certifier, Conflict for a slug already taken."""
    _require_acting_certifier(actor, certifier)
    unknown = set(fields) - SCHEME_FIELDS
    if unknown:
        raise DomainError(
            _("Unknown scheme fields: %(fields)s.") % {"fields": ", ".join(sorted(unknown))}
        )
    try:
        with transaction.atomic():
            return Scheme.objects.create(certifier=certifier, **fields)
    except IntegrityError:
        raise Conflict.for_field("slug", _("A scheme with this slug exists.")) from None


@transaction.atomic
def scheme_update(*, scheme: Scheme, actor: User, **changes) -> Scheme:
    """Change a scheme's wording, validity or whether it issues. The slug and the subject
    never change: badges and certificates carry them. A new badge label shows at once."""
    _require_certifier(actor, scheme.certifier)
    unknown = set(changes) - SCHEME_CHANGEABLE
    if unknown:
        raise DomainError(
            _("These scheme fields cannot change: %(fields)s.")
            % {"fields": ", ".join(sorted(unknown))}
        )
    locked = Scheme.objects.select_for_update().get(pk=scheme.pk)
    for name, value in changes.items():
        setattr(locked, name, value)
    locked.save()
    if {"badge_label", "badge_text"} & set(changes):
        badges_relabel(scheme_slug=locked.slug, label=locked.badge_label, summary=locked.badge_text)
    return locked


def certificate_number_new(scheme_slug: str) -> str:
    """`<SLUG PREFIX>-<12 random symbols>`: printed on the part, typed from it, never guessed."""
    prefix = "".join(c for c in scheme_slug.upper() if c.isalnum())[:NUMBER_PREFIX_LENGTH]
    body = "".join(secrets.choice(NUMBER_ALPHABET) for _ in range(NUMBER_LENGTH))
    return f"{prefix or 'CERT'}-{body}"


def _subject_kind(subject: Listing | ProductLine | Organisation) -> str:
    if isinstance(subject, Listing):
        return BadgeSubject.LISTING
    if isinstance(subject, ProductLine):
        if subject.organisation.kind != OrganisationKind.REMANUFACTURER:
            raise DomainError.for_field("product_line", _("Only remanufacturers' lines qualify."))
        return BadgeSubject.PRODUCT_LINE
    if subject.kind not in SELLER_KINDS:
        raise DomainError.for_field("seller_organisation", _("This organisation does not sell."))
    return BadgeSubject.SELLER


def _coverage(certificate: Certificate) -> BadgeCoverage:
    return BadgeCoverage(
        subject=certificate.subject,
        listing=certificate.listing,
        product_line=certificate.product_line,
        seller_organisation=certificate.seller_organisation,
    )


def _publish(certificate: Certificate) -> None:
    scheme = certificate.scheme
    badge_publish(
        certificate_number=certificate.number,
        terms=BadgeTerms(
            scheme_slug=scheme.slug,
            label=scheme.badge_label,
            summary=scheme.badge_text,
            certifier_name=scheme.certifier.name,
        ),
        coverage=_coverage(certificate),
        valid_from=certificate.issued_on,
        valid_until=certificate.expires_on,
        active=certificate.status == CertificateStatus.ACTIVE,
    )


@dataclass(frozen=True)
class Period:
    issued_on: date
    expires_on: date


def _period(scheme: Scheme, issued_on: date | None, expires_on: date | None) -> Period:
    today = timezone.localdate()
    issued_on = issued_on or today
    if issued_on > today:
        raise DomainError.for_field("issued_on", _("A certificate cannot be issued in the future."))
    expires_on = expires_on or issued_on + timedelta(days=scheme.default_validity_days)
    if expires_on < today:
        raise DomainError.for_field("expires_on", _("This certificate would already have expired."))
    return Period(issued_on, expires_on)


@dataclass(frozen=True)
class Evidence:
    """A test report attached when a certificate is issued."""

    file: UploadedFile
    description: str


def certificate_issue(
    *,
    scheme: Scheme,
    actor: User,
    subject: Listing | ProductLine | Organisation,
    issued_on: date | None = None,
    expires_on: date | None = None,
    evidence: Evidence | None = None,
) -> Certificate:
    """Certify a listing, a remanufacturer's product line or a seller under `scheme`, valid
    from `issued_on` (today) to `expires_on` (the scheme's default validity later), with the
    `evidence` document, if any, in the same transaction: a refused document issues nothing.

    A listing's certificate is recorded in its passport as `certified` (see the module
    docstring for why broader certificates are not).

    Raises NotPermitted for anyone but a member of the scheme's certifier, or when that
    certifier is not approved; DomainError for a subject of another kind than the scheme's or
    a closed scheme; Conflict when the subject already holds an active certificate of the
    scheme."""
    _require_acting_certifier(actor, scheme.certifier)
    kind = _subject_kind(subject)
    if kind != scheme.subject:
        raise DomainError.for_field(
            "subject", _("This scheme certifies a %(subject)s.") % {"subject": scheme.subject}
        )
    period = _period(scheme, issued_on, expires_on)
    if evidence is not None:
        _evidence_kind(evidence.file)
    with transaction.atomic():
        # The scheme's lock serialises issues under it: one active certificate per subject.
        scheme = Scheme.objects.select_for_update().select_related("certifier").get(pk=scheme.pk)
        if not scheme.active:
            raise DomainError.for_field("scheme", _("This scheme no longer issues certificates."))
        field = {BadgeSubject.SELLER: "seller_organisation"}.get(kind, kind)
        held = scheme.certificates.filter(
            status=CertificateStatus.ACTIVE,
            expires_on__gte=timezone.localdate(),
            **{field: subject},
        )
        if held.exists():
            raise Conflict.for_field("subject", _("It already holds an active certificate."))
        certificate = Certificate.objects.create(
            number=certificate_number_new(scheme.slug),
            scheme=scheme,
            subject=kind,
            issued_on=period.issued_on,
            expires_on=period.expires_on,
            issued_by=actor,
            **{field: subject},
        )
        CertificateEvent.objects.create(
            certificate=certificate, actor=actor, to_status=CertificateStatus.ACTIVE
        )
        _publish(certificate)
        if kind == BadgeSubject.LISTING:
            _passport_record_certified(certificate)
        if evidence is not None:
            EvidenceDocument.objects.create(
                certificate=certificate, file=evidence.file,
                description=evidence.description, uploaded_by=actor,
            )  # fmt: skip
    return certificate


def _passport_record_certified(certificate: Certificate) -> None:
    scheme = certificate.scheme
    passport_append(
        listing=certificate.listing,
        kind=PassportEventKind.CERTIFIED,
        details={
            "certificate": certificate.number,
            "scheme": scheme.slug,
            "scheme_name": scheme.name,
            "badge": scheme.badge_label,
            "issued_on": certificate.issued_on.isoformat(),
            "expires_on": certificate.expires_on.isoformat(),
        },
        recorded_by=scheme.certifier,
    )


def _passport_record_change(certificate: Certificate, from_status: str, reason: str) -> None:
    """A listing certificate's suspension, reinstatement or revocation, in its passport."""
    if certificate.subject != BadgeSubject.LISTING or certificate.status not in PASSPORT_CHANGES:
        return
    passport_append(
        listing=certificate.listing,
        kind=PassportEventKind.CERTIFICATE_CHANGED,
        details={
            "certificate": certificate.number,
            "scheme": certificate.scheme.slug,
            "from_status": from_status,
            "to_status": certificate.status,
            "reason": reason,
        },
        recorded_by=certificate.scheme.certifier,
    )


def _transition(
    certificate: Certificate, *, actor: User | None, to_status: str, reason: str = ""
) -> Certificate:
    """One change of status under the certificate's row lock, with its event and badge."""
    with transaction.atomic():
        locked = (
            Certificate.objects.select_for_update(of=("self",))
            .select_related("scheme__certifier")
            .get(pk=certificate.pk)
        )
        if actor is not None and to_status == CertificateStatus.ACTIVE:
            _require_acting_certifier(actor, locked.scheme.certifier)
        elif actor is not None:
            _require_certifier(actor, locked.scheme.certifier)
        check_transition(
            CERTIFICATE_TRANSITIONS,
            entity="certificate",
            from_status=locked.status,
            to_status=to_status,
        )
        if to_status == CertificateStatus.ACTIVE and locked.expires_on < timezone.localdate():
            raise Conflict(_("An expired certificate cannot be reinstated; issue a new one."))
        from_status = locked.status
        CertificateEvent.objects.create(
            certificate=locked,
            actor=actor,
            from_status=from_status,
            to_status=to_status,
            reason=reason,
        )
        locked.status, locked.status_reason = to_status, reason
        locked.save(update_fields=["status", "status_reason", "updated_at"])
        badge_set_active(
            certificate_number=locked.number, active=to_status == CertificateStatus.ACTIVE
        )
        _passport_record_change(locked, from_status, reason)
    return locked


def _reason(reason: str) -> str:
    reason = reason.strip()
    if not reason:
        raise DomainError.for_field("reason", _("Give the reason."))
    return reason


def certificate_suspend(*, certificate: Certificate, actor: User, reason: str) -> Certificate:
    """Stop a certificate counting until it is reinstated (its badge disappears at once)."""
    return _transition(
        certificate, actor=actor, to_status=CertificateStatus.SUSPENDED, reason=_reason(reason)
    )


def certificate_reinstate(
    *, certificate: Certificate, actor: User, reason: str = ""
) -> Certificate:
    """A suspended certificate counts again, unless it has expired meanwhile (Conflict)."""
    return _transition(
        certificate, actor=actor, to_status=CertificateStatus.ACTIVE, reason=reason.strip()
    )


def certificate_revoke(*, certificate: Certificate, actor: User, reason: str) -> Certificate:
    """Withdraw a certificate for good: at once, for every listing it covered."""
    return _transition(
        certificate, actor=actor, to_status=CertificateStatus.REVOKED, reason=_reason(reason)
    )


def certificate_expire(*, certificate: Certificate) -> Certificate:
    """Record that a certificate past its `expires_on` has expired (the sweep's tidying; it
    stopped counting on that date already). Raises Conflict before that date."""
    if certificate.expires_on >= timezone.localdate():
        raise Conflict(_("This certificate has not expired yet."))
    return _transition(
        certificate, actor=None, to_status=CertificateStatus.EXPIRED, reason="Validity ended."
    )


def certificates_expire_due() -> int:
    """Record every certificate past its date as expired; safe to run twice or at once in two
    workers (a certificate already recorded is skipped). Returns how many were recorded."""
    due = Certificate.objects.filter(
        status__in=[CertificateStatus.ACTIVE, CertificateStatus.SUSPENDED],
        expires_on__lt=timezone.localdate(),
    ).order_by("pk")
    recorded = 0
    for certificate in due.iterator():
        try:
            certificate_expire(certificate=certificate)
        except Conflict:
            continue  # recorded meanwhile by another run
        recorded += 1
    return recorded


def _evidence_kind(file: UploadedFile) -> str:
    limit = settings.CERTIFICATE_EVIDENCE_MAX_BYTES
    if file.size > limit:
        raise DomainError.for_field(
            "file",
            _("A document may be at most %(size)s MB.") % {"size": f"{limit / (1024 * 1024):.3g}"},
        )
    file.seek(0)
    head = file.read(8)
    file.seek(0)
    for signature, kind in EVIDENCE_SIGNATURES.items():
        if head.startswith(signature):
            return kind
    raise DomainError.for_field("file", _("Send a PDF, JPEG or PNG document."))


@transaction.atomic
def evidence_add(
    *, certificate: Certificate, actor: User, file: UploadedFile, description: str
) -> EvidenceDocument:
    """Attach a test report (PDF, JPEG or PNG, at most CERTIFICATE_EVIDENCE_MAX_BYTES) to a
    certificate still in force or suspended. Raises NotPermitted for anyone but the certifier."""
    _require_certifier(actor, certificate.scheme.certifier)
    _evidence_kind(file)
    if certificate.status in (CertificateStatus.REVOKED, CertificateStatus.EXPIRED):
        raise Conflict(_("This certificate is %(status)s.") % {"status": certificate.status})
    return EvidenceDocument.objects.create(
        certificate=certificate, file=file, description=description, uploaded_by=actor
    )

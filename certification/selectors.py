"""Reads of certification shared by the API, the admin and the public verification."""

from dataclasses import dataclass
from datetime import date

from django.db.models import QuerySet
from django.utils import timezone

from catalog.models import BadgeSubject, ProductLine
from certification.models import Certificate, CertificateStatus, Scheme
from marketplace.models import Organisation


def schemes_of(certifier: Organisation | None) -> QuerySet[Scheme]:
    """The schemes of the certifier the caller acts for; none for anyone else."""
    if certifier is None:
        return Scheme.objects.none()
    return Scheme.objects.filter(certifier=certifier).select_related("certifier")


def certificates_of(certifier: Organisation | None) -> QuerySet[Certificate]:
    """Certificates issued under the certifier's schemes, with what they cover."""
    if certifier is None:
        return Certificate.objects.none()
    return Certificate.objects.filter(scheme__certifier=certifier).select_related(
        "scheme__certifier", "listing", "product_line__organisation", "seller_organisation"
    )


def certificate_with_history(certifier: Organisation | None) -> QuerySet[Certificate]:
    return certificates_of(certifier).prefetch_related("events", "evidence")


def product_lines_of(organisation: Organisation | None) -> QuerySet[ProductLine]:
    if organisation is None:
        return ProductLine.objects.none()
    return ProductLine.objects.filter(organisation=organisation)


def effective_status(status: str, expires_on: date, today: date) -> str:
    """The status as it stands today: past its date a certificate has expired, whatever the
    sweep has recorded yet."""
    if status in (CertificateStatus.ACTIVE, CertificateStatus.SUSPENDED) and expires_on < today:
        return CertificateStatus.EXPIRED
    return status


def subject_description(certificate: Certificate) -> str:
    """What a certificate covers, in public words: a listing's title, a product line and its
    maker, or a seller's name."""
    if certificate.subject == BadgeSubject.LISTING:
        return certificate.listing.title
    if certificate.subject == BadgeSubject.PRODUCT_LINE:
        line = certificate.product_line
        return f"{line.name} ({line.organisation.name})"
    return certificate.seller_organisation.name


@dataclass(frozen=True)
class Verification:
    """What anyone holding a certificate number may learn: nothing private."""

    number: str
    valid: bool
    status: str
    scheme: str
    badge: str
    badge_text: str
    certifier: str
    subject: str
    subject_description: str
    issued_on: date
    expires_on: date


def certificate_verification(number: str) -> Verification | None:
    """The public answer for a certificate number, or None when no certificate has it."""
    certificate = (
        Certificate.objects.select_related(
            "scheme__certifier", "listing", "product_line__organisation", "seller_organisation"
        )
        .filter(number=number.strip().upper())
        .first()
    )
    if certificate is None:
        return None
    status = effective_status(certificate.status, certificate.expires_on, timezone.localdate())
    scheme = certificate.scheme
    return Verification(
        number=certificate.number,
        valid=status == CertificateStatus.ACTIVE,
        status=status,
        scheme=scheme.name,
        badge=scheme.badge_label,
        badge_text=scheme.badge_text,
        certifier=scheme.certifier.name,
        subject=certificate.subject,
        subject_description=subject_description(certificate),
        issued_on=certificate.issued_on,
        expires_on=certificate.expires_on,
    )

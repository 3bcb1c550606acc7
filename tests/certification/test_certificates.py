"""Certificate services on PostgreSQL: issue, suspend, reinstate, revoke, expire, evidence."""

from datetime import date, timedelta

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone

from catalog.badges import badges_for_listings
from catalog.models import Badge, BadgeSubject, Listing
from certification.models import CertificateEvent, CertificateStatus
from certification.selectors import effective_status
from certification.services.certificates import (
    NUMBER_ALPHABET,
    Evidence,
    certificate_expire,
    certificate_issue,
    certificate_number_new,
    certificate_reinstate,
    certificate_revoke,
    certificate_suspend,
    certificates_expire_due,
    evidence_add,
    scheme_create,
)
from certification.tasks import certificates_expire_task
from marketplace.errors import Conflict, DomainError, NotPermitted, TransitionNotAllowed
from marketplace.models import OrganisationKind
from tests.catalog.factories import ListingFactory
from tests.certification.factories import (
    CertifierFactory,
    ProductLineFactory,
    SchemeFactory,
    certifier_member,
)
from tests.marketplace.factories import OrganisationFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def scheme():
    return SchemeFactory(slug="gold-reman")


@pytest.fixture
def inspector(scheme):
    return certifier_member(scheme.certifier)


@pytest.fixture
def listing():
    listing = ListingFactory()
    Listing.objects.filter(pk=listing.pk).update(search_dirty=False)
    return listing


def _issue(scheme, inspector, subject, **dates):
    return certificate_issue(scheme=scheme, actor=inspector, subject=subject, **dates)


# Numbers (no database)


def test_certificate_number_new_leads_with_the_scheme_and_uses_unambiguous_symbols():
    number = certificate_number_new("gold-reman-2025")

    prefix, body = number.split("-")
    assert prefix == "GOLDREMA"
    assert len(body) == 12
    assert set(body) <= set(NUMBER_ALPHABET)
    assert not set("0O1IL") & set(NUMBER_ALPHABET)


def test_certificate_numbers_do_not_repeat():
    assert len({certificate_number_new("s") for _ in range(2000)}) == 2000


@pytest.mark.parametrize(
    ("status", "expires_on", "shown"),
    [
        ("active", date(2030, 1, 1), "active"),
        ("active", date(2024, 12, 31), "expired"),
        ("suspended", date(2024, 12, 31), "expired"),
        ("revoked", date(2024, 12, 31), "revoked"),
        ("suspended", date(2030, 1, 1), "suspended"),
    ],
)
def test_effective_status_follows_the_date_past_expiry(status, expires_on, shown):
    assert effective_status(status, expires_on, date(2025, 1, 1)) == shown


# Issue


def test_certificate_issue_publishes_a_badge_records_an_event_and_marks_the_listing_dirty(
    scheme, inspector, listing, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks() as callbacks:
        certificate = _issue(scheme, inspector, listing)

    today = timezone.localdate()
    assert certificate.number.startswith("GOLDREMA-")
    assert (certificate.issued_on, certificate.expires_on) == (today, today + timedelta(365))
    assert certificate.status == CertificateStatus.ACTIVE
    badge = Badge.objects.get(certificate_number=certificate.number)
    assert (badge.listing_id, badge.active, badge.valid_until) == (
        listing.id, True, certificate.expires_on,
    )  # fmt: skip
    assert badge.certifier_name == scheme.certifier.name
    assert list(certificate.events.values_list("from_status", "to_status")) == [("", "active")]
    assert Listing.objects.get(pk=listing.pk).search_dirty
    assert len(callbacks) == 1  # the indexing task, started on commit


def test_certificate_issue_takes_given_dates(scheme, inspector, listing):
    today = timezone.localdate()
    certificate = _issue(
        scheme, inspector, listing, issued_on=today - timedelta(10), expires_on=today + timedelta(5)
    )

    assert certificate.expires_on == today + timedelta(5)


def test_certificate_issue_refuses_a_subject_of_another_kind_than_the_scheme(scheme, inspector):
    seller = OrganisationFactory(kind=OrganisationKind.REMANUFACTURER)

    with pytest.raises(DomainError) as raised:
        _issue(scheme, inspector, seller)

    assert "subject" in raised.value.fields
    assert not Badge.objects.exists()


def test_certificate_issue_refuses_a_product_line_of_a_dismantler():
    scheme = SchemeFactory(subject=BadgeSubject.PRODUCT_LINE)
    line = ProductLineFactory(organisation=OrganisationFactory(kind=OrganisationKind.DISMANTLER))

    with pytest.raises(DomainError) as raised:
        _issue(scheme, certifier_member(scheme.certifier), line)

    assert "product_line" in raised.value.fields


def test_certificate_issue_refuses_a_seller_that_does_not_sell():
    scheme = SchemeFactory(subject=BadgeSubject.SELLER)

    with pytest.raises(DomainError):
        _issue(scheme, certifier_member(scheme.certifier), OrganisationFactory(kind="garage"))


def test_only_members_of_the_schemes_certifier_may_issue(scheme, listing):
    outsider = certifier_member(CertifierFactory())

    with pytest.raises(NotPermitted):
        _issue(scheme, outsider, listing)

    assert not Badge.objects.exists()


def test_a_subject_holds_one_active_certificate_of_a_scheme(scheme, inspector, listing):
    _issue(scheme, inspector, listing)

    with pytest.raises(Conflict):
        _issue(scheme, inspector, listing)


def test_a_closed_scheme_issues_nothing(scheme, inspector, listing):
    scheme.active = False
    scheme.save()

    with pytest.raises(DomainError):
        _issue(scheme, inspector, listing)


def test_scheme_create_is_for_members_of_an_approved_certifier_only():
    yard_member = certifier_member(OrganisationFactory(kind=OrganisationKind.DISMANTLER))
    fields = {"name": "Gold", "slug": "gold", "badge_label": "Gold", "subject": "listing"}

    with pytest.raises(NotPermitted):
        scheme_create(
            certifier=yard_member.memberships.get().organisation, actor=yard_member, **fields
        )
    certifier = CertifierFactory()
    scheme = scheme_create(
        certifier=certifier, actor=certifier_member(certifier), criteria="Tested.", **fields
    )
    assert scheme.certifier == certifier


# Transitions


def test_suspend_hides_the_badge_and_reinstate_shows_it_again(scheme, inspector, listing):
    certificate = _issue(scheme, inspector, listing)

    certificate_suspend(certificate=certificate, actor=inspector, reason="Audit pending")
    assert badges_for_listings([listing.id]) == {listing.id: []}
    certificate_reinstate(certificate=certificate, actor=inspector)

    assert [b.certificate_number for b in badges_for_listings([listing.id])[listing.id]] == [
        certificate.number
    ]
    assert list(certificate.events.values_list("to_status", "reason")) == [
        ("active", ""), ("suspended", "Audit pending"), ("active", ""),
    ]  # fmt: skip


def test_revoke_needs_a_reason_and_is_final(scheme, inspector, listing):
    certificate = _issue(scheme, inspector, listing)

    with pytest.raises(DomainError):
        certificate_revoke(certificate=certificate, actor=inspector, reason="  ")
    revoked = certificate_revoke(certificate=certificate, actor=inspector, reason="Failed retest")
    with pytest.raises(TransitionNotAllowed):
        certificate_reinstate(certificate=certificate, actor=inspector)

    revoked.refresh_from_db()
    assert (revoked.status, revoked.status_reason) == ("revoked", "Failed retest")
    assert not Badge.objects.get(certificate_number=certificate.number).active
    assert CertificateEvent.objects.filter(certificate=certificate).count() == 2


def test_another_certifier_can_neither_suspend_nor_revoke(scheme, inspector, listing):
    certificate = _issue(scheme, inspector, listing)
    outsider = certifier_member(CertifierFactory())

    with pytest.raises(NotPermitted):
        certificate_suspend(certificate=certificate, actor=outsider, reason="No")
    with pytest.raises(NotPermitted):
        certificate_revoke(certificate=certificate, actor=outsider, reason="No")

    certificate.refresh_from_db()
    assert certificate.status == "active"
    assert certificate.events.count() == 1


def test_a_suspended_certificate_past_its_date_cannot_be_reinstated(scheme, inspector, listing):
    certificate = _issue(scheme, inspector, listing)
    certificate_suspend(certificate=certificate, actor=inspector, reason="Audit")
    yesterday = timezone.localdate() - timedelta(1)
    type(certificate).objects.filter(pk=certificate.pk).update(
        issued_on=yesterday - timedelta(30), expires_on=yesterday
    )

    with pytest.raises(Conflict):
        certificate_reinstate(certificate=certificate, actor=inspector)


# Expiry


def test_expire_waits_for_the_date_and_the_sweep_records_it_once(scheme, inspector, listing):
    certificate = _issue(scheme, inspector, listing)
    with pytest.raises(Conflict):
        certificate_expire(certificate=certificate)
    yesterday = timezone.localdate() - timedelta(1)
    type(certificate).objects.filter(pk=certificate.pk).update(
        issued_on=yesterday - timedelta(30), expires_on=yesterday
    )
    Badge.objects.filter(certificate_number=certificate.number).update(
        valid_from=yesterday - timedelta(30), valid_until=yesterday
    )
    # Before any sweep the badge is gone by date alone.
    assert badges_for_listings([listing.id]) == {listing.id: []}

    assert certificates_expire_task() == 1
    assert certificates_expire_due() == 0

    certificate.refresh_from_db()
    assert certificate.status == "expired"
    assert certificate.events.last().to_status == "expired"


# Evidence


def _upload(content: bytes, name: str) -> SimpleUploadedFile:
    return SimpleUploadedFile(name, content, content_type="application/octet-stream")


def test_evidence_add_takes_pdf_jpeg_and_png_and_refuses_anything_else(scheme, inspector, listing):
    certificate = _issue(scheme, inspector, listing)

    for content in (b"%PDF-1.7 report", b"\xff\xd8\xff\xe0 jpeg", b"\x89PNG\r\n\x1a\n png"):
        evidence_add(
            certificate=certificate, actor=inspector, file=_upload(content, "r"), description="T"
        )
    with pytest.raises(DomainError) as raised:
        evidence_add(
            certificate=certificate,
            actor=inspector,
            file=_upload(b"MZ executable", "report.pdf"),
            description="Fake",
        )

    assert "file" in raised.value.fields
    assert certificate.evidence.count() == 3


def test_evidence_add_refuses_a_document_over_the_size_limit(scheme, inspector, listing, settings):
    certificate = _issue(scheme, inspector, listing)
    big = _upload(b"%PDF-" + b"0" * (10 * 1024 * 1024), "big.pdf")

    with pytest.raises(DomainError):
        evidence_add(certificate=certificate, actor=inspector, file=big, description="Big")


def test_a_certificate_issued_with_evidence_holds_it_and_a_refused_document_issues_nothing(
    scheme, inspector, listing
):
    with pytest.raises(DomainError) as raised:
        certificate_issue(
            scheme=scheme, actor=inspector, subject=listing,
            evidence=Evidence(file=_upload(b"MZ executable", "report.pdf"), description="Fake"),
        )  # fmt: skip
    assert "file" in raised.value.fields
    assert not scheme.certificates.exists()

    certificate = certificate_issue(
        scheme=scheme, actor=inspector, subject=listing,
        evidence=Evidence(file=_upload(b"%PDF-1.7 report", "bench.pdf"), description="Bench"),
    )  # fmt: skip

    assert list(certificate.evidence.values_list("description", "uploaded_by")) == [
        ("Bench", inspector.pk)
    ]


# Badges by subject


def test_badges_cover_a_listing_through_its_product_line_and_through_its_seller():
    reman = OrganisationFactory(kind=OrganisationKind.REMANUFACTURER)
    line = ProductLineFactory(organisation=reman)
    in_line = ListingFactory(seller_organisation=reman, product_line=line)
    other = ListingFactory(seller_organisation=reman)
    elsewhere = ListingFactory()
    line_scheme = SchemeFactory(subject=BadgeSubject.PRODUCT_LINE, badge_label="Line")
    seller_scheme = SchemeFactory(subject=BadgeSubject.SELLER, badge_label="Seller")
    _issue(line_scheme, certifier_member(line_scheme.certifier), line)
    _issue(seller_scheme, certifier_member(seller_scheme.certifier), reman)

    found = badges_for_listings([in_line.id, other.id, elsewhere.id])

    labels = {listing_id: sorted(b.label for b in badges) for listing_id, badges in found.items()}
    assert labels == {in_line.id: ["Line", "Seller"], other.id: ["Seller"], elsewhere.id: []}


# A certifier the platform suspended


def test_a_suspended_certifier_cannot_issue_or_reinstate_but_can_still_withdraw(
    scheme, inspector, listing
):
    # given a suspended certificate, then the certifier itself suspended by the platform
    certificate = _issue(scheme, inspector, listing)
    certificate_suspend(certificate=certificate, actor=inspector, reason="Audit")
    type(scheme.certifier).objects.filter(pk=scheme.certifier_id).update(status="suspended")
    scheme.certifier.refresh_from_db()

    # when it tries to issue or reinstate, then it may not; revoking still works
    with pytest.raises(NotPermitted):
        _issue(scheme, inspector, ListingFactory())
    with pytest.raises(NotPermitted):
        certificate_reinstate(certificate=certificate, actor=inspector)
    revoked = certificate_revoke(certificate=certificate, actor=inspector, reason="Audit failed")
    assert revoked.status == CertificateStatus.REVOKED

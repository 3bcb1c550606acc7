"""The certifier's pages: schemes, certificates, issuing, suspending, reinstating, revoking."""

from datetime import timedelta

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from catalog.models import BadgeSubject
from certification.models import Certificate, CertificateStatus, Scheme
from certification.services import certificates as services
from marketplace.models import OrganisationKind, OrganisationStatus
from tests.catalog.factories import ListingFactory
from tests.certification.factories import CertifierFactory, SchemeFactory, certifier_member
from tests.marketplace.factories import MembershipFactory, OrganisationFactory, UserFactory

pytestmark = pytest.mark.django_db
PDF = b"%PDF-1.4\n1 0 obj <<>> endobj\ntrailer <<>>\n%%EOF\n"


def client_of(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


@pytest.fixture
def certifier():
    return CertifierFactory(name="Reman Standards Board")


@pytest.fixture
def staff(certifier):
    return certifier_member(certifier)


@pytest.fixture
def scheme(certifier):
    return SchemeFactory(certifier=certifier, name="Bench tested reman", badge_label="Bench OK")


def issued(scheme, staff, **listing_fields) -> Certificate:
    listing = ListingFactory(**listing_fields)
    return services.certificate_issue(scheme=scheme, actor=staff, subject=listing)


def evidence_file(name="report.pdf", content=PDF) -> SimpleUploadedFile:
    return SimpleUploadedFile(name, content, content_type="application/pdf")


# Schemes


def test_a_certifier_creates_a_scheme_and_finds_it_in_the_list(certifier, staff):
    client = client_of(staff)

    response = client.post(
        reverse("certifier-scheme-create"),
        {
            "name": "Seller audit",
            "slug": "seller-audit",
            "subject": BadgeSubject.SELLER,
            "badge_label": "Audited yard",
            "criteria": "A yearly audit of the yard.",
            "default_validity_days": 365,
        },
    )

    assert response.status_code == 302
    scheme = Scheme.objects.get(slug="seller-audit")
    assert scheme.certifier == certifier
    listed = client.get(reverse("certifier-schemes")).content.decode()
    assert "Seller audit" in listed and "Audited yard" in listed


def test_a_slug_already_taken_is_refused_by_the_slug_field(staff, scheme):
    response = client_of(staff).post(
        reverse("certifier-scheme-create"),
        {
            "name": "Copy",
            "slug": scheme.slug,
            "subject": BadgeSubject.LISTING,
            "badge_label": "Copy",
            "criteria": "Same.",
            "default_validity_days": 30,
        },
    )

    assert response.status_code == 200
    assert response.context["form"].errors["slug"] == ["A scheme with this slug exists."]


def test_editing_a_scheme_changes_its_wording_and_can_close_it(staff, scheme):
    response = client_of(staff).post(
        reverse("certifier-scheme-edit", args=[scheme.pk]),
        {
            "name": "Bench tested reman v2",
            "badge_label": "Bench OK v2",
            "badge_text": "",
            "criteria": "Two bench tests.",
            "default_validity_days": 180,
        },
    )

    assert response.status_code == 302
    scheme.refresh_from_db()
    assert (scheme.name, scheme.default_validity_days, scheme.active) == (
        "Bench tested reman v2",
        180,
        False,
    )


def test_the_schemes_page_costs_the_same_queries_however_many_schemes(
    certifier, staff, django_assert_max_num_queries
):
    for _ in range(6):
        SchemeFactory(certifier=certifier)
    client = client_of(staff)

    with django_assert_max_num_queries(5):
        response = client.get(reverse("certifier-schemes"))

    assert len(response.context["schemes"]) == 6


def test_an_unapproved_certifier_is_told_plainly_why_it_cannot_create_a_scheme():
    certifier = CertifierFactory(status=OrganisationStatus.PENDING)
    client = client_of(certifier_member(certifier))

    page = client.get(reverse("certifier-scheme-create"))
    response = client.post(
        reverse("certifier-scheme-create"),
        {
            "name": "Early",
            "slug": "early",
            "subject": BadgeSubject.LISTING,
            "badge_label": "Early",
            "criteria": "None yet.",
            "default_validity_days": 30,
        },
    )

    assert "until the platform approves it" in page.content.decode()
    assert response.context["form"].non_field_errors() == [
        "Only an approved certifier has schemes."
    ]
    assert not Scheme.objects.filter(slug="early").exists()


# Certificates: the list


def test_the_list_shows_only_the_certifiers_certificates_filtered_by_status_scheme_and_text(
    staff, scheme
):
    alternator = issued(scheme, staff, title="Alternator, 2003 Honda Accord")
    starter = issued(scheme, staff, title="Starter motor, 2009 Ford F-150")
    services.certificate_suspend(certificate=starter, actor=staff, reason="Bench rig broken")
    other_scheme = SchemeFactory()
    stranger = issued(
        other_scheme, certifier_member(other_scheme.certifier), title="Alternator elsewhere"
    )
    client = client_of(staff)
    url = reverse("certifier-certificates")

    everything = client.get(url).content.decode()
    suspended = client.get(url, {"status": "suspended"}).context["rows"]
    by_text = client.get(url, {"q": "alternator"}).context["rows"]
    by_scheme = client.get(url, {"scheme": scheme.pk}).context["rows"]

    assert alternator.number in everything and starter.number in everything
    assert stranger.number not in everything
    assert [certificate for certificate, _ in suspended] == [starter]
    assert [certificate for certificate, _ in by_text] == [alternator]
    assert {certificate for certificate, _ in by_scheme} == {alternator, starter}


def test_a_filter_by_another_certifiers_scheme_is_refused_by_the_field(staff):
    response = client_of(staff).get(
        reverse("certifier-certificates"), {"scheme": SchemeFactory().pk}
    )

    assert response.status_code == 400
    assert "scheme" in response.context["form"].errors


def test_the_list_costs_the_same_queries_however_many_certificates(
    staff, scheme, django_assert_max_num_queries
):
    for index in range(8):
        issued(scheme, staff, title=f"Alternator {index}")
    client = client_of(staff)

    with django_assert_max_num_queries(7):
        response = client.get(reverse("certifier-certificates"))

    assert len(response.context["rows"]) == 8


# Certificates: issuing


def test_issuing_a_listing_certificate_with_evidence_shows_the_badge_on_the_part_page(
    staff, scheme
):
    listing = ListingFactory(title="Alternator, 2003 Honda Accord")
    client = client_of(staff)

    response = client.post(
        reverse("certifier-certificate-issue"),
        {
            "scheme": scheme.pk,
            "listing": listing.pk,
            "file": evidence_file(),
            "description": "Bench test report",
        },
    )

    certificate = Certificate.objects.get(listing=listing)
    assert response.status_code == 302
    assert response["Location"] == reverse("certifier-certificate", args=[certificate.pk])
    assert certificate.evidence.get().description == "Bench test report"
    part_page = client.get(reverse("part-page", args=[listing.pk])).content.decode()
    assert "Bench OK" in part_page and certificate.number in part_page


def test_issuing_needs_exactly_one_subject(staff, scheme):
    client = client_of(staff)
    url = reverse("certifier-certificate-issue")

    none_given = client.post(url, {"scheme": scheme.pk})
    two_given = client.post(
        url, {"scheme": scheme.pk, "listing": ListingFactory().pk, "seller_organisation": "x"}
    )
    unknown = client.post(url, {"scheme": scheme.pk, "listing": 999999})

    assert "exactly one" in none_given.context["form"].errors["listing"][0]
    assert "seller_organisation" in two_given.context["form"].errors
    assert unknown.context["form"].errors["listing"] == ["No listing has this number."]
    assert not Certificate.objects.exists()


def test_a_second_certificate_for_the_same_listing_is_refused_by_the_listing(staff, scheme):
    first = issued(scheme, staff)

    response = client_of(staff).post(
        reverse("certifier-certificate-issue"), {"scheme": scheme.pk, "listing": first.listing_id}
    )

    assert response.context["form"].errors["listing"] == ["It already holds an active certificate."]
    assert Certificate.objects.count() == 1


def test_a_refused_evidence_document_leaves_no_certificate_behind(staff, scheme):
    listing = ListingFactory()

    response = client_of(staff).post(
        reverse("certifier-certificate-issue"),
        {
            "scheme": scheme.pk,
            "listing": listing.pk,
            "file": SimpleUploadedFile("notes.txt", b"just words", content_type="text/plain"),
            "description": "Notes",
        },
    )

    assert response.context["form"].errors["file"] == ["Send a PDF, JPEG or PNG document."]
    assert not Certificate.objects.filter(listing=listing).exists()


def test_a_product_line_scheme_refuses_a_listing_by_the_listing_field(staff, certifier):
    line_scheme = SchemeFactory(certifier=certifier, subject=BadgeSubject.PRODUCT_LINE)

    response = client_of(staff).post(
        reverse("certifier-certificate-issue"),
        {"scheme": line_scheme.pk, "listing": ListingFactory().pk},
    )

    assert response.context["form"].errors["listing"] == ["This scheme certifies a product_line."]


def test_a_past_expiry_date_is_refused_by_its_field(staff, scheme):
    yesterday = timezone.localdate() - timedelta(days=1)

    response = client_of(staff).post(
        reverse("certifier-certificate-issue"),
        {
            "scheme": scheme.pk,
            "listing": ListingFactory().pk,
            "issued_on": (yesterday - timedelta(days=30)).isoformat(),
            "expires_on": yesterday.isoformat(),
        },
    )

    assert "already have expired" in response.context["form"].errors["expires_on"][0]


# Certificates: changes


def test_suspending_without_a_reason_shows_the_refusal_by_the_reason(staff, scheme):
    certificate = issued(scheme, staff)

    response = client_of(staff).post(
        reverse("certifier-certificate-suspend", args=[certificate.pk]), {"suspend-reason": " "}
    )

    assert response.status_code == 400
    assert response.context["suspend_form"].errors["reason"] == ["Give the reason."]
    certificate.refresh_from_db()
    assert certificate.status == CertificateStatus.ACTIVE


def test_suspend_reinstate_and_revoke_each_show_in_the_history(staff, scheme):
    certificate = issued(scheme, staff)
    client = client_of(staff)
    url = lambda action: reverse(f"certifier-certificate-{action}", args=[certificate.pk])  # noqa: E731

    client.post(url("suspend"), {"suspend-reason": "Bench rig out of calibration"})
    client.post(url("reinstate"), {"reinstate-reason": "Rig calibrated"})
    revoked = client.post(url("revoke"), {"revoke-reason": "Failed re-test"}, follow=True)

    certificate.refresh_from_db()
    assert certificate.status == CertificateStatus.REVOKED
    page = revoked.content.decode()
    assert "Bench rig out of calibration" in page and "Failed re-test" in page
    assert "revoke_form" not in revoked.context and "suspend_form" not in revoked.context
    part_page = client.get(reverse("part-page", args=[certificate.listing_id])).content.decode()
    assert certificate.number not in part_page


def test_a_forbidden_change_is_shown_not_a_server_error(staff, scheme):
    certificate = issued(scheme, staff)
    services.certificate_revoke(certificate=certificate, actor=staff, reason="Fraud")

    response = client_of(staff).post(
        reverse("certifier-certificate-suspend", args=[certificate.pk]), {"suspend-reason": "x"}
    )

    assert response.status_code == 400
    assert "cannot go from" in response.context["suspend_form"].errors["reason"][0]


def test_evidence_is_added_and_downloaded_through_the_page_never_from_media(staff, scheme):
    certificate = issued(scheme, staff)
    client = client_of(staff)

    client.post(
        reverse("certifier-evidence-add", args=[certificate.pk]),
        {"evidence-file": evidence_file(), "evidence-description": "Re-test report"},
    )
    document = certificate.evidence.get()
    page = client.get(reverse("certifier-certificate", args=[certificate.pk])).content.decode()
    download = client.get(reverse("certifier-evidence-file", args=[certificate.pk, document.pk]))

    assert reverse("certifier-evidence-file", args=[certificate.pk, document.pk]) in page
    assert document.file.url not in page
    assert b"".join(download.streaming_content) == PDF


# Who may see what


def test_another_certifiers_certificate_and_evidence_are_404(staff, scheme):
    certificate = issued(scheme, staff)
    document = services.evidence_add(
        certificate=certificate, actor=staff, file=evidence_file(), description="Report"
    )
    other = client_of(certifier_member())

    assert other.get(reverse("certifier-certificate", args=[certificate.pk])).status_code == 404
    revoke = other.post(
        reverse("certifier-certificate-revoke", args=[certificate.pk]), {"revoke-reason": "x"}
    )
    assert revoke.status_code == 404
    evidence_url = reverse("certifier-evidence-file", args=[certificate.pk, document.pk])
    assert other.get(evidence_url).status_code == 404
    assert other.get(reverse("certifier-scheme-edit", args=[scheme.pk])).status_code == 404
    certificate.refresh_from_db()
    assert certificate.status == CertificateStatus.ACTIVE


def test_certifier_pages_are_403_for_other_roles_and_ask_visitors_to_sign_in(scheme):
    garage_staff = MembershipFactory(
        organisation=OrganisationFactory(kind=OrganisationKind.GARAGE)
    ).user
    url = reverse("certifier-certificates")

    assert client_of(garage_staff).get(url).status_code == 403
    assert client_of(UserFactory()).get(url).status_code == 403
    assert Client().get(url).status_code == 302


def test_the_navigation_shows_certifier_links_to_certifiers_only(staff):
    certifier_home = client_of(staff).get("/").content.decode()
    buyer_home = client_of(UserFactory()).get("/").content.decode()

    assert reverse("certifier-certificates") in certifier_home
    assert reverse("certifier-certificates") not in buyer_home
    assert reverse("my-warranty") in buyer_home

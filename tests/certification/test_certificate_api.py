"""The certification API: schemes, certificates, evidence, product lines, public verification."""

from datetime import timedelta

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone

from catalog.models import Badge, Listing
from certification.models import Certificate, EvidenceDocument
from marketplace.models import OrganisationKind
from tests.catalog.factories import ListingFactory
from tests.certification.factories import (
    CertifierFactory,
    ProductLineFactory,
    SchemeFactory,
    certifier_member,
)
from tests.conftest import client_for
from tests.marketplace.factories import MembershipFactory, OrganisationFactory

pytestmark = pytest.mark.django_db

SCHEMES = "/api/v1/certification/schemes/"
CERTIFICATES = "/api/v1/certification/certificates/"


@pytest.fixture
def scheme():
    return SchemeFactory(slug="gold-reman", name="Gold reman", badge_label="Gold")


@pytest.fixture
def inspector(scheme):
    return client_for(certifier_member(scheme.certifier))


@pytest.fixture
def outsider():
    return client_for(certifier_member(CertifierFactory()))


@pytest.fixture
def listing():
    return ListingFactory(title="Alternator, Gold reman")


def _issue(client, scheme, **subject) -> dict:
    response = client.post(CERTIFICATES, {"scheme": scheme.pk, **subject}, format="json")
    assert response.status_code == 201, response.content
    return response.json()


# Schemes


def test_a_certifier_creates_lists_and_updates_its_schemes(outsider):
    certifier = CertifierFactory()
    client = client_for(certifier_member(certifier))
    body = {
        "name": "Silver", "slug": "silver", "badge_label": "Silver", "subject": "seller",
        "criteria": "Yard audit", "default_validity_days": 180,
    }  # fmt: skip

    created = client.post(SCHEMES, body, format="json")
    scheme_id = created.json()["id"]
    updated = client.patch(f"{SCHEMES}{scheme_id}/", {"badge_label": "Silver+"}, format="json")

    assert created.status_code == 201, created.content
    assert updated.json()["badge_label"] == "Silver+"
    assert [s["slug"] for s in client.get(SCHEMES).json()["results"]] == ["silver"]
    assert outsider.get(SCHEMES).json()["results"] == []
    assert outsider.get(f"{SCHEMES}{scheme_id}/").status_code == 404
    assert outsider.patch(f"{SCHEMES}{scheme_id}/", {"name": "x"}, format="json").status_code == 404


def test_only_certifiers_create_schemes(dismantler_owner):
    body = {"name": "X", "slug": "x", "badge_label": "X", "subject": "listing", "criteria": "c"}

    response = client_for(dismantler_owner).post(SCHEMES, body, format="json")

    assert response.status_code == 403


def test_a_scheme_cannot_change_its_slug_or_subject(scheme, inspector):
    response = inspector.patch(f"{SCHEMES}{scheme.pk}/", {"slug": "other"}, format="json")

    assert response.status_code == 200
    scheme.refresh_from_db()
    assert scheme.slug == "gold-reman"


# Certificates


def test_issue_suspend_reinstate_and_revoke_through_the_api(scheme, inspector, listing):
    issued = _issue(inspector, scheme, listing=listing.pk)
    url = f"{CERTIFICATES}{issued['id']}/"

    suspended = inspector.post(f"{url}suspend/", {"reason": "Audit"}, format="json")
    reinstated = inspector.post(f"{url}reinstate/", {}, format="json")
    revoked = inspector.post(f"{url}revoke/", {"reason": "Failed retest"}, format="json")
    again = inspector.post(f"{url}reinstate/", {}, format="json")

    assert issued["subject_description"] == listing.title
    assert [r.json()["status"] for r in (suspended, reinstated, revoked)] == [
        "suspended", "active", "revoked",
    ]  # fmt: skip
    assert [e["to_status"] for e in revoked.json()["events"]] == [
        "active", "suspended", "active", "revoked",
    ]  # fmt: skip
    assert again.status_code == 409
    assert again.json()["error"]["code"] == "transition_not_allowed"
    assert not Badge.objects.get(certificate_number=issued["number"]).active


def test_suspend_and_revoke_need_a_reason(scheme, inspector, listing):
    issued = _issue(inspector, scheme, listing=listing.pk)

    response = inspector.post(f"{CERTIFICATES}{issued['id']}/revoke/", {}, format="json")

    assert response.status_code == 400
    assert "reason" in response.json()["error"]["fields"]


def test_issue_needs_exactly_one_subject_of_the_schemes_kind(scheme, inspector, listing):
    none = inspector.post(CERTIFICATES, {"scheme": scheme.pk}, format="json")
    seller = OrganisationFactory(kind=OrganisationKind.REMANUFACTURER)
    wrong = inspector.post(
        CERTIFICATES, {"scheme": scheme.pk, "seller_organisation": seller.slug}, format="json"
    )
    missing = inspector.post(CERTIFICATES, {"scheme": scheme.pk, "listing": 999999}, format="json")

    assert none.status_code == wrong.status_code == missing.status_code == 400
    assert "listing" in missing.json()["error"]["fields"]
    assert not Certificate.objects.exists()


def test_another_certifier_cannot_issue_see_or_change_certificates(
    scheme, inspector, outsider, listing
):
    issued = _issue(inspector, scheme, listing=listing.pk)
    url = f"{CERTIFICATES}{issued['id']}/"

    issue = outsider.post(CERTIFICATES, {"scheme": scheme.pk, "listing": listing.pk}, format="json")
    detail = outsider.get(url)
    revoke = outsider.post(f"{url}revoke/", {"reason": "x"}, format="json")
    evidence = outsider.post(f"{url}evidence/", {"description": "x"}, format="multipart")

    assert issue.status_code == 403
    assert detail.status_code == revoke.status_code == evidence.status_code == 404
    assert outsider.get(CERTIFICATES).json()["results"] == []
    assert Certificate.objects.get().status == "active"


def test_evidence_upload_shows_on_the_certificate(scheme, inspector, listing):
    issued = _issue(inspector, scheme, listing=listing.pk)
    url = f"{CERTIFICATES}{issued['id']}/"
    report = SimpleUploadedFile("bench.pdf", b"%PDF-1.7 bench test", "application/pdf")
    fake = SimpleUploadedFile("bench.pdf", b"not a pdf", "application/pdf")

    added = inspector.post(f"{url}evidence/", {"file": report, "description": "Bench test"})
    refused = inspector.post(f"{url}evidence/", {"file": fake, "description": "Fake"})

    assert added.status_code == 201, added.content
    assert refused.status_code == 400
    assert [e["description"] for e in inspector.get(url).json()["evidence"]] == ["Bench test"]


def test_evidence_is_downloaded_through_the_api_by_the_certifier_only(
    scheme, inspector, outsider, listing, client
):
    issued = _issue(inspector, scheme, listing=listing.pk)
    url = f"{CERTIFICATES}{issued['id']}/evidence/"
    report = SimpleUploadedFile("bench.pdf", b"%PDF-1.7 bench test", "application/pdf")
    download = inspector.post(url, {"file": report, "description": "Bench"}).json()["download"]

    mine = inspector.get(download)
    theirs = outsider.get(download)
    stored = EvidenceDocument.objects.get().file.name
    public = client.get(f"/media/{stored}")

    assert mine.status_code == 200
    assert b"".join(mine.streaming_content) == b"%PDF-1.7 bench test"
    assert theirs.status_code == 404
    assert public.status_code == 404  # only listing photos are served as media
    assert len(stored.split("/")[2]) == 32  # a random folder, not a guessable path


def test_certificate_list_runs_constant_queries(scheme, inspector, django_assert_max_num_queries):
    for _ in range(2):
        _issue(inspector, scheme, listing=ListingFactory().pk)
    with django_assert_max_num_queries(6):
        inspector.get(CERTIFICATES)
    for _ in range(10):
        _issue(inspector, scheme, listing=ListingFactory().pk)
    with django_assert_max_num_queries(6):
        assert inspector.get(CERTIFICATES).json()["count"] == 12


# Public verification


def _verify(api_client, number: str):
    return api_client.get(f"/api/v1/verify/{number}/")


def test_verification_of_a_valid_number_says_what_by_whom_and_until_when(
    api_client, scheme, inspector, listing
):
    issued = _issue(inspector, scheme, listing=listing.pk)
    inspector.post(
        f"{CERTIFICATES}{issued['id']}/evidence/",
        {"file": SimpleUploadedFile("r.pdf", b"%PDF-1 r"), "description": "Secret report"},
    )

    response = _verify(api_client, issued["number"])

    body = response.json()
    assert response.status_code == 200
    assert body["valid"] is True and body["status"] == "active"
    assert (body["scheme"], body["badge"], body["certifier"]) == (
        "Gold reman", "Gold", scheme.certifier.name,
    )  # fmt: skip
    assert body["subject_description"] == listing.title
    assert body["expires_on"] == issued["expires_on"]
    assert "Secret report" not in response.content.decode()
    assert "evidence" not in body and "status_reason" not in body


def test_verification_of_an_expired_number_says_expired_before_any_sweep(
    api_client, scheme, inspector, listing
):
    issued = _issue(inspector, scheme, listing=listing.pk)
    yesterday = timezone.localdate() - timedelta(days=1)
    Certificate.objects.update(issued_on=yesterday - timedelta(days=30), expires_on=yesterday)

    body = _verify(api_client, issued["number"]).json()

    assert (body["valid"], body["status"]) == (False, "expired")


def test_verification_of_a_revoked_number_says_revoked_and_not_why(
    api_client, scheme, inspector, listing
):
    issued = _issue(inspector, scheme, listing=listing.pk)
    inspector.post(
        f"{CERTIFICATES}{issued['id']}/revoke/", {"reason": "Forged test data"}, format="json"
    )

    response = _verify(api_client, issued["number"])

    assert (response.json()["valid"], response.json()["status"]) == (False, "revoked")
    assert "Forged" not in response.content.decode()


def test_verification_of_an_unknown_number_is_a_404_saying_so(api_client):
    response = _verify(api_client, "GOLDREMA-NO5UCHNUMB3R")

    assert response.status_code == 404
    assert response.json()["error"]["code"] == "certificate_not_found"


def test_verification_is_throttled(api_client, scheme, inspector, listing, settings):
    from rest_framework.throttling import AnonRateThrottle

    AnonRateThrottle.THROTTLE_RATES = {**AnonRateThrottle.THROTTLE_RATES, "anon": "2/min"}
    try:
        codes = [_verify(api_client, "UNKNOWN-1").status_code for _ in range(3)]
    finally:
        AnonRateThrottle.THROTTLE_RATES = settings.REST_FRAMEWORK["DEFAULT_THROTTLE_RATES"]

    assert codes == [404, 404, 429]


# Product lines and listing badges


@pytest.fixture
def reman():
    return OrganisationFactory(kind=OrganisationKind.REMANUFACTURER, name="Precision Reman")


def test_a_remanufacturer_names_product_lines_and_assigns_its_listings(reman):
    client = client_for(MembershipFactory(organisation=reman).user)
    listing = ListingFactory(seller_organisation=reman)
    foreign_line = ProductLineFactory()

    created = client.post("/api/v1/product-lines/", {"name": "Gold alternators"}, format="json")
    line_id = created.json()["id"]
    assigned = client.patch(
        f"/api/v1/inventory/listings/{listing.pk}/", {"product_line": line_id}, format="json"
    )
    foreign = client.patch(
        f"/api/v1/inventory/listings/{listing.pk}/",
        {"product_line": foreign_line.pk},
        format="json",
    )

    assert created.status_code == 201, created.content
    assert [line["name"] for line in client.get("/api/v1/product-lines/").json()["results"]] == [
        "Gold alternators"
    ]
    assert assigned.status_code == 200, assigned.content
    assert assigned.json()["product_line_id"] == line_id
    assert foreign.status_code == 400
    assert Listing.objects.get(pk=listing.pk).product_line_id == line_id


def test_only_remanufacturers_have_product_lines(dismantler_owner):
    response = client_for(dismantler_owner).post(
        "/api/v1/product-lines/", {"name": "X"}, format="json"
    )

    assert response.status_code == 403


def test_listings_show_active_badges_from_the_line_and_the_seller(api_client, reman):
    line = ProductLineFactory(organisation=reman)
    listing = ListingFactory(seller_organisation=reman, product_line=line)
    line_scheme = SchemeFactory(subject="product_line", badge_label="Gold line")
    seller_scheme = SchemeFactory(subject="seller", badge_label="Audited seller")
    line_cert = _issue(
        client_for(certifier_member(line_scheme.certifier)), line_scheme, product_line=line.pk
    )
    seller_client = client_for(certifier_member(seller_scheme.certifier))
    seller_cert = _issue(seller_client, seller_scheme, seller_organisation=reman.slug)
    seller_client.post(
        f"{CERTIFICATES}{seller_cert['id']}/suspend/", {"reason": "Audit"}, format="json"
    )

    detail = api_client.get(f"/api/v1/listings/{listing.pk}/").json()
    listed = api_client.get("/api/v1/listings/").json()["results"]

    assert [(b["label"], b["certificate_number"]) for b in detail["badges"]] == [
        ("Gold line", line_cert["number"])
    ]
    assert detail["badges"][0]["certifier"] == line_scheme.certifier.name
    assert listed[0]["badges"] == detail["badges"]

"""A certifier issues, suspends and revokes a listing's certificate in a real browser, and the
part page follows."""

import re

import pytest

from certification.models import Certificate, CertificateStatus
from tests.catalog.factories import ListingFactory
from tests.certification.factories import CertifierFactory, SchemeFactory
from tests.marketplace.factories import MembershipFactory, UserFactory

PASSWORD = "correct horse battery"
PDF = b"%PDF-1.4\n1 0 obj <<>> endobj\ntrailer <<>>\n%%EOF\n"


@pytest.fixture
def bench(transactional_db):
    certifier = CertifierFactory(name="Reman Standards Board")
    staff = MembershipFactory(organisation=certifier, user=UserFactory(username="cert-carla")).user
    scheme = SchemeFactory(certifier=certifier, name="Bench tested reman", badge_label="Bench OK")
    listing = ListingFactory(title="Alternator, 2003 Honda Accord")
    return staff, scheme, listing


def sign_in(page, site, username: str, then: str) -> None:
    page.goto(f"{site}/accounts/login/?next={then}")
    page.fill("input[name=username]", username)
    page.fill("input[name=password]", PASSWORD)
    page.click("main button[type=submit]")
    page.wait_for_url(f"{site}{then}")


def test_a_certifier_issues_a_badge_suspends_without_a_reason_and_revokes(
    page, site, bench, tmp_path
):
    staff, scheme, listing = bench
    report = tmp_path / "bench-report.pdf"
    report.write_bytes(PDF)
    sign_in(page, site, staff.username, "/certifier/certificates/")

    # from the certificates list to the issue form, through the navigation and the page's link
    assert page.locator("header nav").get_by_role("link", name="Certificates").is_visible()
    page.get_by_role("link", name="Issue a certificate").click()
    page.select_option("select[name=scheme]", str(scheme.pk))
    page.fill("input[name=listing]", str(listing.pk))
    page.set_input_files("input[name=file]", str(report))
    page.fill("input[name=description]", "Bench test report")
    page.click("form.page-form button[type=submit]")
    page.wait_for_url(re.compile(r"/certifier/certificates/\d+/$"))
    certificate = Certificate.objects.get(listing=listing)
    assert certificate.number in page.locator(".notice").inner_text()
    assert "Bench test report" in page.locator("section.evidence").inner_text()

    # the part page shows the badge
    page.goto(f"{site}/parts/{listing.pk}/")
    assert "Bench OK" in page.locator("#certificates").inner_text()

    # a suspension without a reason is refused next to the reason
    page.goto(f"{site}/certifier/certificates/{certificate.pk}/")
    page.click("form.suspend button[type=submit]")
    assert "Give the reason." in page.locator("form.suspend .errorlist").inner_text()
    certificate.refresh_from_db()
    assert certificate.status == CertificateStatus.ACTIVE

    # revoked for good: the badge leaves the part page
    page.fill("#id_revoke-reason", "Failed the re-test")
    page.click("form.revoke button[type=submit]")
    page.wait_for_url(f"{site}/certifier/certificates/{certificate.pk}/")
    assert page.locator("dd.status").inner_text() == "Revoked"
    assert "Failed the re-test" in page.locator("section.events").inner_text()
    page.goto(f"{site}/parts/{listing.pk}/")
    assert "Bench OK" not in page.locator("#certificates").inner_text()

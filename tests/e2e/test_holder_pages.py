"""A buyer holding a warranty policy files a claim in a real browser: an amount the form refuses
is told by the amount, a valid claim with a report is filed and followed."""

import re
from datetime import date

import pytest

from certification.models import Claim, ClaimStatus
from tests.certification.warranty_factories import covered_sale
from tests.marketplace.factories import UserFactory

PASSWORD = "correct horse battery"
PDF = b"%PDF-1.4\n1 0 obj <<>> endobj\ntrailer <<>>\n%%EOF\n"


@pytest.fixture
def policy(transactional_db):
    holder = UserFactory(username="garage-gina")
    policy, _, _ = covered_sale(holder=holder)
    return policy


def sign_in(page, site, username: str, then: str) -> None:
    page.goto(f"{site}/accounts/login/?next={then}")
    page.fill("input[name=username]", username)
    page.fill("input[name=password]", PASSWORD)
    page.click("main button[type=submit]")
    page.wait_for_url(f"{site}{then}")


def fill_claim(page, parts_amount: str) -> None:
    page.fill("textarea[name=failure]", "Whines, then stopped charging.")
    page.fill("input[name=failed_on]", date.today().isoformat())
    page.fill("input[name=mileage_km]", "1200")
    page.fill("input[name=parts_amount]", parts_amount)


def test_a_holder_is_refused_a_bad_amount_then_files_a_claim_with_a_report(
    page, site, policy, tmp_path
):
    report = tmp_path / "garage-report.pdf"
    report.write_bytes(PDF)
    sign_in(page, site, policy.holder.username, "/")

    # from the navigation to the policy and its claim form
    page.locator("header nav").get_by_role("link", name="Warranty", exact=True).click()
    page.wait_for_url(f"{site}/my/warranty/")
    page.get_by_role("link", name=policy.number).click()
    page.wait_for_url(f"{site}/my/warranty/policies/{policy.pk}/")
    page.get_by_role("link", name="File a claim").click()

    # an amount with more digits than money has is refused next to the amount
    fill_claim(page, "123456789012")
    page.click("form.page-form button[type=submit]")
    amount_field = page.locator(".field", has=page.locator("#id_parts_amount"))
    assert "no more than 10 digits" in amount_field.locator(".errorlist").inner_text()
    assert not Claim.objects.exists()

    # a valid claim with a report is filed, listed and followed
    fill_claim(page, "180.00")
    page.set_input_files("input[name=documents]", str(report))
    page.click("form.page-form button[type=submit]")
    page.wait_for_url(re.compile(r"/my/warranty/claims/\d+/$"))
    claim = Claim.objects.get(policy=policy)
    assert claim.status == ClaimStatus.FILED
    assert page.locator("dd.status").inner_text() == "Filed"
    assert "garage-report.pdf" in page.locator("section.documents").inner_text()
    assert "Recorded as Filed" in page.locator("ol.history").inner_text()

    page.get_by_role("link", name="Your warranty").click()
    page.wait_for_url(f"{site}/my/warranty/")
    row = page.locator(f"table.claims tr[data-claim='{claim.pk}']")
    assert row.locator(".status").inner_text() == "Filed"

"""An insurer reviews a claim in a real browser: an amount over the plan's limits is refused by
the amount, a valid one is approved."""

from datetime import date
from decimal import Decimal

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from certification.models import ClaimPayout, ClaimStatus
from certification.services import warranty as services
from tests.certification.warranty_factories import InsurerFactory, WarrantyPlanFactory, covered_sale
from tests.marketplace.factories import MembershipFactory, UserFactory

PASSWORD = "correct horse battery"


@pytest.fixture
def claim(transactional_db):
    """A claim of 700.00 for parts on a plan paying 500 per claim less 50 excess: 450 at most."""
    insurer = InsurerFactory(name="Parts Mutual")
    MembershipFactory(organisation=insurer, user=UserFactory(username="adjuster-ada"))
    plan = WarrantyPlanFactory(insurer=insurer, name="Reman cover 12")
    policy, _, _ = covered_sale(plan=plan)
    return services.claim_file(
        policy=policy,
        actor=policy.holder,
        details=services.ClaimDetails(
            failure="Stopped charging after a week.",
            failed_on=date.today(),
            parts_amount=Decimal("700.00"),
        ),
        documents=[(SimpleUploadedFile("garage-report.pdf", b"%PDF-1.4\n%%EOF\n"), "")],
    )


def test_an_insurer_is_refused_over_the_limit_then_approves_a_valid_amount(page, site, claim):
    page.goto(f"{site}/accounts/login/?next=/insurer/claims/")
    page.fill("input[name=username]", "adjuster-ada")
    page.fill("input[name=password]", PASSWORD)
    page.click("main button[type=submit]")
    page.wait_for_url(f"{site}/insurer/claims/")

    page.get_by_role("link", name=f"Claim {claim.pk}").click()
    assert "garage-report.pdf" in page.locator("section.documents").inner_text()
    assert "450.00 USD" in page.locator(".payable").inner_text()

    page.fill("#id_approve-amount", "600.00")
    page.click("form.approve button[type=submit]")
    error = page.locator("form.approve .errorlist").inner_text()
    assert "At most 450.00 USD can be approved" in error
    claim.refresh_from_db()
    assert claim.status == ClaimStatus.FILED

    page.fill("#id_approve-amount", "450.00")
    page.click("form.approve button[type=submit]")
    page.wait_for_url(f"{site}/insurer/claims/{claim.pk}/")
    assert page.locator("dd.status").inner_text() == "Approved"
    assert page.locator("dd.approved").inner_text() == "450.00 USD"
    assert ClaimPayout.objects.get(claim=claim).amount == Decimal("450.00")

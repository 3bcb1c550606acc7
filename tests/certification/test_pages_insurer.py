"""The insurer's pages: plans, policies, and deciding claims."""

from datetime import date
from decimal import Decimal

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.urls import reverse

from certification.models import ClaimPayout, ClaimStatus, WarrantyPlan
from certification.services import warranty as services
from tests.certification.warranty_factories import (
    InsurerFactory,
    PremiumRateFactory,
    WarrantyPlanFactory,
    WarrantySchemeFactory,
    covered_sale,
    insurer_member,
)
from tests.marketplace.factories import UserFactory

pytestmark = pytest.mark.django_db
PDF = b"%PDF-1.4\n%%EOF\n"


def client_of(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


@pytest.fixture
def insurer():
    return InsurerFactory(name="Parts Mutual")


@pytest.fixture
def staff(insurer):
    return insurer_member(insurer)


@pytest.fixture
def plan(insurer):
    """500 per claim, 1,000 in total, 50 excess."""
    return WarrantyPlanFactory(insurer=insurer, name="Reman cover 12")


def claim_on(plan, parts_amount="400.00", **details):
    policy, _, _ = covered_sale(plan=plan)
    return services.claim_file(
        policy=policy,
        actor=policy.holder,
        details=services.ClaimDetails(
            failure="Stopped charging after a week.",
            failed_on=date.today(),
            parts_amount=Decimal(parts_amount),
            **details,
        ),
        documents=[(SimpleUploadedFile("garage-report.pdf", PDF), "Garage report")],
    )


# Plans


def test_the_plans_page_lists_the_insurers_plans_with_their_terms(staff, plan):
    PremiumRateFactory(plan=plan, rate=Decimal("0.0800"))
    other = WarrantyPlanFactory(name="Someone else's cover")
    client = client_of(staff)

    listed = client.get(reverse("insurer-plans")).content.decode()
    detail = client.get(reverse("insurer-plan", args=[plan.pk])).content.decode()

    assert "Reman cover 12" in listed and "Someone else&#x27;s cover" not in listed
    assert "500.00 USD" in detail and "50.00 USD" in detail and "0.0800" in detail
    assert client.get(reverse("insurer-plan", args=[other.pk])).status_code == 404


def test_the_plans_page_costs_the_same_queries_however_many_plans(
    insurer, staff, django_assert_max_num_queries
):
    for _ in range(6):
        PremiumRateFactory(plan=WarrantyPlanFactory(insurer=insurer))
    client = client_of(staff)

    with django_assert_max_num_queries(6):
        response = client.get(reverse("insurer-plans"))

    assert len(response.context["plans"]) == 6


def test_an_insurer_creates_a_plan_and_inconsistent_limits_are_refused_by_the_field(staff):
    scheme = WarrantySchemeFactory()
    client = client_of(staff)
    terms = {
        "scheme": scheme.pk,
        "name": "Gold cover",
        "currency": "USD",
        "cover_months": 24,
        "max_payout_per_claim": "800.00",
        "max_payout_total": "500.00",
        "excess": "25.00",
        "default_rate": "0.0900",
        "minimum_premium": "10.00",
        "active": "on",
    }

    refused = client.post(reverse("insurer-plan-create"), terms)
    created = client.post(reverse("insurer-plan-create"), {**terms, "max_payout_total": "1600"})

    assert refused.context["form"].errors["max_payout_total"] == [
        "The total limit cannot be below the per-claim limit."
    ]
    plan = WarrantyPlan.objects.get(name="Gold cover")
    assert created["Location"] == reverse("insurer-plan", args=[plan.pk])
    assert (plan.cover_months, plan.max_payout_total) == (24, Decimal("1600.00"))


# Policies


def test_the_policies_page_lists_the_insurers_policies_filtered_by_plan_and_text(staff, plan):
    first, _, _ = covered_sale(plan=plan)
    second_plan = WarrantyPlanFactory(insurer=plan.insurer)
    second, _, _ = covered_sale(plan=second_plan)
    stranger, _, _ = covered_sale()
    client = client_of(staff)
    url = reverse("insurer-policies")

    everything = client.get(url).content.decode()
    by_plan = list(client.get(url, {"plan": second_plan.pk}).context["page"])
    by_text = list(client.get(url, {"q": first.number}).context["page"])

    assert first.number in everything and second.number in everything
    assert stranger.number not in everything
    assert by_plan == [second] and by_text == [first]


def test_the_policies_page_costs_the_same_queries_however_many_policies(
    staff, plan, django_assert_max_num_queries
):
    for _ in range(6):
        covered_sale(plan=plan)
    client = client_of(staff)

    with django_assert_max_num_queries(8):
        response = client.get(reverse("insurer-policies"))

    assert len(response.context["page"]) == 6


# Claims


def test_the_claims_page_costs_the_same_queries_however_many_claims(
    staff, plan, django_assert_max_num_queries
):
    claims = [claim_on(plan) for _ in range(6)]
    claim_on(WarrantyPlanFactory())  # another insurer's
    client = client_of(staff)

    with django_assert_max_num_queries(6):
        response = client.get(reverse("insurer-claims"))

    assert {claim.pk for claim in response.context["page"]} == {claim.pk for claim in claims}


def test_the_claims_page_filters_by_status(staff, plan):
    filed = claim_on(plan)
    declined = claim_on(plan)
    services.claim_reject(claim=declined, actor=staff, reason="Not a covered failure")

    response = client_of(staff).get(reverse("insurer-claims"), {"status": "filed"})

    assert list(response.context["page"]) == [filed]


def test_the_claim_page_shows_the_failure_documents_and_what_can_be_paid(staff, plan):
    claim = claim_on(plan, parts_amount="400.00")
    document = claim.documents.get()

    page = client_of(staff).get(reverse("insurer-claim", args=[claim.pk]))

    html = page.content.decode()
    assert "Stopped charging after a week." in html
    assert reverse("claim-document-file", args=[claim.pk, document.pk]) in html
    assert document.file.url not in html
    assert page.context["payable"] == Decimal("350.00")


def test_approving_above_the_limit_is_refused_by_the_amount_then_a_valid_amount_is_approved(
    staff, plan
):
    claim = claim_on(plan, parts_amount="700.00")
    client = client_of(staff)
    url = reverse("insurer-claim-approve", args=[claim.pk])

    refused = client.post(url, {"approve-amount": "600.00"})
    approved = client.post(url, {"approve-amount": "450.00", "approve-reason": "Covered"})

    assert refused.status_code == 400
    assert refused.context["approve_form"].errors["amount"] == [
        "At most 450.00 USD can be approved within the plan's limits and excess."
    ]
    assert approved["Location"] == reverse("insurer-claim", args=[claim.pk])
    claim.refresh_from_db()
    assert (claim.status, claim.approved_amount) == (ClaimStatus.APPROVED, Decimal("450.00"))
    assert ClaimPayout.objects.get(claim=claim).amount == Decimal("450.00")


def test_declining_needs_a_reason_shown_by_the_reason(staff, plan):
    claim = claim_on(plan)
    client = client_of(staff)
    url = reverse("insurer-claim-reject", args=[claim.pk])

    refused = client.post(url, {"reject-reason": ""})
    declined = client.post(url, {"reject-reason": "Damage from a crash"}, follow=True)

    assert refused.context["reject_form"].errors["reason"] == [
        "Give a reason the holder can act on."
    ]
    claim.refresh_from_db()
    assert claim.status == ClaimStatus.REJECTED
    assert "Damage from a crash" in declined.content.decode()
    assert "approve_form" not in declined.context


def test_asking_for_more_information_moves_the_claim(staff, plan):
    claim = claim_on(plan)

    client_of(staff).post(
        reverse("insurer-claim-request-info", args=[claim.pk]),
        {"request_info-reason": "Send a photo of the casing"},
    )

    claim.refresh_from_db()
    assert claim.status == ClaimStatus.INFO_REQUESTED


def test_another_insurers_claim_is_404_and_not_decided(plan):
    claim = claim_on(plan)
    other = client_of(insurer_member(InsurerFactory()))

    assert other.get(reverse("insurer-claim", args=[claim.pk])).status_code == 404
    approve = other.post(
        reverse("insurer-claim-approve", args=[claim.pk]), {"approve-amount": "10.00"}
    )
    assert approve.status_code == 404
    document = claim.documents.get()
    download = reverse("claim-document-file", args=[claim.pk, document.pk])
    assert other.get(download).status_code == 404
    claim.refresh_from_db()
    assert claim.status == ClaimStatus.FILED


def test_the_insurer_downloads_a_claims_document(staff, plan):
    claim = claim_on(plan)
    document = claim.documents.get()

    response = client_of(staff).get(reverse("claim-document-file", args=[claim.pk, document.pk]))

    assert b"".join(response.streaming_content) == PDF


def test_insurer_pages_are_403_for_anyone_else():
    for name in ("insurer-plans", "insurer-policies", "insurer-claims"):
        assert client_of(UserFactory()).get(reverse(name)).status_code == 403
        assert Client().get(reverse(name)).status_code == 302


def test_the_navigation_shows_insurer_links_to_insurers(staff):
    home = client_of(staff).get("/").content.decode()

    assert reverse("insurer-claims") in home and reverse("insurer-plans") in home

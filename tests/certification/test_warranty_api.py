"""The warranty API: insurers' plans, and policies and claims that each party sees (others' are
a 404), with claims filed, decided and documented through it."""

from datetime import date
from decimal import Decimal

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.test.utils import CaptureQueriesContext

from certification.models import ClaimPayout, ClaimStatus, WarrantyPlan
from certification.services import warranty as services
from marketplace.models import OrganisationKind
from tests.catalog.factories import PartTypeFactory
from tests.certification.warranty_factories import (
    InsurerFactory,
    WarrantyPlanFactory,
    WarrantySchemeFactory,
    covered_sale,
    insurer_member,
)
from tests.conftest import client_for
from tests.marketplace.factories import MembershipFactory, OrganisationFactory, UserFactory

pytestmark = pytest.mark.django_db
PLANS = "/api/v1/warranty/plans/"
POLICIES = "/api/v1/warranty/policies/"
CLAIMS = "/api/v1/warranty/claims/"


def plan_body(scheme, **overrides) -> dict:
    return {
        "scheme": scheme.pk, "name": "Silver reman 12", "cover_months": 12,
        "labour_covered": True, "labour_hourly_cap": "80.00", "max_payout_per_claim": "500.00",
        "max_payout_total": "1000.00", "excess": "50.00", "default_rate": "0.1000",
        "minimum_premium": "5.00", **overrides,
    }  # fmt: skip


def claim_body(policy, **overrides) -> dict:
    return {
        "policy": policy.pk, "failure": "No charge at idle", "failed_on": date.today().isoformat(),
        "mileage_km": 3000, "parts_amount": "200.00", **overrides,
    }  # fmt: skip


def parties():
    """A policy and everyone around it: holder, insurer, seller, and strangers of each kind."""
    policy, plan, certificate = covered_sale()
    seller = MembershipFactory(organisation=certificate.listing.seller_organisation).user
    return {
        "policy": policy,
        "plan": plan,
        "holder": policy.holder,
        "insurer": insurer_member(plan.insurer),
        "seller": seller,
        "other_insurer": insurer_member(InsurerFactory()),
        "other_seller": MembershipFactory(
            organisation=OrganisationFactory(kind=OrganisationKind.DISMANTLER)
        ).user,
        "other_buyer": UserFactory(),
    }


# Plans


def test_an_insurer_offers_a_plan_prices_it_and_anyone_can_get_a_quote():
    insurer = InsurerFactory()
    client = client_for(insurer_member(insurer))
    PartTypeFactory(code="alternator")

    created = client.post(PLANS, plan_body(WarrantySchemeFactory()), format="json")
    assert created.status_code == 201, created.data
    plan_id = created.data["id"]
    rates = client.put(
        f"{PLANS}{plan_id}/rates/",
        {
            "rates": [
                {"condition": "recycled", "grade": "A", "rate": "0.0800"},
                {"condition": "recycled", "part_type": "alternator", "grade": "A", "rate": "0.07"},
            ]
        },
        format="json",
    )
    quote = client_for(UserFactory()).get(
        f"{PLANS}{plan_id}/premium/",
        {"condition": "recycled", "grade": "A", "part_type": "alternator", "value": "300.00"},
    )

    assert rates.status_code == 200 and len(rates.data["rates"]) == 2
    assert created.data["insurer"] == insurer.slug
    assert quote.status_code == 200
    assert (quote.data["rate"], quote.data["premium"]) == ("0.0700", "21.00")


def test_plan_input_errors_name_the_field():
    client = client_for(insurer_member(InsurerFactory()))

    response = client.post(
        PLANS,
        plan_body(WarrantySchemeFactory(), labour_hourly_cap=None, default_rate="1.5"),
        format="json",
    )

    assert response.status_code == 400
    assert "default_rate" in response.data["error"]["fields"]
    assert not WarrantyPlan.objects.exists()


def test_only_insurers_offer_plans_and_another_insurers_plan_is_a_404():
    plan = WarrantyPlanFactory()
    seller = MembershipFactory(organisation=OrganisationFactory()).user
    other_insurer = client_for(insurer_member(InsurerFactory()))

    assert client_for(seller).post(PLANS, plan_body(plan.scheme), format="json").status_code == 403
    assert other_insurer.get(f"{PLANS}{plan.pk}/").status_code == 404
    assert (
        other_insurer.patch(f"{PLANS}{plan.pk}/", {"name": "Mine"}, format="json").status_code
        == 404
    )
    assert (
        other_insurer.put(f"{PLANS}{plan.pk}/rates/", {"rates": []}, format="json").status_code
        == 404
    )
    assert other_insurer.get(PLANS).data["results"] == []


def test_an_insurer_renames_its_plan_but_cannot_change_cover_once_issued():
    policy, plan, _ = covered_sale()
    client = client_for(insurer_member(plan.insurer))

    renamed = client.patch(f"{PLANS}{plan.pk}/", {"name": "Gold"}, format="json")
    frozen = client.patch(f"{PLANS}{plan.pk}/", {"cover_months": 36}, format="json")

    assert renamed.status_code == 200 and renamed.data["name"] == "Gold"
    assert frozen.status_code == 409
    assert frozen.data["error"]["code"] == "plan_terms_frozen"


# Policies


@pytest.mark.parametrize(
    ("party", "sees"),
    [
        ("holder", True),
        ("insurer", True),
        ("seller", True),
        ("other_insurer", False),
        ("other_seller", False),
        ("other_buyer", False),
    ],
)
def test_a_policy_is_seen_by_its_holder_insurer_and_seller_only(party, sees):
    everyone = parties()
    client = client_for(everyone[party])
    policy = everyone["policy"]

    listed = client.get(POLICIES).data["results"]
    detail = client.get(f"{POLICIES}{policy.pk}/")

    assert [p["number"] for p in listed] == ([policy.number] if sees else [])
    assert detail.status_code == (200 if sees else 404)


def test_the_holder_transfers_a_policy_and_others_cannot():
    everyone = parties()
    url = f"{POLICIES}{everyone['policy'].pk}/transfer/"
    body = {"holder_name": "Vera Owner", "holder_email": "vera@example.com"}

    assert client_for(everyone["other_buyer"]).post(url, body, format="json").status_code == 404
    assert client_for(everyone["insurer"]).post(url, body, format="json").status_code == 403
    response = client_for(everyone["holder"]).post(url, body, format="json")

    assert response.status_code == 200 and response.data["holder_name"] == "Vera Owner"


def test_listing_policies_costs_the_same_queries_whatever_their_number():
    holder = UserFactory()
    covered_sale(holder=holder)
    client = client_for(holder)
    with CaptureQueriesContext(connection) as one:
        client.get(POLICIES)
    for _ in range(4):
        covered_sale(holder=holder)

    with CaptureQueriesContext(connection) as five:
        response = client.get(POLICIES)

    assert response.data["count"] == 5
    assert len(five) == len(one)


# Claims


def test_the_holder_files_a_claim_with_a_photo_and_the_insurer_approves_it():
    everyone = parties()
    holder = client_for(everyone["holder"])
    report = SimpleUploadedFile("report.pdf", b"%PDF-1.4 bench report", "application/pdf")

    filed = holder.post(
        CLAIMS, {**claim_body(everyone["policy"]), "documents": [report]}, format="multipart"
    )
    assert filed.status_code == 201, filed.data
    claim_id = filed.data["id"]
    over = client_for(everyone["insurer"]).post(
        f"{CLAIMS}{claim_id}/approve/", {"amount": "200.00"}, format="json"
    )
    approved = client_for(everyone["insurer"]).post(
        f"{CLAIMS}{claim_id}/approve/", {"amount": "150.00"}, format="json"
    )

    assert filed.data["documents"][0]["name"].startswith("report")
    assert over.status_code == 400
    assert over.data["error"]["code"] == "over_limits"
    assert "amount" in over.data["error"]["fields"]
    assert approved.status_code == 200, approved.data
    assert approved.data["status"] == ClaimStatus.APPROVED
    assert approved.data["payout"]["amount"] == "150.00"
    assert [e["to_status"] for e in approved.data["events"]] == ["filed", "approved"]
    assert ClaimPayout.objects.get(claim_id=claim_id).amount == Decimal("150.00")


def test_a_failure_date_in_the_future_is_refused_naming_the_field():
    everyone = parties()
    policy = everyone["policy"]

    response = client_for(everyone["holder"]).post(
        CLAIMS, claim_body(policy, failed_on="2099-01-01"), format="json"
    )

    assert response.status_code == 400
    assert "failed_on" in response.data["error"]["fields"]


def test_a_claim_on_someone_elses_policy_is_refused():
    everyone = parties()

    response = client_for(everyone["other_buyer"]).post(
        CLAIMS, claim_body(everyone["policy"]), format="json"
    )

    assert response.status_code == 400
    assert "policy" in response.data["error"]["fields"]


@pytest.mark.parametrize(
    ("party", "sees"),
    [
        ("holder", True),
        ("insurer", True),
        ("seller", True),
        ("other_insurer", False),
        ("other_seller", False),
        ("other_buyer", False),
    ],
)
def test_a_claim_is_seen_by_the_holder_the_insurer_and_the_seller_only(party, sees):
    everyone = parties()
    policy = everyone["policy"]
    claim = services.claim_file(
        policy=policy,
        actor=policy.holder,
        details=services.ClaimDetails("Seized", date.today(), Decimal("100")),
        documents=[(SimpleUploadedFile("r.pdf", b"%PDF-1.4 x"), "report")],
    )
    client = client_for(everyone[party])
    document_id = claim.documents.get().pk

    assert [c["id"] for c in client.get(CLAIMS).data["results"]] == ([claim.pk] if sees else [])
    assert client.get(f"{CLAIMS}{claim.pk}/").status_code == (200 if sees else 404)
    download = client.get(f"{CLAIMS}{claim.pk}/documents/{document_id}/")
    assert download.status_code == (200 if sees else 404)


def test_only_the_plans_insurer_decides_and_only_the_holder_resubmits():
    everyone = parties()
    policy = everyone["policy"]
    claim = services.claim_file(
        policy=policy,
        actor=policy.holder,
        details=services.ClaimDetails("Seized", date.today(), Decimal("100")),
    )
    url = f"{CLAIMS}{claim.pk}"
    reason = {"reason": "Send the invoice"}

    assert client_for(everyone["other_insurer"]).post(f"{url}/reject/", reason).status_code == 404
    assert (
        client_for(everyone["holder"]).post(f"{url}/approve/", {"amount": "1"}).status_code == 403
    )
    assert client_for(everyone["seller"]).post(f"{url}/request-info/", reason).status_code == 403
    asked = client_for(everyone["insurer"]).post(f"{url}/request-info/", reason)
    assert asked.status_code == 200 and asked.data["status"] == ClaimStatus.INFO_REQUESTED
    assert client_for(everyone["insurer"]).post(f"{url}/resubmit/").status_code == 404
    photo = SimpleUploadedFile("invoice.txt", b"plain text", content_type="image/png")
    bad = client_for(everyone["holder"]).post(f"{url}/documents/", {"file": photo})
    assert bad.status_code == 400 and "file" in bad.data["error"]["fields"]
    resubmitted = client_for(everyone["holder"]).post(f"{url}/resubmit/", {"note": "Sent"})
    assert resubmitted.status_code == 200 and resubmitted.data["status"] == ClaimStatus.FILED
    rejected = client_for(everyone["insurer"]).post(f"{url}/reject/", {"reason": "Misfitted"})
    assert rejected.data["decision_reason"] == "Misfitted"
    again = client_for(everyone["insurer"]).post(f"{url}/approve/", {"amount": "10"})
    assert again.status_code == 409


def test_listing_claims_costs_the_same_queries_whatever_their_number():
    everyone = parties()
    policy = everyone["policy"]
    client = client_for(everyone["insurer"])

    def file_claim():
        services.claim_file(
            policy=policy,
            actor=policy.holder,
            details=services.ClaimDetails("Noise", date.today(), Decimal("80")),
            documents=[(SimpleUploadedFile("r.pdf", b"%PDF-1.4 x"), "")],
        )

    file_claim()
    with CaptureQueriesContext(connection) as one:
        client.get(CLAIMS)
    for _ in range(4):
        file_claim()
    with CaptureQueriesContext(connection) as five:
        response = client.get(CLAIMS)

    assert response.data["count"] == 5
    assert len(five) == len(one)

"""The policy holder's pages: their policies, filing a claim, following it."""

from datetime import date, timedelta
from decimal import Decimal

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.urls import reverse

from certification.models import Claim, ClaimStatus
from certification.services import warranty as services
from tests.certification.warranty_factories import covered_sale, insurer_member
from tests.marketplace.factories import UserFactory

pytestmark = pytest.mark.django_db
PDF = b"%PDF-1.4\n%%EOF\n"


def client_of(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


@pytest.fixture
def holder():
    return UserFactory(username="garage-gina")


@pytest.fixture
def policy(holder):
    policy, _, _ = covered_sale(holder=holder)
    return policy


def claim_form(**overrides) -> dict:
    return {
        "failure": "Whines and stopped charging.",
        "failed_on": date.today().isoformat(),
        "mileage_km": "1200",
        "parts_amount": "180.00",
        "labour_hours": "",
        "labour_rate": "",
        **overrides,
    }


def test_my_warranty_lists_my_policies_and_claims_only(holder, policy):
    someone_elses, _, _ = covered_sale()

    page = client_of(holder).get(reverse("my-warranty")).content.decode()

    assert policy.number in page
    assert someone_elses.number not in page


def test_my_warranty_costs_the_same_queries_however_many_policies(
    holder, django_assert_max_num_queries
):
    for _ in range(6):
        policy, _, _ = covered_sale(holder=holder)
        services.claim_file(
            policy=policy,
            actor=holder,
            details=services.ClaimDetails(
                failure="Dead", failed_on=date.today(), parts_amount=Decimal("10")
            ),
        )
    client = client_of(holder)

    with django_assert_max_num_queries(7):
        response = client.get(reverse("my-warranty"))

    assert len(response.context["policies"]) == 6 and len(response.context["claims"]) == 6


def test_a_holder_files_a_claim_with_documents_and_follows_it(holder, policy):
    client = client_of(holder)
    documents = [
        SimpleUploadedFile("report.pdf", PDF, content_type="application/pdf"),
        SimpleUploadedFile("invoice.pdf", PDF, content_type="application/pdf"),
    ]

    response = client.post(
        reverse("my-warranty-claim-file", args=[policy.pk]), claim_form(documents=documents)
    )

    claim = Claim.objects.get(policy=policy)
    assert response["Location"] == reverse("my-warranty-claim", args=[claim.pk])
    assert claim.documents.count() == 2
    assert (claim.parts_amount, claim.mileage_km) == (Decimal("180.00"), 1200)
    page = client.get(response["Location"])
    assert page.context["claim"].get_status_display() == "Filed"
    assert [entry.to_status for entry in page.context["history"]] == ["Filed"]


def test_a_failure_before_the_cover_is_refused_by_the_date(holder, policy):
    before = (policy.starts_on - timedelta(days=2)).isoformat()

    response = client_of(holder).post(
        reverse("my-warranty-claim-file", args=[policy.pk]), claim_form(failed_on=before)
    )

    assert response.status_code == 200
    assert "the failure is before it" in response.context["form"].errors["failed_on"][0]
    assert not Claim.objects.exists()


def test_a_document_that_is_not_a_photo_or_pdf_is_refused_by_the_documents(holder, policy):
    text = SimpleUploadedFile("notes.txt", b"hello", content_type="text/plain")

    response = client_of(holder).post(
        reverse("my-warranty-claim-file", args=[policy.pk]), claim_form(documents=[text])
    )

    assert response.context["form"].errors["documents"] == [
        "Claim documents must be JPEG or PNG photos or PDF."
    ]
    assert not Claim.objects.exists()


def test_bad_amounts_are_told_by_the_field_not_a_server_error(holder, policy):
    response = client_of(holder).post(
        reverse("my-warranty-claim-file", args=[policy.pk]), claim_form(parts_amount="-5")
    )

    assert response.status_code == 200
    assert "parts_amount" in response.context["form"].errors


def test_another_holders_policy_and_claim_are_404(holder, policy):
    claim = services.claim_file(
        policy=policy,
        actor=holder,
        details=services.ClaimDetails(
            failure="Dead", failed_on=date.today(), parts_amount=Decimal("10")
        ),
        documents=[(SimpleUploadedFile("r.pdf", PDF), "")],
    )
    stranger = client_of(UserFactory())

    assert stranger.get(reverse("my-warranty-policy", args=[policy.pk])).status_code == 404
    filing = stranger.post(reverse("my-warranty-claim-file", args=[policy.pk]), claim_form())
    assert filing.status_code == 404
    assert stranger.get(reverse("my-warranty-claim", args=[claim.pk])).status_code == 404
    document = reverse("claim-document-file", args=[claim.pk, claim.documents.get().pk])
    assert stranger.get(document).status_code == 404
    assert client_of(holder).get(document).status_code == 200
    assert Claim.objects.count() == 1


def test_answering_a_request_for_information_sends_the_claim_back(holder, policy):
    claim = services.claim_file(
        policy=policy,
        actor=holder,
        details=services.ClaimDetails(
            failure="Dead", failed_on=date.today(), parts_amount=Decimal("10")
        ),
    )
    services.claim_request_info(
        claim=claim, actor=insurer_member(policy.plan.insurer), reason="Send a photo"
    )
    client = client_of(holder)

    page = client.get(reverse("my-warranty-claim", args=[claim.pk]))
    client.post(
        reverse("my-warranty-claim-document-add", args=[claim.pk]),
        {"document-file": SimpleUploadedFile("photo.pdf", PDF), "document-description": "Photo"},
    )
    client.post(
        reverse("my-warranty-claim-resubmit", args=[claim.pk]), {"resubmit-note": "Photo added"}
    )

    assert "Send a photo" in page.content.decode() and "resubmit_form" in page.context
    claim.refresh_from_db()
    assert claim.status == ClaimStatus.FILED
    assert claim.documents.get().description == "Photo"

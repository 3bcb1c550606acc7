"""Warranty services on the database: plans and rates, issuing policies for sales exactly once,
claims from filing to settlement, and the races that must not break the limits."""

import io
import threading
from datetime import date, timedelta
from decimal import Decimal

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection, connections  # noqa: F401 (read by skipif)
from PIL import Image

from catalog.models import BadgeSubject, Condition
from certification.models import (
    Claim,
    ClaimEvent,
    ClaimPayout,
    ClaimPayoutStatus,
    ClaimStatus,
    PremiumRate,
    WarrantyPolicy,
)
from certification.premiums import RateRule
from certification.selectors_warranty import payouts_pending
from certification.services import warranty as services
from certification.services.warranty import ClaimDetails, ClaimRefused, WarrantyNotIssued
from marketplace.errors import Conflict, DomainError, NotPermitted, TransitionNotAllowed
from marketplace.models import OrganisationKind
from tests.catalog.factories import ListingFactory, PartTypeFactory
from tests.certification.factories import ProductLineFactory
from tests.certification.warranty_factories import (
    CertificateFactory,
    InsurerFactory,
    PremiumRateFactory,
    WarrantyPlanFactory,
    WarrantySchemeFactory,
    covered_sale,
    insurer_member,
    sale_of,
)
from tests.marketplace.factories import OrganisationFactory, UserFactory

TODAY = date.today()


def png_bytes() -> bytes:
    buffer = io.BytesIO()
    Image.new("RGB", (4, 4), "red").save(buffer, format="PNG")
    return buffer.getvalue()


def details(parts="300.00", hours="0", rate="0", failed_on=None, mileage_km=None):
    return ClaimDetails(
        failure="Alternator stopped charging",
        failed_on=failed_on or TODAY,
        parts_amount=Decimal(parts),
        labour_hours=Decimal(hours),
        labour_rate=Decimal(rate),
        mileage_km=mileage_km,
    )


def filed_claim(policy, **kwargs) -> Claim:
    return services.claim_file(policy=policy, actor=policy.holder, details=details(**kwargs))


# Plans and rates


@pytest.mark.django_db
def test_plan_create_by_an_insurer_member_records_the_terms():
    insurer = InsurerFactory()
    scheme = WarrantySchemeFactory()
    values = {
        "name": "Gold reman 24", "cover_months": 24, "cover_km": 40000, "labour_covered": True,
        "labour_hourly_cap": Decimal("85.00"), "max_payout_per_claim": Decimal("800.00"),
        "max_payout_total": Decimal("1500.00"), "excess": Decimal("25.00"),
        "default_rate": Decimal("0.0900"), "minimum_premium": Decimal("7.50"),
    }  # fmt: skip

    plan = services.plan_create(
        insurer=insurer, actor=insurer_member(insurer), scheme=scheme, values=values
    )

    assert plan.insurer == insurer and plan.scheme == scheme
    assert plan.labour_hourly_cap == Decimal("85.00") and plan.cover_km == 40000


@pytest.mark.django_db
def test_plan_create_is_refused_to_non_members_and_non_insurers():
    insurer = InsurerFactory()
    scheme = WarrantySchemeFactory()
    values = {"name": "X", "cover_months": 12, "max_payout_per_claim": Decimal("1"),
              "max_payout_total": Decimal("1"), "default_rate": Decimal("0.1")}  # fmt: skip
    garage = OrganisationFactory(kind=OrganisationKind.GARAGE)

    with pytest.raises(NotPermitted):
        services.plan_create(insurer=insurer, actor=UserFactory(), scheme=scheme, values=values)
    with pytest.raises(NotPermitted):
        services.plan_create(
            insurer=garage, actor=insurer_member(garage), scheme=scheme, values=values
        )


@pytest.mark.django_db
def test_plan_create_refuses_labour_cover_without_a_cap_and_a_total_below_the_per_claim():
    insurer = InsurerFactory()
    values = {"name": "X", "cover_months": 12, "labour_covered": True,
              "max_payout_per_claim": Decimal("500"), "max_payout_total": Decimal("100"),
              "default_rate": Decimal("0.1")}  # fmt: skip

    with pytest.raises(DomainError) as refused:
        services.plan_create(
            insurer=insurer,
            actor=insurer_member(insurer),
            scheme=WarrantySchemeFactory(),
            values=values,
        )

    assert set(refused.value.fields) == {"labour_hourly_cap", "max_payout_total"}


@pytest.mark.django_db
def test_plan_cover_terms_freeze_once_a_policy_is_issued_but_the_premium_rule_may_change():
    policy, plan, _ = covered_sale()
    actor = insurer_member(plan.insurer)

    with pytest.raises(Conflict) as refused:
        services.plan_update(plan=plan, actor=actor, values={"excess": Decimal("0")})
    assert refused.value.code == "plan_terms_frozen"

    plan = services.plan_update(plan=plan, actor=actor, values={"default_rate": Decimal("0.2")})
    assert plan.default_rate == Decimal("0.2")


@pytest.mark.django_db
def test_plan_rates_set_replaces_the_rates_and_reports_each_bad_row_without_writing():
    plan = WarrantyPlanFactory()
    PartTypeFactory(code="alternator")
    PremiumRateFactory(plan=plan, condition=Condition.RECYCLED, rate=Decimal("0.3"))
    actor = insurer_member(plan.insurer)
    good = [
        RateRule("recycled", Decimal("0.08"), grade="A"),
        RateRule("recycled", Decimal("0.07"), grade="A", part_type="alternator"),
    ]

    services.plan_rates_set(plan=plan, actor=actor, rates=good)
    with pytest.raises(DomainError) as refused:
        services.plan_rates_set(
            plan=plan,
            actor=actor,
            rates=[
                RateRule("recycled", Decimal("0.1")),
                RateRule("used", Decimal("0.1"), grade="Z", part_type="warp_core"),
                RateRule("recycled", Decimal("0.2")),
            ],
        )

    assert set(refused.value.fields) == {"rates.1", "rates.2"}
    assert len(refused.value.fields["rates.1"]) == 3
    rates = PremiumRate.objects.filter(plan=plan)
    assert {(r.grade, r.part_type, r.rate) for r in rates} == {
        ("A", "", Decimal("0.0800")),
        ("A", "alternator", Decimal("0.0700")),
    }


@pytest.mark.django_db
def test_plan_rates_are_changed_only_by_the_plans_insurer():
    plan = WarrantyPlanFactory()

    with pytest.raises(NotPermitted):
        services.plan_rates_set(plan=plan, actor=insurer_member(InsurerFactory()), rates=[])


# Issuing policies


@pytest.mark.django_db
def test_policy_issue_for_sale_issues_one_policy_per_unit_priced_by_the_plan():
    # given a certified remanufactured alternator and a plan with a rate for it
    certificate = CertificateFactory(listing__price=Decimal("240.00"), issued_on=date(2025, 1, 1))
    plan = WarrantyPlanFactory(scheme=certificate.scheme, cover_km=30000)
    PremiumRateFactory(plan=plan, condition="remanufactured", rate=Decimal("0.0650"))
    holder = UserFactory(first_name="Ada", last_name="Garage")

    # when three units are sold
    policies = services.policy_issue_for_sale(
        sale=sale_of(certificate, plan, holder, quantity=3, sold_on=date(2025, 1, 31))
    )

    # then each unit has its own policy, hard-to-guess number, period and premium
    assert [p.unit for p in policies] == [1, 2, 3]
    assert len({p.number for p in policies}) == 3
    policy = policies[0]
    assert policy.number.startswith("WP-") and len(policy.number) > 20
    assert policy.certificate == certificate and policy.holder == holder
    assert policy.holder_name == "Ada Garage" and policy.holder_email == holder.email
    assert (policy.starts_on, policy.ends_on) == (date(2025, 1, 31), date(2026, 1, 31))
    assert policy.covered_value == Decimal("240.00")
    assert policy.premium == Decimal("15.60")
    assert policy.cover_km == 30000
    assert policy.seller_organisation_id == certificate.listing.seller_organisation_id


@pytest.mark.django_db
def test_a_repeated_sale_issues_no_second_policy():
    certificate = CertificateFactory()
    plan = WarrantyPlanFactory(scheme=certificate.scheme)
    sale = sale_of(certificate, plan, quantity=2)

    first = services.policy_issue_for_sale(sale=sale)
    again = services.policy_issue_for_sale(sale=sale)

    assert [p.pk for p in again] == [p.pk for p in first]
    assert WarrantyPolicy.objects.filter(sale_reference=sale.sale_reference).count() == 2


@pytest.mark.django_db
def test_a_revoked_certificate_issues_no_new_policy_and_old_ones_stay_valid():
    # given a policy issued while the certificate was active
    policy, plan, certificate = covered_sale()
    certificate.status = "revoked"
    certificate.save()

    # when the same listing is sold again
    with pytest.raises(WarrantyNotIssued) as refused:
        services.policy_issue_for_sale(sale=sale_of(certificate, plan))

    # then nothing is issued, and the old policy stays, still claimable
    assert refused.value.reason == "no_valid_certificate"
    assert WarrantyPolicy.objects.filter(listing=certificate.listing).count() == 1
    claim = filed_claim(policy)
    assert claim.status == ClaimStatus.FILED
    # and repeating the first sale's event still returns its policy
    repeat = sale_of(certificate, plan, sale_reference=policy.sale_reference)
    assert services.policy_issue_for_sale(sale=repeat) == [policy]


@pytest.mark.django_db
@pytest.mark.parametrize(
    "change",
    [
        {"status": "suspended"},
        {"status": "expired"},
        {"expires_on": TODAY - timedelta(days=1), "issued_on": TODAY - timedelta(days=40)},
    ],
)
def test_a_suspended_or_expired_certificate_issues_no_policy(change):
    certificate = CertificateFactory(**change)
    plan = WarrantyPlanFactory(scheme=certificate.scheme)

    with pytest.raises(WarrantyNotIssued):
        services.policy_issue_for_sale(sale=sale_of(certificate, plan))


@pytest.mark.django_db
def test_a_certificate_of_another_scheme_does_not_cover_the_plan():
    certificate = CertificateFactory()
    plan = WarrantyPlanFactory()

    with pytest.raises(WarrantyNotIssued):
        services.policy_issue_for_sale(sale=sale_of(certificate, plan))


@pytest.mark.django_db
def test_a_product_line_or_seller_certificate_covers_the_listing():
    scheme = WarrantySchemeFactory()
    plan = WarrantyPlanFactory(scheme=scheme)
    line = ProductLineFactory()
    listing = ListingFactory(seller_organisation=line.organisation, product_line=line)
    line_certificate = CertificateFactory(
        scheme=scheme, subject=BadgeSubject.PRODUCT_LINE, listing=None, product_line=line
    )
    seller_listing = ListingFactory()
    seller_certificate = CertificateFactory(
        scheme=scheme,
        subject=BadgeSubject.SELLER,
        listing=None,
        seller_organisation=seller_listing.seller_organisation,
    )

    [by_line] = services.policy_issue_for_sale(sale=sale_of(listing, plan))
    [by_seller] = services.policy_issue_for_sale(sale=sale_of(seller_listing, plan))

    assert by_line.certificate == line_certificate and by_line.listing == listing
    assert by_seller.certificate == seller_certificate


@pytest.mark.django_db
def test_a_sale_in_another_currency_or_under_an_inactive_plan_is_refused():
    certificate = CertificateFactory()
    plan = WarrantyPlanFactory(scheme=certificate.scheme)

    with pytest.raises(WarrantyNotIssued) as refused:
        services.policy_issue_for_sale(sale=sale_of(certificate, plan, currency="EUR"))
    assert refused.value.reason == "currency_mismatch"

    plan.active = False
    plan.save()
    with pytest.raises(WarrantyNotIssued):
        services.policy_issue_for_sale(sale=sale_of(certificate, plan))


@pytest.mark.django_db
def test_policy_transfer_names_the_vehicle_owner_and_only_the_holder_may():
    policy, _, _ = covered_sale()

    with pytest.raises(NotPermitted):
        services.policy_transfer(
            policy=policy, actor=UserFactory(), holder_name="Eve", holder_email="eve@example.com"
        )
    policy = services.policy_transfer(
        policy=policy, actor=policy.holder, holder_name="Bob Owner", holder_email="bob@example.com"
    )

    policy.refresh_from_db()
    assert (policy.holder_name, policy.holder_email) == ("Bob Owner", "bob@example.com")


# Claims


@pytest.mark.django_db
def test_claim_file_records_the_claim_its_event_and_documents():
    policy, _, _ = covered_sale()
    photo = SimpleUploadedFile("failed.png", png_bytes(), content_type="image/png")
    report = SimpleUploadedFile("report.pdf", b"%PDF-1.4 garage report", "application/pdf")

    claim = services.claim_file(
        policy=policy,
        actor=policy.holder,
        details=details(parts="180.00", mileage_km=5000),
        documents=[(photo, "Burnt diode"), (report, "")],
    )

    assert claim.status == ClaimStatus.FILED and claim.filed_by == policy.holder
    assert claim.documents.count() == 2
    assert list(claim.events.values_list("from_status", "to_status")) == [("", "filed")]


@pytest.mark.django_db
def test_claim_file_refuses_other_users_documents_of_other_types_and_future_dates():
    policy, _, _ = covered_sale()
    text = SimpleUploadedFile("notes.txt", b"not a photo", content_type="image/png")

    with pytest.raises(NotPermitted):
        services.claim_file(policy=policy, actor=UserFactory(), details=details())
    with pytest.raises(DomainError) as refused:
        services.claim_file(
            policy=policy, actor=policy.holder, details=details(), documents=[(text, "")]
        )
    assert "file" in refused.value.fields
    with pytest.raises(DomainError):
        filed_claim(policy, failed_on=TODAY + timedelta(days=1))
    assert not Claim.objects.exists()


@pytest.mark.django_db
def test_a_claim_document_over_the_size_limit_is_refused(settings):
    settings.CLAIM_DOCUMENT_MAX_BYTES = 1024 * 1024
    policy, _, _ = covered_sale()
    claim = filed_claim(policy)
    big = SimpleUploadedFile("scan.pdf", b"%PDF-1.4" + b"0" * (1024 * 1024))

    with pytest.raises(DomainError) as refused:
        services.claim_document_add(claim=claim, actor=policy.holder, file=big)

    assert "1 MB" in refused.value.fields["file"][0]
    assert not claim.documents.exists()


@pytest.mark.django_db
def test_a_claim_after_the_end_date_is_refused_with_the_reason():
    # given a policy sold 400 days ago under a 12-month plan
    certificate = CertificateFactory(issued_on=TODAY - timedelta(days=500))
    plan = WarrantyPlanFactory(scheme=certificate.scheme)
    [policy] = services.policy_issue_for_sale(
        sale=sale_of(certificate, plan, sold_on=TODAY - timedelta(days=400))
    )

    with pytest.raises(ClaimRefused) as refused:
        filed_claim(policy)

    assert refused.value.code == "cover_expired"
    assert policy.ends_on.isoformat() in refused.value.fields["failed_on"][0]
    # a failure inside the period, claimed late, is still accepted
    assert filed_claim(policy, failed_on=policy.ends_on).status == ClaimStatus.FILED


@pytest.mark.django_db
def test_a_claim_over_the_distance_cover_is_refused():
    policy, _, _ = covered_sale(plan=WarrantyPlanFactory(cover_km=20000))

    with pytest.raises(ClaimRefused) as refused:
        filed_claim(policy, mileage_km=25000)

    assert refused.value.code == "over_distance_cover"


@pytest.mark.django_db
def test_claim_approve_pays_within_the_limits_less_the_excess_and_records_the_payout():
    # given a plan covering labour up to 80/h, 500 per claim, 50 excess
    plan = WarrantyPlanFactory(labour_covered=True, labour_hourly_cap=Decimal("80.00"))
    policy, _, _ = covered_sale(plan=plan)
    claim = filed_claim(policy, parts="300.00", hours="2", rate="100.00")
    insurer = insurer_member(plan.insurer)

    # then 300 + 2 x 80 = 460, less 50 = 410 is the most: 420 is refused, 410 approved
    with pytest.raises(DomainError) as refused:
        services.claim_approve(claim=claim, actor=insurer, amount=Decimal("420.00"))
    assert refused.value.code == "over_limits" and "410.00" in refused.value.message
    claim = services.claim_approve(claim=claim, actor=insurer, amount=Decimal("410.00"))

    claim.refresh_from_db()
    assert claim.status == ClaimStatus.APPROVED and claim.approved_amount == Decimal("410.00")
    payout = ClaimPayout.objects.get(claim=claim)
    assert (payout.amount, payout.currency, payout.status) == (Decimal("410.00"), "USD", "pending")
    assert list(payouts_pending()) == [payout]


@pytest.mark.django_db
def test_approved_claims_count_against_the_total_limit_until_a_claim_is_refused():
    # given a policy whose plan pays 1,000 in total, 500 per claim, 50 excess
    policy, plan, _ = covered_sale()
    insurer = insurer_member(plan.insurer)
    for _ in range(2):
        claim = filed_claim(policy, parts="600.00")
        services.claim_approve(claim=claim, actor=insurer, amount=Decimal("450.00"))

    # when a third claim asks for more than the 100 left
    third = filed_claim(policy, parts="600.00")

    # then at most 100 less the excess may be paid
    with pytest.raises(DomainError) as refused:
        services.claim_approve(claim=third, actor=insurer, amount=Decimal("100.00"))
    assert "50.00" in refused.value.message
    services.claim_approve(claim=third, actor=insurer, amount=Decimal("50.00"))
    # and once what is left cannot exceed the excess, a new claim is refused at filing
    with pytest.raises(ClaimRefused) as exhausted:
        filed_claim(policy)
    assert exhausted.value.code == "total_limit_exhausted"


@pytest.mark.django_db
def test_a_claim_below_the_excess_cannot_be_approved():
    policy, plan, _ = covered_sale()
    claim = filed_claim(policy, parts="40.00")

    with pytest.raises(ClaimRefused) as refused:
        services.claim_approve(
            claim=claim, actor=insurer_member(plan.insurer), amount=Decimal("1.00")
        )

    assert refused.value.code == "nothing_payable"
    assert Claim.objects.get(pk=claim.pk).status == ClaimStatus.FILED


@pytest.mark.django_db
def test_only_the_plans_insurer_decides_a_claim():
    policy, _, _ = covered_sale()
    claim = filed_claim(policy)
    stranger = insurer_member(InsurerFactory())

    with pytest.raises(NotPermitted):
        services.claim_approve(claim=claim, actor=stranger, amount=Decimal("10"))
    with pytest.raises(NotPermitted):
        services.claim_reject(claim=claim, actor=policy.holder, reason="Mine")


@pytest.mark.django_db
def test_request_info_resubmit_and_reject_are_transitions_with_events():
    policy, plan, _ = covered_sale()
    claim = filed_claim(policy)
    insurer = insurer_member(plan.insurer)

    services.claim_request_info(claim=claim, actor=insurer, reason="Send the bench test")
    with pytest.raises(TransitionNotAllowed):
        services.claim_approve(claim=claim, actor=insurer, amount=Decimal("10"))
    services.claim_document_add(
        claim=claim,
        actor=policy.holder,
        file=SimpleUploadedFile("bench.pdf", b"%PDF-1.7 bench"),
        description="Bench test",
    )
    services.claim_resubmit(claim=claim, actor=policy.holder, note="Attached")
    services.claim_reject(claim=claim, actor=insurer, reason="Fitted to the wrong engine")

    claim.refresh_from_db()
    assert claim.status == ClaimStatus.REJECTED
    assert claim.decision_reason == "Fitted to the wrong engine"
    assert list(ClaimEvent.objects.filter(claim=claim).values_list("to_status", flat=True)) == [
        "filed", "info_requested", "filed", "rejected",
    ]  # fmt: skip
    with pytest.raises(Conflict):
        services.claim_document_add(
            claim=claim, actor=policy.holder, file=SimpleUploadedFile("late.pdf", b"%PDF-1.7")
        )


@pytest.mark.django_db
def test_a_decision_needs_a_reason():
    policy, plan, _ = covered_sale()
    claim = filed_claim(policy)

    with pytest.raises(DomainError) as refused:
        services.claim_reject(claim=claim, actor=insurer_member(plan.insurer), reason="  ")

    assert "reason" in refused.value.fields


@pytest.mark.django_db
def test_claim_payout_settle_closes_the_claim_once_whatever_repeats():
    policy, plan, _ = covered_sale()
    claim = filed_claim(policy)
    services.claim_approve(claim=claim, actor=insurer_member(plan.insurer), amount=Decimal("100"))
    payout = ClaimPayout.objects.get(claim=claim)

    services.claim_payout_settle(payout=payout, reference="refund-re_123")
    again = services.claim_payout_settle(payout=payout, reference="refund-re_123")

    assert again.status == ClaimPayoutStatus.SETTLED and again.settled_at is not None
    assert Claim.objects.get(pk=claim.pk).status == ClaimStatus.SETTLED
    assert ClaimEvent.objects.filter(claim=claim, to_status="settled").count() == 1
    assert list(payouts_pending()) == []
    with pytest.raises(Conflict):
        services.claim_payout_settle(payout=payout, reference="credit-999")


# Races: real threads against PostgreSQL

race = pytest.mark.django_db(transaction=True)
postgres_only = pytest.mark.skipif(
    "connection.vendor != 'postgresql'", reason="row locks need PostgreSQL"
)


def at_once(calls) -> tuple[list, list]:
    """Run the calls in threads released together; returns (results, domain errors)."""
    start = threading.Barrier(len(calls))
    results, refused, crashed = [], [], []

    def run(call) -> None:
        try:
            start.wait()
            results.append(call())
        except DomainError as error:
            refused.append(error)
        except Exception as error:  # an IntegrityError or a deadlock: the test must fail
            crashed.append(error)
        finally:
            connections.close_all()

    workers = [threading.Thread(target=run, args=(call,)) for call in calls]
    for worker in workers:
        worker.start()
    for worker in workers:
        worker.join()
    assert crashed == []
    return results, refused


@race
@postgres_only
def test_the_same_sale_issued_at_once_gives_one_policy_per_unit():
    # given a sale of three units whose payment event arrives eight times at once
    certificate = CertificateFactory()
    plan = WarrantyPlanFactory(scheme=certificate.scheme)
    sale = sale_of(certificate, plan, quantity=3)

    results, refused = at_once([lambda: services.policy_issue_for_sale(sale=sale)] * 8)

    # then each unit has one policy, and every caller got the same three
    assert refused == []
    issued = list(WarrantyPolicy.objects.order_by("unit").values_list("pk", flat=True))
    assert len(issued) == 3
    assert {tuple(p.pk for p in policies) for policies in results} == {tuple(issued)}


@race
@postgres_only
def test_two_approvals_at_once_cannot_exceed_the_total_limit():
    # given a policy with 600 in total, 500 per claim, no excess, and two claims of 500
    plan = WarrantyPlanFactory(max_payout_total=Decimal("600.00"), excess=Decimal("0"))
    policy, _, _ = covered_sale(plan=plan)
    claims = [filed_claim(policy, parts="500.00") for _ in range(2)]
    insurer = insurer_member(plan.insurer)

    # when the insurer approves both in full at the same moment
    results, refused = at_once(
        [
            lambda claim=claim: services.claim_approve(
                claim=claim, actor=insurer, amount=Decimal("500.00")
            )
            for claim in claims
        ]
    )

    # then one is approved and the other is told only 100 is left
    assert len(results) == 1 and len(refused) == 1
    assert refused[0].code == "over_limits" and "100.00" in refused[0].message
    assert services.paid_on_policy(policy.pk) == Decimal("500.00")


# Admin


@pytest.mark.django_db
def test_warranty_admin_pages_render_and_records_are_read_only(admin_client):
    policy, plan, _ = covered_sale()
    claim = filed_claim(policy)
    services.claim_approve(claim=claim, actor=insurer_member(plan.insurer), amount=Decimal("10"))
    payout = ClaimPayout.objects.get(claim=claim)

    for model, pk in [
        ("warrantyplan", plan.pk),
        ("warrantypolicy", policy.pk),
        ("claim", claim.pk),
        ("claimpayout", payout.pk),
    ]:
        assert admin_client.get(f"/admin/certification/{model}/").status_code == 200
        assert admin_client.get(f"/admin/certification/{model}/{pk}/change/").status_code == 200
    assert admin_client.get("/admin/certification/warrantyplan/add/").status_code == 200
    assert admin_client.get("/admin/certification/claim/add/").status_code == 403
    assert admin_client.post(f"/admin/certification/claim/{claim.pk}/delete/").status_code == 403

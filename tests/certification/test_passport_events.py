"""What certification writes into a part's passport: a listing certificate's issue and changes,
each warranty policy, each claim decision; in the same transaction, and the chain still checks."""

from datetime import date, timedelta
from decimal import Decimal

import pytest

from catalog.models import BadgeSubject, PassportEvent, PassportEventKind
from catalog.passport import passport_verify
from certification.services import warranty as services
from certification.services.certificates import (
    certificate_expire,
    certificate_issue,
    certificate_reinstate,
    certificate_revoke,
    certificate_suspend,
)
from marketplace.errors import NotPermitted
from tests.catalog.factories import ListingFactory
from tests.certification.factories import (
    ProductLineFactory,
    SchemeFactory,
    certifier_member,
)
from tests.certification.warranty_factories import (
    CertificateFactory,
    WarrantyPlanFactory,
    covered_sale,
    insurer_member,
    sale_of,
)

pytestmark = pytest.mark.django_db
K = PassportEventKind


def kinds(listing) -> list[str]:
    return list(
        PassportEvent.objects.filter(listing=listing)
        .order_by("sequence")
        .values_list("kind", flat=True)
    )


def last_event(listing) -> PassportEvent:
    return PassportEvent.objects.filter(listing=listing).order_by("-sequence").first()


def test_issuing_a_listing_certificate_records_certified_with_its_number_and_period():
    # given a listing scheme and its certifier's inspector
    scheme = SchemeFactory()
    inspector = certifier_member(scheme.certifier)
    listing = ListingFactory()

    # when the inspector certifies the listing
    certificate = certificate_issue(scheme=scheme, actor=inspector, subject=listing)

    # then the passport ends with `certified`, recorded by the certifier, as plain strings
    event = last_event(listing)
    assert event.kind == K.CERTIFIED
    assert event.recorded_by_id == scheme.certifier_id
    assert event.details == {
        "certificate": certificate.number,
        "scheme": scheme.slug,
        "scheme_name": scheme.name,
        "badge": scheme.badge_label,
        "issued_on": certificate.issued_on.isoformat(),
        "expires_on": certificate.expires_on.isoformat(),
    }
    assert passport_verify(listing=listing).intact


def test_suspend_reinstate_and_revoke_each_record_a_change_and_the_chain_checks():
    scheme = SchemeFactory()
    inspector = certifier_member(scheme.certifier)
    listing = ListingFactory()
    certificate = certificate_issue(scheme=scheme, actor=inspector, subject=listing)

    certificate_suspend(certificate=certificate, actor=inspector, reason="Bench test overdue")
    certificate_reinstate(certificate=certificate, actor=inspector, reason="Report received")
    certificate_revoke(certificate=certificate, actor=inspector, reason="Failed audit")

    assert kinds(listing)[-4:] == [K.CERTIFIED] + [K.CERTIFICATE_CHANGED] * 3
    changes = PassportEvent.objects.filter(listing=listing, kind=K.CERTIFICATE_CHANGED)
    assert [(e.details["from_status"], e.details["to_status"]) for e in changes] == [
        ("active", "suspended"),
        ("suspended", "active"),
        ("active", "revoked"),
    ]
    assert changes.last().details["reason"] == "Failed audit"
    assert passport_verify(listing=listing).intact


def test_a_refused_change_records_nothing_in_the_passport():
    scheme = SchemeFactory()
    listing = ListingFactory()
    certificate = certificate_issue(
        scheme=scheme, actor=certifier_member(scheme.certifier), subject=listing
    )
    before = kinds(listing)

    with pytest.raises(NotPermitted):
        certificate_revoke(certificate=certificate, actor=certifier_member(), reason="No")

    assert kinds(listing) == before


def test_product_line_certificates_and_expiry_are_not_copied_into_passports():
    # given a listing in a certified product line, and a listing certificate that lapsed
    line = ProductLineFactory()
    in_line = ListingFactory(seller_organisation=line.organisation, product_line=line)
    line_scheme = SchemeFactory(subject=BadgeSubject.PRODUCT_LINE)
    certificate_issue(
        scheme=line_scheme, actor=certifier_member(line_scheme.certifier), subject=line
    )
    scheme = SchemeFactory()
    listing = ListingFactory()
    lapsed = certificate_issue(
        scheme=scheme,
        actor=certifier_member(scheme.certifier),
        subject=listing,
        issued_on=date.today() - timedelta(days=10),
        expires_on=date.today(),
    )
    type(lapsed).objects.filter(pk=lapsed.pk).update(expires_on=date.today() - timedelta(days=1))
    lapsed.refresh_from_db()

    # when the sweep records the expiry
    certificate_expire(certificate=lapsed)

    # then the line's listing has no certification events, the lapsed one only `certified`
    assert K.CERTIFIED not in kinds(in_line)
    assert kinds(listing) == [K.CERTIFIED]


def test_each_issued_policy_records_warranty_issued_once_without_the_holder():
    # given a certified listing sold two units at once under a plan
    certificate = CertificateFactory()
    plan = WarrantyPlanFactory(scheme=certificate.scheme, cover_km=50000)
    sale = sale_of(certificate, plan, quantity=2)

    # when the policies are issued, then issued again (a repeated payment event)
    policies = services.policy_issue_for_sale(sale=sale)
    services.policy_issue_for_sale(sale=sale)

    # then one event per unit, with the policy's number, plan and period, none of the holder's
    events = PassportEvent.objects.filter(
        listing=certificate.listing, kind=K.WARRANTY_ISSUED
    ).order_by("sequence")
    assert [(e.unit, e.details["policy"]) for e in events] == [(p.unit, p.number) for p in policies]
    details = events[0].details
    assert details["plan"] == plan.name
    assert details["ends_on"] == policies[0].ends_on.isoformat()
    assert details["cover_km"] == 50000
    assert events[0].recorded_by_id == plan.insurer_id
    holder = policies[0].holder
    assert not {holder.username, holder.email} & {str(v) for v in details.values()}
    assert passport_verify(listing=certificate.listing).intact


def test_approving_and_rejecting_claims_record_the_decision_and_amount():
    # given a policy with two claims filed
    policy, plan, _ = covered_sale()
    insurer = insurer_member(plan.insurer)
    details = services.ClaimDetails(
        failure="No charge", failed_on=date.today(), parts_amount=Decimal("200.00")
    )
    first = services.claim_file(policy=policy, actor=policy.holder, details=details)
    second = services.claim_file(policy=policy, actor=policy.holder, details=details)

    # when the insurer approves one and rejects the other
    services.claim_approve(claim=first, actor=insurer, amount=Decimal("150.00"))
    services.claim_reject(claim=second, actor=insurer, reason="Fitted wrongly")

    # then each decision is a `claim` event of the policy's unit, and the chain checks
    claims = PassportEvent.objects.filter(listing=policy.listing, kind=K.CLAIM).order_by("sequence")
    assert [e.details for e in claims] == [
        {
            "claim": first.pk,
            "policy": policy.number,
            "status": "approved",
            "amount": "150.00",
            "currency": "USD",
        },
        {
            "claim": second.pk,
            "policy": policy.number,
            "status": "rejected",
            "amount": None,
            "currency": "USD",
        },
    ]
    assert {e.unit for e in claims} == {policy.unit}
    assert passport_verify(listing=policy.listing).intact


def test_a_filed_claim_or_a_request_for_information_records_nothing():
    policy, plan, _ = covered_sale()
    details = services.ClaimDetails(
        failure="Noise", failed_on=date.today(), parts_amount=Decimal("80.00")
    )
    claim = services.claim_file(policy=policy, actor=policy.holder, details=details)
    services.claim_request_info(
        claim=claim, actor=insurer_member(plan.insurer), reason="Send a photo"
    )

    assert not PassportEvent.objects.filter(listing=policy.listing, kind=K.CLAIM).exists()

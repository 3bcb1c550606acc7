"""Demo certification for `make run`: the demo certifier's two schemes, certificates for the
remanufacturer's product line and the dismantler, and the insurer's plan on the Gold scheme,
included by the remanufacturer on one listing.

Runs after `catalog.demo` (and `orders.demo`). Everything goes through the services, as a
certifier, an insurer or a seller would through the API. Idempotent: each object is found by
its natural key first, so running it twice adds nothing.
"""

from dataclasses import dataclass
from decimal import Decimal

from django.db import transaction
from django.utils import timezone

from catalog.badges import product_line_create
from catalog.models import BadgeSubject, Condition, Listing, ProductLine
from catalog.services import Seller, listing_update
from certification.models import Certificate, CertificateStatus, Scheme, WarrantyPlan
from certification.premiums import RateRule
from certification.services.certificates import certificate_issue, scheme_create
from certification.services.included_warranty import included_warranty_set
from certification.services.warranty import plan_create, plan_rates_set
from marketplace.models import Organisation, User

GOLD = {
    "name": "ReCert Remanufactured Gold",
    "slug": "recert-reman-gold",
    "badge_label": "ReCert Gold",
    "badge_text": "Remanufactured to OE specification, every unit bench tested",
    "subject": BadgeSubject.PRODUCT_LINE,
    "criteria": "Audited remanufacturing process; end-of-line bench test report for every unit; "
    "all wear parts replaced; OE specification for output and tolerances.",
    "default_validity_days": 730,
}
YARD = {
    "name": "ReCert Yard Verified",
    "slug": "recert-yard-verified",
    "badge_label": "ReCert Verified Yard",
    "badge_text": "Grading, donor records and returns audited yearly",
    "subject": BadgeSubject.SELLER,
    "criteria": "Yearly audit of grading against the A/B/C standard, donor VIN records for every "
    "recycled part, and returns handled within 30 days.",
    "default_validity_days": 365,
}
LINE_NAME = "Precision Gold Rotating Electrics"
PLAN_NAME = "PartSure Gold Reman 24"
PLAN_TERMS = {
    "currency": "USD",
    "cover_months": 24,
    "cover_km": 80000,
    "labour_covered": True,
    "labour_hourly_cap": Decimal("95.00"),
    "max_payout_per_claim": Decimal("1500.00"),
    "max_payout_total": Decimal("3000.00"),
    "excess": Decimal("50.00"),
    "default_rate": Decimal("0.0900"),
    "minimum_premium": Decimal("12.00"),
}
REMANUFACTURED_RATES = [
    RateRule(Condition.REMANUFACTURED, Decimal("0.0800")),
    RateRule(Condition.REMANUFACTURED, Decimal("0.0600"), part_type="alternator"),
    RateRule(Condition.REMANUFACTURED, Decimal("0.0650"), part_type="starter"),
    RateRule(Condition.REMANUFACTURED, Decimal("0.1200"), part_type="turbocharger"),
]
INCLUDED_ON_SKU = "PR-3001"


@dataclass(frozen=True)
class DemoParty:
    """A demo organisation and its owner, known by the owner's login (see catalog.demo)."""

    organisation: Organisation
    owner: User


def _party(username: str) -> DemoParty:
    owner = User.objects.get(username=username)
    return DemoParty(Organisation.objects.get(memberships__user=owner), owner)


def _scheme(certifier: DemoParty, fields: dict) -> Scheme:
    scheme = Scheme.objects.filter(slug=fields["slug"]).first()
    if scheme is None:
        scheme = scheme_create(certifier=certifier.organisation, actor=certifier.owner, **fields)
    return scheme


def _certify(certifier: DemoParty, scheme: Scheme, subject: ProductLine | Organisation) -> None:
    field = "product_line" if isinstance(subject, ProductLine) else "seller_organisation"
    held = Certificate.objects.filter(
        scheme=scheme,
        status=CertificateStatus.ACTIVE,
        expires_on__gte=timezone.localdate(),
        **{field: subject},
    )
    if not held.exists():
        certificate_issue(scheme=scheme, actor=certifier.owner, subject=subject)


def _gold_line(remanufacturer: DemoParty) -> ProductLine:
    """The remanufacturer's line, holding every one of its remanufactured listings."""
    line = ProductLine.objects.filter(
        organisation=remanufacturer.organisation, name=LINE_NAME
    ).first()
    if line is None:
        line = product_line_create(
            organisation=remanufacturer.organisation,
            name=LINE_NAME,
            description="Remanufactured alternators, starters and turbochargers.",
        )
    seller = Seller(organisation=remanufacturer.organisation)
    outside = Listing.objects.filter(
        seller_organisation=remanufacturer.organisation, condition=Condition.REMANUFACTURED
    ).exclude(product_line=line)
    for listing in outside:
        listing_update(listing=listing, seller=seller, product_line=line)
    return line


def _gold_plan(insurer: DemoParty, scheme: Scheme) -> WarrantyPlan:
    plan = WarrantyPlan.objects.filter(insurer=insurer.organisation, name=PLAN_NAME).first()
    if plan is None:
        plan = plan_create(
            insurer=insurer.organisation,
            actor=insurer.owner,
            scheme=scheme,
            values={"name": PLAN_NAME, **PLAN_TERMS},
        )
        plan_rates_set(plan=plan, actor=insurer.owner, rates=REMANUFACTURED_RATES)
    return plan


@transaction.atomic
def certification_demo_load() -> None:
    """Schemes, certificates, the Gold plan and one listing that includes it. Needs the demo
    parties and listings of `catalog.demo.demo_data_load`."""
    certifier, insurer = _party("certify"), _party("assure")
    remanufacturer, dismantler = _party("precision"), _party("northyard")
    gold, yard = _scheme(certifier, GOLD), _scheme(certifier, YARD)
    _certify(certifier, gold, _gold_line(remanufacturer))
    _certify(certifier, yard, dismantler.organisation)
    plan = _gold_plan(insurer, gold)
    listing = Listing.objects.get(
        seller_organisation=remanufacturer.organisation, seller_sku=INCLUDED_ON_SKU
    )
    included_warranty_set(
        listing=listing, seller=Seller(organisation=remanufacturer.organisation), plan=plan
    )

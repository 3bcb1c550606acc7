"""A small catalog for the page tests, in the client and in the browser: three published
listings that fit a Honda Accord (two alternators of grades A and B, a starter) and a draft;
the grade A alternator has a donor, a passport, a certificate and a warranty plan."""

from dataclasses import dataclass
from decimal import Decimal

from catalog.models import InterchangeGroup, Listing, ListingStatus
from catalog.passport import passport_record_dismantled, passport_record_listed
from catalog.search.indexing import search_index_dirty
from certification.models import Certificate
from certification.services.certificates import certificate_issue
from tests.catalog.factories import (
    FitmentFactory,
    ListingFactory,
    MakeFactory,
    PartFactory,
    PartTypeFactory,
    VehicleFactory,
    VehicleModelFactory,
)
from tests.certification.factories import SchemeFactory, certifier_member
from tests.certification.warranty_factories import WarrantyPlanFactory
from tests.marketplace.factories import OrganisationFactory

DONOR_VIN = "1HGCM82633A004352"  # a 2003 Honda Accord


@dataclass(frozen=True)
class PageCatalog:
    grade_a: Listing
    grade_b: Listing
    starter: Listing
    draft: Listing
    certificate: Certificate


def page_catalog() -> PageCatalog:
    accord = VehicleModelFactory(make=MakeFactory(name="Honda"), name="Accord")
    VehicleFactory(model=accord, year=2003)
    alternator = PartTypeFactory()
    group = InterchangeGroup.objects.create(code="601-01234", part_type=alternator)
    part = PartFactory(oe_number="31100-RAA-A01", part_type=alternator, interchange_group=group)
    FitmentFactory(part=part, vehicle_model=accord, year_from=2003, year_to=2007)
    yard = OrganisationFactory(name="North Yard", kind="dismantler")
    grade_a = ListingFactory(
        seller_organisation=yard, part=part, part_type=alternator, grade="A",
        title="Alternator - 2003 Honda Accord", price=Decimal("89.00"),
        core_charge=Decimal("25.00"), warranty_days=90, donor_vin=DONOR_VIN, donor_year=2003,
        donor_make="Honda", donor_model="Accord", donor_mileage=118000,
    )  # fmt: skip
    passport_record_dismantled(listing=grade_a)
    passport_record_listed(listing=grade_a)
    scheme = SchemeFactory(badge_label="Bench tested")
    certificate = certificate_issue(
        scheme=scheme, actor=certifier_member(scheme.certifier), subject=grade_a
    )
    WarrantyPlanFactory(scheme=scheme, name="Parts cover 12", insurer__name="Mutual Parts")
    grade_b = ListingFactory(
        seller_organisation=yard, part=part, part_type=alternator, grade="B",
        title="Alternator - 2005 Honda Accord", price=Decimal("59.00"), donor_mileage=164000,
    )  # fmt: skip
    starter = ListingFactory(
        seller_organisation=yard, part_type=PartTypeFactory(code="starter", name="Starter"),
        title="Starter motor - Honda Accord", price=Decimal("45.00"),
    )  # fmt: skip
    draft = ListingFactory(
        seller_organisation=yard, title="Alternator - draft", status=ListingStatus.DRAFT
    )
    search_index_dirty()
    return PageCatalog(grade_a, grade_b, starter, draft, certificate)

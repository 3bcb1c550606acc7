"""Demo data for `make run`: a few sellers, a garage, an outlet and listings of every condition.

Idempotent: every object is found by its natural key first, so running it twice adds nothing.
Vehicles and part types must be loaded first (`manage.py load_reference_data`).
"""

from dataclasses import dataclass
from decimal import Decimal

from django.db import transaction

from catalog.models import (
    Fitment,
    InterchangeGroup,
    Listing,
    Location,
    Part,
    PartType,
    VehicleModel,
)
from catalog.services import Seller, listing_create
from marketplace.models import Membership, Organisation, OrganisationStatus, User
from marketplace.services import organisation_approve, organisation_register, user_register

DEMO_PASSWORD = "parts-demo-2026"


@dataclass(frozen=True)
class DemoOrganisation:
    username: str
    name: str
    kind: str
    city: str
    latitude: str
    longitude: str


ORGANISATIONS = [
    DemoOrganisation("platform", "Parts Exchange Platform", "platform", "Chicago", "41.8781", "-87.6298"),
    DemoOrganisation("northyard", "North Yard Auto Recyclers", "dismantler", "Chicago", "41.8500", "-87.6500"),
    DemoOrganisation("sunbelt", "Sunbelt Dismantlers", "dismantler", "Phoenix", "33.4484", "-112.0740"),
    DemoOrganisation("precision", "Precision Reman", "remanufacturer", "Dallas", "32.7767", "-96.7970"),
    DemoOrganisation("mainstreet", "Main Street Garage", "garage", "Evanston", "42.0451", "-87.6877"),
    DemoOrganisation("counter", "Corner Parts Counter", "outlet", "Oak Park", "41.8850", "-87.7845"),
    DemoOrganisation("certify", "ReCert Labs", "certifier", "Detroit", "42.3314", "-83.0458"),
    DemoOrganisation("assure", "PartSure Insurance", "insurer", "Hartford", "41.7658", "-72.6734"),
]  # fmt: skip

# (OE number, part type code, brand, make, model, years, interchange group)
PARTS = [
    ("31100-RAA-A01", "alternator", "Honda", "Honda", "Accord", (2003, 2007), "601-01234"),
    ("31100-RAA-A02", "alternator", "Honda", "Honda", "Accord", (2003, 2007), "601-01234"),
    ("27060-0H140", "alternator", "Toyota", "Toyota", "Camry", (2007, 2011), "601-02201"),
    ("28100-0H050", "starter", "Toyota", "Toyota", "Camry", (2007, 2011), None),
    ("FL3Z-11002-A", "starter", "Motorcraft", "Ford", "F-150", (2015, 2020), None),
    ("5K0 959 704 C", "window_regulator", "Volkswagen", "Volkswagen", "Golf", (2010, 2014), None),
    ("12673831", "engine", "GM", "Chevrolet", "Silverado", (2014, 2018), None),
    ("7L5Z-7000-BRM", "transmission", "Ford", "Ford", "F-150", (2009, 2010), None),
    ("49130-03300", "turbocharger", "Mitsubishi", "Mitsubishi", "Lancer", (2008, 2015), None),
    ("47850-3JA0A", "brake_caliper", "Nissan", "Nissan", "Altima", (2013, 2018), None),
]

# (seller username, SKU, OE number, condition, grade, price, core charge, warranty days, donor)
LISTINGS = [
    ("northyard", "NY-1001", "31100-RAA-A01", "recycled", "A", "65.00", "0", 90, (2005, 118000)),
    ("northyard", "NY-1002", "27060-0H140", "recycled", "B", "55.00", "0", 30, (2009, 142000)),
    ("northyard", "NY-1003", "12673831", "recycled", "A", "1850.00", "0", 180, (2016, 64000)),
    ("northyard", "NY-1004", "5K0 959 704 C", "refurbished", "A", "48.00", "15.00", 180, (2012, 90000)),
    ("sunbelt", "SB-2001", "31100-RAA-A02", "recycled", "C", "39.00", "0", 30, (2004, 201000)),
    ("sunbelt", "SB-2002", "7L5Z-7000-BRM", "recycled", "B", "950.00", "0", 90, (2010, 133000)),
    ("sunbelt", "SB-2003", "47850-3JA0A", "aftermarket", "", "79.00", "0", 365, None),
    ("precision", "PR-3001", "31100-RAA-A01", "remanufactured", "", "149.00", "40.00", 730, None),
    ("precision", "PR-3002", "FL3Z-11002-A", "remanufactured", "", "179.00", "50.00", 730, None),
    ("precision", "PR-3003", "49130-03300", "remanufactured", "", "699.00", "250.00", 365, None),
    ("precision", "PR-3004", "28100-0H050", "new_oem", "", "289.00", "0", 365, None),
    ("sam", "SAM-1", "27060-0H140", "recycled", "B", "45.00", "0", 0, (2008, 170000)),
]  # fmt: skip


def _demo_user(username: str, *, superuser: bool = False) -> User:
    user = User.objects.filter(username=username).first()
    if user is None:
        user = user_register(
            username=username, email=f"{username}@demo.example", password=DEMO_PASSWORD
        )
    if superuser and not user.is_superuser:
        user.is_superuser = user.is_staff = True
        user.save(update_fields=["is_superuser", "is_staff"])
    return user


def _demo_organisation(spec: DemoOrganisation) -> Organisation:
    owner = _demo_user(spec.username, superuser=spec.kind == "platform")
    membership = Membership.objects.filter(user=owner).select_related("organisation").first()
    if membership:
        return membership.organisation
    if spec.kind == "platform":
        # The operator's own organisation is where approval starts: no one else can approve it.
        organisation = Organisation.objects.create(
            name=spec.name, slug=spec.username, kind="platform", status=OrganisationStatus.APPROVED
        )
        Membership.objects.create(user=owner, organisation=organisation, role="owner")
    else:
        registered = organisation_register(
            owner=owner, name=spec.name, kind=spec.kind, city=spec.city
        )
        operator = _demo_user("platform", superuser=True)
        organisation = organisation_approve(organisation=registered, by=operator)
    Location.objects.create(
        organisation=organisation,
        kind="outlet" if spec.kind == "outlet" else "yard",
        name=f"{spec.name}, {spec.city}",
        city=spec.city,
        latitude=Decimal(spec.latitude),
        longitude=Decimal(spec.longitude),
        pickup_available=spec.kind in ("outlet", "dismantler"),
    )
    return organisation


def _demo_part(row: tuple) -> Part:
    oe_number, type_code, brand, make, model, years, interchange = row
    part_type = PartType.objects.get(code=type_code)
    group = None
    if interchange:
        group, _ = InterchangeGroup.objects.get_or_create(
            code=interchange, defaults={"part_type": part_type}
        )
    part = Part.objects.filter(oe_number=oe_number).first()
    if part is None:
        part = Part.objects.create(
            oe_number=oe_number, part_type=part_type, brand=brand, interchange_group=group
        )
    vehicle_model = VehicleModel.objects.filter(make__name=make, name=model).first()
    if vehicle_model is not None:
        Fitment.objects.get_or_create(
            part=part, vehicle_model=vehicle_model, year_from=years[0], year_to=years[1]
        )
    return part


def _demo_listing(seller: Seller, row, parts: dict[str, Part]) -> None:
    _, sku, oe_number, condition, grade, price, core, warranty, donor = row
    owner_filter = (
        {"seller_organisation": seller.organisation}
        if seller.organisation
        else {"seller_user": seller.user}
    )
    if Listing.objects.filter(seller_sku=sku, **owner_filter).exists():
        return
    part = parts[oe_number]
    fitment = part.fitments.select_related("vehicle_model__make").first()
    donor_fields = {}
    if donor and fitment:
        donor_fields = {
            "donor_year": donor[0],
            "donor_make": fitment.vehicle_model.make.name,
            "donor_model": fitment.vehicle_model.name,
            "donor_mileage": donor[1],
        }
    location = Location.objects.filter(
        organisation=seller.organisation, user=None if seller.organisation else seller.user
    ).first()
    listing_create(
        seller=seller, seller_sku=sku, publish=True, part=part, condition=condition, grade=grade,
        price=Decimal(price), core_charge=Decimal(core), warranty_days=warranty,
        quantity_on_hand=3 if condition in ("remanufactured", "new_oem", "aftermarket") else 1,
        location=location, **donor_fields,
    )  # fmt: skip


@transaction.atomic
def demo_data_load() -> list[tuple[str, str]]:
    """Create the demo parties, parts and listings; return the (username, role) logins."""
    organisations = {spec.username: _demo_organisation(spec) for spec in ORGANISATIONS}
    individual = _demo_user("sam")
    parts = {row[0]: _demo_part(row) for row in PARTS}
    for row in LISTINGS:
        username = row[0]
        seller = (
            Seller(user=individual)
            if username == "sam"
            else Seller(organisation=organisations[username])
        )
        _demo_listing(seller, row, parts)
    logins = [(spec.username, f"{spec.kind}: {spec.name}") for spec in ORGANISATIONS]
    return [*logins, ("sam", "individual (buys B2C, sells C2C)")]

from decimal import Decimal

import factory

from catalog.models import (
    Condition,
    Fitment,
    Listing,
    ListingStatus,
    Location,
    Make,
    Part,
    PartType,
    PartTypeGroup,
    Vehicle,
    VehicleModel,
)
from tests.marketplace.factories import OrganisationFactory


class MakeFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Make
        django_get_or_create = ["name"]

    name = "Honda"


class VehicleModelFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = VehicleModel
        django_get_or_create = ["make", "name"]

    make = factory.SubFactory(MakeFactory)
    name = "Accord"


class VehicleFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Vehicle
        django_get_or_create = ["model", "year", "vehicle_type"]

    model = factory.SubFactory(VehicleModelFactory)
    year = 2003
    vehicle_type = "Passenger Car"


class PartTypeGroupFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = PartTypeGroup
        django_get_or_create = ["code"]

    code = "electrical"
    name = "Electrical & charging"


class PartTypeFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = PartType
        django_get_or_create = ["code"]

    code = "alternator"
    name = "Alternator"
    group = factory.SubFactory(PartTypeGroupFactory)


class PartFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Part

    oe_number = factory.Sequence(lambda n: f"31100-RAA-A{n:02d}")
    part_type = factory.SubFactory(PartTypeFactory)
    brand = "Honda"


class FitmentFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Fitment

    part = factory.SubFactory(PartFactory)
    vehicle_model = factory.SubFactory(VehicleModelFactory)
    year_from = 2003
    year_to = 2007


class LocationFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Location

    organisation = factory.SubFactory(OrganisationFactory)
    name = factory.Sequence(lambda n: f"Yard {n}")
    latitude = Decimal("41.878100")
    longitude = Decimal("-87.629800")


class ListingFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Listing

    seller_organisation = factory.SubFactory(OrganisationFactory)
    seller_sku = factory.Sequence(lambda n: f"SKU-{n:05d}")
    part_type = factory.SubFactory(PartTypeFactory)
    title = "Alternator - 2003 Honda Accord"
    condition = Condition.RECYCLED
    grade = "A"
    price = Decimal("89.00")
    quantity_on_hand = 1
    status = ListingStatus.ACTIVE

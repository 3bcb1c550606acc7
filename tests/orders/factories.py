from decimal import Decimal

import factory

from catalog.models import LocationKind
from marketplace.models import OrganisationKind
from orders.models import DeliveryKind, DeliveryOption, InvoiceTerms
from tests.catalog.factories import LocationFactory
from tests.marketplace.factories import OrganisationFactory


class DeliveryOptionFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = DeliveryOption

    seller_organisation = factory.SubFactory(OrganisationFactory)
    kind = DeliveryKind.SHIPPING
    name = "Parcel"
    price = Decimal("12.00")


class OutletLocationFactory(LocationFactory):
    organisation = factory.SubFactory(OrganisationFactory, kind=OrganisationKind.OUTLET)
    kind = LocationKind.OUTLET
    name = factory.Sequence(lambda n: f"Outlet counter {n}")
    pickup_available = True


class InvoiceTermsFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = InvoiceTerms

    organisation = factory.SubFactory(OrganisationFactory, kind=OrganisationKind.GARAGE)
    credit_limit = Decimal("1000.00")
    net_days = 30

import factory

from catalog.models import BadgeSubject, ProductLine
from certification.models import Scheme
from marketplace.models import OrganisationKind
from tests.marketplace.factories import MembershipFactory, OrganisationFactory


class CertifierFactory(OrganisationFactory):
    kind = OrganisationKind.CERTIFIER
    name = factory.Sequence(lambda n: f"Certifier {n}")


def certifier_member(certifier=None):
    """A user who is a member of `certifier` (a new certifier when not given)."""
    return MembershipFactory(organisation=certifier or CertifierFactory()).user


class SchemeFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Scheme

    certifier = factory.SubFactory(CertifierFactory)
    name = factory.Sequence(lambda n: f"Reman standard {n}")
    slug = factory.Sequence(lambda n: f"reman-std-{n}")
    badge_label = "Certified reman"
    badge_text = "Restored to OE specification and bench tested"
    subject = BadgeSubject.LISTING
    criteria = "Bench test report for every unit."
    default_validity_days = 365


class ProductLineFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = ProductLine

    organisation = factory.SubFactory(OrganisationFactory, kind=OrganisationKind.REMANUFACTURER)
    name = factory.Sequence(lambda n: f"Gold alternators {n}")

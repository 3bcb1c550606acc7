"""Factories and helpers for warranty tests: insurers, plans, certificates, sold units."""

import itertools
from datetime import date, timedelta
from decimal import Decimal

import factory

from catalog.models import BadgeSubject, Condition, Listing
from certification.models import (
    Certificate,
    CertificateStatus,
    PremiumRate,
    Scheme,
    WarrantyPlan,
)
from certification.services.warranty import SaleRecord, policy_issue_for_sale
from marketplace.models import OrganisationKind
from tests.catalog.factories import ListingFactory
from tests.marketplace.factories import MembershipFactory, OrganisationFactory, UserFactory

_sales = itertools.count(1)


class InsurerFactory(OrganisationFactory):
    kind = OrganisationKind.INSURER
    name = factory.Sequence(lambda n: f"Insurer {n}")
    slug = factory.Sequence(lambda n: f"insurer-{n}")


class WarrantySchemeFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Scheme

    certifier = factory.SubFactory(
        OrganisationFactory,
        kind=OrganisationKind.CERTIFIER,
        slug=factory.Sequence(lambda n: f"warranty-certifier-{n}"),
    )
    name = factory.Sequence(lambda n: f"Warranty scheme {n}")
    slug = factory.Sequence(lambda n: f"warranty-scheme-{n}")
    badge_label = "Certified reman"
    subject = BadgeSubject.LISTING
    criteria = "Bench test report for every unit."


class CertificateFactory(factory.django.DjangoModelFactory):
    """A listing certificate, valid from a month ago for a year."""

    class Meta:
        model = Certificate

    number = factory.Sequence(lambda n: f"WCERT-{n:06d}")
    scheme = factory.SubFactory(WarrantySchemeFactory)
    subject = BadgeSubject.LISTING
    listing = factory.SubFactory(ListingFactory, condition=Condition.REMANUFACTURED, grade="")
    issued_on = factory.LazyFunction(lambda: date.today() - timedelta(days=30))
    expires_on = factory.LazyFunction(lambda: date.today() + timedelta(days=335))
    status = CertificateStatus.ACTIVE


class WarrantyPlanFactory(factory.django.DjangoModelFactory):
    """12 months, 500 per claim, 1,000 in total, 50 excess, 10 % with a 5.00 minimum."""

    class Meta:
        model = WarrantyPlan

    insurer = factory.SubFactory(InsurerFactory)
    scheme = factory.SubFactory(WarrantySchemeFactory)
    name = factory.Sequence(lambda n: f"Reman cover {n}")
    currency = "USD"
    cover_months = 12
    max_payout_per_claim = Decimal("500.00")
    max_payout_total = Decimal("1000.00")
    excess = Decimal("50.00")
    default_rate = Decimal("0.1000")
    minimum_premium = Decimal("5.00")


class PremiumRateFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = PremiumRate

    plan = factory.SubFactory(WarrantyPlanFactory)
    condition = Condition.REMANUFACTURED
    rate = Decimal("0.0800")


def insurer_member(insurer):
    return MembershipFactory(organisation=insurer).user


def sale_of(
    certified: Certificate | Listing, plan: WarrantyPlan, holder=None, **overrides
) -> SaleRecord:
    """A sale of a listing (or a listing certificate's listing) under `plan`, as `orders`
    would record it."""
    listing = certified.listing if isinstance(certified, Certificate) else certified
    values = {
        "sale_reference": f"order-{next(_sales)}-line-1",
        "listing_id": listing.pk,
        "quantity": 1,
        "unit_price": listing.price,
        "currency": listing.currency,
        "holder_id": (holder or UserFactory()).pk,
        "plan_id": plan.pk,
        "sold_on": date.today(),
        "seller_organisation_id": listing.seller_organisation_id,
        "seller_user_id": listing.seller_user_id,
    }
    return SaleRecord(**{**values, **overrides})


def covered_sale(*, plan=None, holder=None, **overrides):
    """An issued policy: a certified listing, a plan under its scheme, one unit sold today.
    Returns (policy, plan, certificate)."""
    certificate = CertificateFactory()
    plan = plan or WarrantyPlanFactory(scheme=certificate.scheme)
    if plan.scheme_id != certificate.scheme_id:
        certificate = CertificateFactory(scheme=plan.scheme)
    [policy] = policy_issue_for_sale(sale=sale_of(certificate, plan, holder, **overrides))
    return policy, plan, certificate

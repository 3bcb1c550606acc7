"""A seller includes a warranty plan in a listing's price; anyone reads a listing's offers."""

from datetime import date
from decimal import Decimal

import pytest

from catalog.models import BadgeSubject, Condition, ListingStatus
from catalog.services import Seller
from certification.models import CertificateStatus, IncludedWarranty
from certification.offers import warranty_offers
from certification.services.included_warranty import included_warranty_set
from marketplace.errors import DomainError, NotPermitted
from marketplace.models import OrganisationKind
from tests.catalog.factories import ListingFactory
from tests.certification.warranty_factories import (
    CertificateFactory,
    WarrantyPlanFactory,
    WarrantySchemeFactory,
)
from tests.conftest import client_for
from tests.marketplace.factories import MembershipFactory, OrganisationFactory, UserFactory

pytestmark = pytest.mark.django_db
OFFERS = "/api/v1/listings/{}/warranty-offers/"
INCLUDED = "/api/v1/inventory/listings/{}/included-warranty/"


@pytest.fixture
def certified():
    """A remanufactured listing holding a certificate, and a plan under the same scheme."""
    certificate = CertificateFactory(listing__price=Decimal("200.00"))
    plan = WarrantyPlanFactory(scheme=certificate.scheme)
    return certificate.listing, plan


def seller_of(listing) -> Seller:
    return Seller(organisation=listing.seller_organisation)


# The service


def test_a_seller_includes_an_eligible_plan_and_it_becomes_the_only_offer(certified):
    # given a listing eligible for two plans of its scheme
    listing, plan = certified
    WarrantyPlanFactory(scheme=plan.scheme, default_rate=Decimal("0.0100"))

    # when the seller includes the dearer one
    included = included_warranty_set(listing=listing, seller=seller_of(listing), plan=plan)

    # then the buyer is offered only it, marked as included
    assert included.plan == plan
    [offer] = warranty_offers([listing], on=date.today())[listing.pk]
    assert (offer.plan_id, offer.included_by_seller) == (plan.pk, True)


def test_including_again_replaces_and_none_removes(certified):
    listing, plan = certified
    other = WarrantyPlanFactory(scheme=plan.scheme)
    seller = seller_of(listing)

    included_warranty_set(listing=listing, seller=seller, plan=plan)
    included_warranty_set(listing=listing, seller=seller, plan=other)
    assert IncludedWarranty.objects.get(listing=listing).plan == other

    assert included_warranty_set(listing=listing, seller=seller, plan=None) is None
    assert included_warranty_set(listing=listing, seller=seller, plan=None) is None
    assert not IncludedWarranty.objects.filter(listing=listing).exists()


def test_only_the_listings_seller_may_include_a_plan(certified):
    listing, plan = certified
    stranger = Seller(organisation=OrganisationFactory(kind=OrganisationKind.DISMANTLER))

    with pytest.raises(NotPermitted):
        included_warranty_set(listing=listing, seller=stranger, plan=plan)
    assert not IncludedWarranty.objects.exists()


@pytest.mark.parametrize(
    "unfit",
    [
        pytest.param({"active": False}, id="inactive plan"),
        pytest.param({"currency": "EUR"}, id="another currency"),
        pytest.param({"scheme": None}, id="no certificate of the plan's scheme"),
    ],
)
def test_a_plan_the_listing_cannot_have_is_refused_naming_the_plan(certified, unfit):
    listing, plan = certified
    if unfit.get("scheme", "") is None:
        unfit = {"scheme": WarrantySchemeFactory()}
    type(plan).objects.filter(pk=plan.pk).update(**unfit)
    plan.refresh_from_db()

    with pytest.raises(DomainError) as refused:
        included_warranty_set(listing=listing, seller=seller_of(listing), plan=plan)

    assert "plan" in refused.value.fields
    assert not IncludedWarranty.objects.exists()


def test_a_revoked_certificate_makes_the_plan_ineligible(certified):
    listing, plan = certified
    plan.scheme.certificates.update(status=CertificateStatus.REVOKED)

    with pytest.raises(DomainError):
        included_warranty_set(listing=listing, seller=seller_of(listing), plan=plan)


def test_a_sellers_certificate_makes_its_listings_eligible():
    seller = OrganisationFactory(kind=OrganisationKind.DISMANTLER)
    scheme = WarrantySchemeFactory(subject=BadgeSubject.SELLER)
    CertificateFactory(
        scheme=scheme, subject=BadgeSubject.SELLER, listing=None, seller_organisation=seller
    )
    plan = WarrantyPlanFactory(scheme=scheme)
    listing = ListingFactory(seller_organisation=seller, condition=Condition.RECYCLED)

    included = included_warranty_set(listing=listing, seller=Seller(organisation=seller), plan=plan)

    assert included.listing == listing


# The API


def test_the_seller_includes_and_removes_a_plan_through_the_api(certified):
    listing, plan = certified
    client = client_for(MembershipFactory(organisation=listing.seller_organisation).user)

    included = client.put(INCLUDED.format(listing.pk), {"plan": plan.pk}, format="json")
    removed = client.put(INCLUDED.format(listing.pk), {"plan": None}, format="json")

    assert included.status_code == 200, included.json()
    body = included.json()
    assert body["included_plan"] == plan.pk
    assert body["offers"][0]["included_by_seller"] is True
    assert body["offers"][0]["premium_per_unit"] == "20.00"
    assert removed.status_code == 200
    assert removed.json()["included_plan"] is None
    assert not IncludedWarranty.objects.exists()


def test_an_individual_seller_includes_a_plan_on_their_own_listing():
    user = UserFactory()
    scheme = WarrantySchemeFactory()
    listing = ListingFactory(seller_organisation=None, seller_user=user)
    CertificateFactory(scheme=scheme, listing=listing)
    plan = WarrantyPlanFactory(scheme=scheme)

    answer = client_for(user).put(INCLUDED.format(listing.pk), {"plan": plan.pk}, format="json")

    assert answer.status_code == 200, answer.json()
    assert IncludedWarranty.objects.get().listing == listing


def test_another_sellers_listing_is_a_404_and_nothing_changes(certified):
    listing, plan = certified
    other = MembershipFactory(
        organisation=OrganisationFactory(kind=OrganisationKind.DISMANTLER)
    ).user

    answer = client_for(other).put(INCLUDED.format(listing.pk), {"plan": plan.pk}, format="json")

    assert answer.status_code == 404
    assert not IncludedWarranty.objects.exists()


def test_an_ineligible_or_unknown_plan_is_a_400_naming_the_plan(certified):
    listing, _ = certified
    client = client_for(MembershipFactory(organisation=listing.seller_organisation).user)
    elsewhere = WarrantyPlanFactory()

    ineligible = client.put(INCLUDED.format(listing.pk), {"plan": elsewhere.pk}, format="json")
    unknown = client.put(INCLUDED.format(listing.pk), {"plan": 999999}, format="json")
    missing = client.put(INCLUDED.format(listing.pk), {}, format="json")

    for answer in (ineligible, unknown, missing):
        assert answer.status_code == 400
        assert "plan" in answer.json()["error"]["fields"]
    assert ineligible.json()["error"]["code"] == "not_eligible"


def test_anyone_reads_the_offers_of_a_published_listing_cheapest_first(certified, api_client):
    listing, plan = certified
    cheap = WarrantyPlanFactory(scheme=plan.scheme, default_rate=Decimal("0.0200"))

    answer = api_client.get(OFFERS.format(listing.pk))

    assert answer.status_code == 200
    body = answer.json()
    assert body["included_plan"] is None
    assert [o["plan_id"] for o in body["offers"]] == [cheap.pk, plan.pk]
    assert [o["premium_per_unit"] for o in body["offers"]] == ["5.00", "20.00"]


def test_the_offers_of_a_draft_are_a_404(certified, api_client):
    listing, _ = certified
    type(listing).objects.filter(pk=listing.pk).update(status=ListingStatus.DRAFT)

    assert api_client.get(OFFERS.format(listing.pk)).status_code == 404

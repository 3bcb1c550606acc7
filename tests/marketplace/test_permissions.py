from types import SimpleNamespace

import pytest

from catalog.models import Listing
from marketplace.api.permissions import IsMemberOfOwner
from tests.catalog.factories import ListingFactory, PartTypeFactory
from tests.conftest import client_for
from tests.marketplace.factories import MembershipFactory, OrganisationFactory

pytestmark = pytest.mark.django_db

PAYLOAD = {"seller_sku": "X-1", "condition": "recycled", "price": "10.00"}


@pytest.fixture
def two_hat_user(dismantler, other_dismantler):
    user = MembershipFactory(organisation=dismantler).user
    MembershipFactory(user=user, organisation=other_dismantler)
    return user


def test_member_of_several_organisations_must_name_the_one_they_act_for(two_hat_user):
    response = client_for(two_hat_user).post(
        "/api/v1/inventory/listings/",
        {**PAYLOAD, "part_type": PartTypeFactory().code},
        format="json",
    )

    assert response.status_code == 400
    assert response.json()["error"]["code"] == "organisation_required"


def test_organisation_header_chooses_the_seller(two_hat_user, other_dismantler):
    client = client_for(two_hat_user)

    response = client.post(
        "/api/v1/inventory/listings/",
        {**PAYLOAD, "part_type": PartTypeFactory().code},
        format="json",
        HTTP_X_ORGANISATION=other_dismantler.slug,
    )

    assert response.status_code == 201, response.content
    assert Listing.objects.get().seller_organisation == other_dismantler


def test_organisation_header_naming_a_stranger_organisation_is_refused(dismantler_owner):
    stranger = OrganisationFactory()

    response = client_for(dismantler_owner).post(
        "/api/v1/inventory/listings/",
        {**PAYLOAD, "part_type": PartTypeFactory().code},
        format="json",
        HTTP_X_ORGANISATION=stranger.slug,
    )

    assert response.status_code == 403
    assert not Listing.objects.exists()


def test_is_member_of_owner_allows_members_and_the_individual_owner_only(
    dismantler, dismantler_owner, other_dismantler_owner, individual
):
    business = ListingFactory(seller_organisation=dismantler)
    own = ListingFactory(seller_organisation=None, seller_user=individual, grade="")
    check = IsMemberOfOwner().has_object_permission

    def allowed(user, obj) -> bool:
        return check(SimpleNamespace(user=user), None, obj)

    assert allowed(dismantler_owner, business)
    assert not allowed(other_dismantler_owner, business)
    assert allowed(individual, own)
    assert not allowed(dismantler_owner, own)

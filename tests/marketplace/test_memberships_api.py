import pytest

from marketplace.models import Membership
from tests.conftest import client_for
from tests.marketplace.factories import MembershipFactory, OrganisationFactory, UserFactory

pytestmark = pytest.mark.django_db


def test_owner_adds_staff_by_email(dismantler, dismantler_owner):
    staff = UserFactory()

    response = client_for(dismantler_owner).post(
        "/api/v1/memberships/",
        {"organisation": dismantler.slug, "email": staff.email, "role": "staff"},
    )

    assert response.status_code == 201, response.content
    assert Membership.objects.get(user=staff).organisation == dismantler


def test_staff_cannot_add_members(dismantler):
    staff = MembershipFactory(organisation=dismantler, role="staff").user

    response = client_for(staff).post(
        "/api/v1/memberships/", {"organisation": dismantler.slug, "email": UserFactory().email}
    )

    assert response.status_code == 403


def test_user_of_another_organisation_cannot_see_or_change_memberships(
    dismantler, dismantler_owner, other_dismantler, other_dismantler_owner
):
    membership = Membership.objects.get(user=dismantler_owner)
    intruder = client_for(other_dismantler_owner)

    listed = intruder.get("/api/v1/memberships/")
    deleted = intruder.delete(f"/api/v1/memberships/{membership.pk}/")
    added = intruder.post(
        "/api/v1/memberships/", {"organisation": dismantler.slug, "email": "x@example.com"}
    )
    seen = intruder.get(f"/api/v1/organisations/{dismantler.slug}/")

    assert [m["organisation"] for m in listed.json()["results"]] == [other_dismantler.slug]
    assert deleted.status_code == 404
    assert added.status_code == 404
    assert seen.status_code == 404
    assert Membership.objects.filter(pk=membership.pk).exists()


def test_last_owner_cannot_leave(dismantler, dismantler_owner):
    membership = Membership.objects.get(user=dismantler_owner)

    response = client_for(dismantler_owner).delete(f"/api/v1/memberships/{membership.pk}/")

    assert response.status_code == 409


def test_membership_list_query_count_does_not_grow(
    dismantler, dismantler_owner, django_assert_max_num_queries
):
    client = client_for(dismantler_owner)
    MembershipFactory.create_batch(3, organisation=dismantler, role="staff")
    with django_assert_max_num_queries(6):
        client.get("/api/v1/memberships/")
    MembershipFactory.create_batch(20, organisation=dismantler, role="staff")
    with django_assert_max_num_queries(6):
        response = client.get("/api/v1/memberships/")
    assert response.json()["count"] == 24


def test_organisation_list_query_count_does_not_grow(
    platform_operator, django_assert_max_num_queries
):
    client = client_for(platform_operator)
    OrganisationFactory.create_batch(2)
    with django_assert_max_num_queries(6):
        client.get("/api/v1/organisations/")
    OrganisationFactory.create_batch(30)
    with django_assert_max_num_queries(6):
        response = client.get("/api/v1/organisations/?kind=dismantler")
    assert response.json()["count"] == 32

import pytest

from marketplace.models import Membership, Organisation, OrganisationStatus, User
from tests.conftest import client_for

pytestmark = pytest.mark.django_db


def test_register_creates_individual_and_returns_token(api_client):
    response = api_client.post(
        "/api/v1/auth/register/",
        {"username": "dana", "email": "Dana@example.com", "password": "a long pass phrase"},
        format="json",
    )

    assert response.status_code == 201, response.content
    assert response.json()["organisation"] is None
    assert User.objects.get(username="dana").email == "dana@example.com"
    me = api_client.get("/api/v1/me/", HTTP_AUTHORIZATION=f"Token {response.json()['token']}")
    assert me.json()["memberships"] == []


def test_register_business_starts_pending_and_cannot_be_platform(api_client):
    payload = {
        "username": "owner1",
        "email": "owner1@example.com",
        "password": "a long pass phrase",
        "organisation": {"name": "Valley Auto Recyclers", "kind": "dismantler"},
    }

    response = api_client.post("/api/v1/auth/register/", payload, format="json")

    assert response.status_code == 201, response.content
    organisation = Organisation.objects.get(name="Valley Auto Recyclers")
    assert organisation.status == OrganisationStatus.PENDING
    assert Membership.objects.get(organisation=organisation).role == "owner"
    payload.update(username="owner2", email="owner2@example.com")
    payload["organisation"] = {"name": "Fake Platform", "kind": "platform"}
    refused = api_client.post("/api/v1/auth/register/", payload, format="json")
    assert refused.status_code == 400
    assert "organisation.kind" in refused.json()["error"]["fields"]
    assert not User.objects.filter(username="owner2").exists()


def test_register_rejects_weak_password_and_taken_username_naming_the_field(api_client):
    weak = api_client.post(
        "/api/v1/auth/register/",
        {"username": "erin", "email": "erin@example.com", "password": "123"},
        format="json",
    )
    assert weak.status_code == 400
    assert weak.json()["error"]["fields"]["password"]

    api_client.post(
        "/api/v1/auth/register/",
        {"username": "erin", "email": "erin@example.com", "password": "a long pass phrase"},
        format="json",
    )
    taken = api_client.post(
        "/api/v1/auth/register/",
        {"username": "ERIN", "email": "other@example.com", "password": "a long pass phrase"},
        format="json",
    )
    assert taken.status_code == 409
    assert list(taken.json()["error"]["fields"]) == ["username"]


def test_token_is_issued_for_right_password_only(api_client, individual):
    wrong = api_client.post(
        "/api/v1/auth/token/", {"username": individual.username, "password": "nope"}, format="json"
    )
    right = api_client.post(
        "/api/v1/auth/token/",
        {"username": individual.username, "password": "correct horse battery"},
        format="json",
    )

    assert wrong.status_code == 400
    assert wrong.json()["error"]["code"] == "invalid_credentials"
    assert right.status_code == 200
    assert right.json()["token"]


def test_unauthenticated_calls_get_401_in_the_error_shape(api_client):
    response = api_client.get("/api/v1/me/")

    assert response.status_code == 401
    assert response.json()["error"]["code"] == "not_authenticated"


def test_platform_operator_approves_pending_organisation(platform_operator, individual):
    client = client_for(individual)
    created = client.post(
        "/api/v1/organisations/register/", {"name": "Reman Co", "kind": "remanufacturer"}
    )
    slug = created.json()["slug"]

    forbidden = client.post(f"/api/v1/organisations/{slug}/approve/")
    approved = client_for(platform_operator).post(f"/api/v1/organisations/{slug}/approve/")
    again = client_for(platform_operator).post(f"/api/v1/organisations/{slug}/approve/")

    assert forbidden.status_code == 403
    assert approved.status_code == 200
    assert approved.json()["status"] == "approved"
    assert again.status_code == 409
    assert again.json()["error"]["code"] == "transition_not_allowed"

"""Opening an account through the page: errors by the field, nothing written on bad input."""

import pytest

from marketplace.models import Membership, Organisation, OrganisationStatus, User
from tests.marketplace.factories import UserFactory

pytestmark = pytest.mark.django_db

GOOD = {
    "username": "garage-lee",
    "email": "lee@example.com",
    "password": "a long enough passphrase",
    "password_again": "a long enough passphrase",
    "account_kind": "private",
    "country": "US",
}


def errors_of(response) -> dict:
    return {name: list(errors) for name, errors in response.context["form"].errors.items()}


def test_a_person_opens_an_account_and_is_signed_in(client):
    response = client.post("/accounts/sign-up/", GOOD, follow=True)

    assert response.redirect_chain == [("/", 302)]
    assert response.context["user"].username == "garage-lee"
    assert "You can buy and sell parts now" in response.content.decode()
    assert not Membership.objects.exists()


def test_a_business_opens_pending_with_its_owner_as_first_member(client):
    data = {**GOOD, "account_kind": "dismantler", "organisation_name": "Hill Auto Salvage",
            "city": "Denver"}  # fmt: skip

    client.post("/accounts/sign-up/", data)

    organisation = Organisation.objects.get()
    assert (organisation.name, organisation.kind, organisation.city) == (
        "Hill Auto Salvage", "dismantler", "Denver"
    )  # fmt: skip
    assert organisation.status == OrganisationStatus.PENDING
    assert Membership.objects.get().user.username == "garage-lee"


@pytest.mark.parametrize(
    ("change", "field", "reason"),
    [
        ({"password_again": "something else entirely"}, "password_again", "differ"),
        ({"username": "a b"}, "username", "letters, digits"),
        ({"email": "not-an-email"}, "email", "valid email"),
        ({"country": "usa"}, "country", "two capital letters"),
        ({"account_kind": "garage"}, "organisation_name", "Name the business"),
        ({"account_kind": "platform", "organisation_name": "Us"}, "account_kind", "valid choice"),
        ({"password": "12345678", "password_again": "12345678"}, "password", "too common"),
    ],
)
def test_bad_input_is_told_by_the_field_and_nothing_is_written(client, change, field, reason):
    response = client.post("/accounts/sign-up/", {**GOOD, **change})

    assert response.status_code == 400
    assert reason in " ".join(errors_of(response)[field])
    assert not User.objects.exists()
    assert not Organisation.objects.exists()


def test_a_taken_username_is_told_by_the_username_field(client):
    UserFactory(username="garage-lee")

    response = client.post("/accounts/sign-up/", {**GOOD, "email": "other@example.com"})

    assert response.status_code == 400
    assert errors_of(response)["username"] == ["This username is taken."]
    assert User.objects.count() == 1


def test_a_signed_in_user_is_sent_home(client):
    client.force_login(UserFactory())

    assert client.get("/accounts/sign-up/").url == "/"

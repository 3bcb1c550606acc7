import pytest

from catalog.models import ListingStatus
from tests.catalog.factories import ListingFactory

pytestmark = pytest.mark.django_db


def test_home_page_lists_active_listings_only(client, dismantler):
    ListingFactory(seller_organisation=dismantler, title="Alternator for a Civic")
    ListingFactory(seller_organisation=dismantler, title="Secret draft", status=ListingStatus.DRAFT)

    page = client.get("/").content.decode()

    assert "Alternator for a Civic" in page
    assert "Secret draft" not in page


def test_session_sign_in_shows_wrong_password_in_plain_words(client, individual):
    wrong = client.post("/accounts/login/", {"username": individual.username, "password": "x"})
    right = client.post(
        "/accounts/login/",
        {"username": individual.username, "password": "correct horse battery"},
    )

    assert wrong.status_code == 200
    assert "correct username and password" in wrong.content.decode()
    assert right.status_code == 302
    assert client.get("/api/v1/me/").json()["username"] == individual.username

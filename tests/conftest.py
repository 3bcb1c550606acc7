import pytest
from django.core.cache import cache
from rest_framework.authtoken.models import Token
from rest_framework.test import APIClient

from marketplace.models import OrganisationKind
from tests.marketplace.factories import MembershipFactory, OrganisationFactory, UserFactory


@pytest.fixture(autouse=True)
def _test_settings(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"
    # Hashing with the production hasher would spend most of the suite's time in PBKDF2.
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
    # The cache is Redis under `make test`: throttle counts must not carry over from earlier
    # tests or from the API fuzz run.
    cache.clear()


@pytest.fixture
def api_client() -> APIClient:
    return APIClient()


def client_for(user) -> APIClient:
    """An API client authenticated with `user`'s token, as an integrator would call."""
    token, _ = Token.objects.get_or_create(user=user)
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Token {token.key}")
    return client


@pytest.fixture
def dismantler(db):
    return OrganisationFactory(kind=OrganisationKind.DISMANTLER, name="North Yard")


@pytest.fixture
def dismantler_owner(dismantler):
    return MembershipFactory(organisation=dismantler).user


@pytest.fixture
def other_dismantler(db):
    return OrganisationFactory(kind=OrganisationKind.DISMANTLER, name="South Yard")


@pytest.fixture
def other_dismantler_owner(other_dismantler):
    return MembershipFactory(organisation=other_dismantler).user


@pytest.fixture
def platform_operator(db):
    platform = OrganisationFactory(kind=OrganisationKind.PLATFORM, name="Platform")
    return MembershipFactory(organisation=platform).user


@pytest.fixture
def individual(db):
    return UserFactory()

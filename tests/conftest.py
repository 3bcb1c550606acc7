import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import pytest
from rest_framework.authtoken.models import Token
from rest_framework.test import APIClient

from marketplace.models import OrganisationKind
from tests.marketplace.factories import MembershipFactory, OrganisationFactory, UserFactory


@pytest.fixture(autouse=True)
def _test_settings(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"
    # Hashing with the production hasher would spend most of the suite's time in PBKDF2.
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


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


WORKER_MEDIA_ROOT = Path(tempfile.gettempdir()) / "marketplace-worker-media"


@pytest.fixture(scope="session")
def celery_worker(django_db_setup, django_db_blocker):
    """A real Celery worker process consuming from Redis against the test database.

    Tests that use it must be `transaction=True` so that the worker sees their rows, and set
    `settings.MEDIA_ROOT = WORKER_MEDIA_ROOT` so that both read the same uploaded files.
    """
    from django.conf import settings as django_settings
    from django.db import connection

    from marketplace.celery import app

    broker = django_settings.CELERY_BROKER_URL
    if not broker:
        pytest.skip("CELERY_BROKER_URL is not set: no broker for a real worker")
    database = connection.settings_dict
    env = {
        **os.environ,
        "DATABASE_URL": (
            f"postgres://{database['USER']}:{database['PASSWORD']}@{database['HOST']}:"
            f"{database['PORT']}/{database['NAME']}"
        ),
        "DJANGO_MEDIA_ROOT": str(WORKER_MEDIA_ROOT),
    }
    worker = subprocess.Popen(
        [sys.executable, "-m", "celery", "-A", "marketplace", "worker", "--pool=solo",
         "--concurrency=1", "--loglevel=warning", "--without-gossip", "--without-mingle"],
        env=env,
    )  # fmt: skip
    try:
        deadline = time.monotonic() + 30
        while not app.control.ping(timeout=0.5):
            if time.monotonic() > deadline or worker.poll() is not None:
                pytest.fail("the Celery worker did not start")
        yield worker
    finally:
        worker.terminate()
        worker.wait(timeout=10)

import pytest
from django.apps import apps
from django.contrib import admin
from django.contrib.messages import get_messages
from django.urls import reverse

from marketplace.models import Membership, Organisation, OrganisationStatus, User
from tests.marketplace.factories import MembershipFactory, OrganisationFactory

pytestmark = pytest.mark.django_db

MARKETPLACE_MODELS = list(apps.get_app_config("marketplace").get_models())


def _url(model, view: str, *args) -> str:
    return reverse(f"admin:{model._meta.app_label}_{model._meta.model_name}_{view}", args=args)


@pytest.fixture
def party_rows(db) -> dict[type, object]:
    membership = MembershipFactory()
    return {User: membership.user, Organisation: membership.organisation, Membership: membership}


def test_every_marketplace_model_has_an_admin():
    assert [model for model in MARKETPLACE_MODELS if not admin.site.is_registered(model)] == []


@pytest.mark.parametrize("model", MARKETPLACE_MODELS, ids=lambda model: model.__name__)
def test_admin_pages_render_with_rows(admin_client, party_rows, model):
    row = party_rows[model]

    changelist = admin_client.get(_url(model, "changelist"))
    add = admin_client.get(_url(model, "add"))
    change = admin_client.get(_url(model, "change", row.pk))

    assert (changelist.status_code, add.status_code, change.status_code) == (200, 200, 200)
    assert changelist.context["cl"].result_count >= 1


def test_user_page_lists_the_users_memberships(admin_client, party_rows):
    response = admin_client.get(_url(User, "change", party_rows[User].pk))

    assert party_rows[Organisation].name in response.content.decode()


def test_user_add_asks_for_the_email_and_saves_it(admin_client):
    response = admin_client.post(
        _url(User, "add"),
        {
            "username": "clerk",
            "email": "clerk@example.com",
            "usable_password": "true",
            "password1": "a long enough passphrase",
            "password2": "a long enough passphrase",
            "memberships-TOTAL_FORMS": "0",
            "memberships-INITIAL_FORMS": "0",
        },
    )

    assert response.status_code == 302, response.context["adminform"].form.errors
    assert User.objects.get(username="clerk").email == "clerk@example.com"


def test_organisation_search_finds_by_name_slug_and_email(admin_client):
    yard = OrganisationFactory(name="Rust Belt Salvage", slug="rust-belt", email="desk@rb.example")
    OrganisationFactory(name="Other Yard")

    for term in ("Rust Belt", "rust-belt", "desk@rb"):
        response = admin_client.get(_url(Organisation, "changelist"), {"q": term})
        assert list(response.context["cl"].result_list) == [yard], term


def _run_action(client, action: str, organisation: Organisation):
    return client.post(
        _url(Organisation, "changelist"),
        {"action": action, "_selected_action": [organisation.pk]},
        follow=True,
    )


def test_approve_action_moves_a_pending_organisation_to_approved(admin_client, admin_user):
    pending = OrganisationFactory(status=OrganisationStatus.PENDING)

    response = _run_action(admin_client, "approve", pending)

    pending.refresh_from_db()
    assert response.status_code == 200
    assert pending.status == OrganisationStatus.APPROVED
    assert pending.status_changed_by == admin_user
    assert pending.status_changed_at is not None


def test_suspend_action_reports_a_forbidden_transition_and_changes_nothing(admin_client):
    pending = OrganisationFactory(status=OrganisationStatus.PENDING)

    response = _run_action(admin_client, "suspend", pending)

    pending.refresh_from_db()
    assert pending.status == OrganisationStatus.PENDING
    assert any("cannot go from" in str(m) for m in get_messages(response.wsgi_request))


def test_organisation_status_cannot_be_edited_in_the_form(admin_client):
    pending = OrganisationFactory(status=OrganisationStatus.PENDING)

    response = admin_client.get(_url(Organisation, "change", pending.pk))

    assert 'name="status"' not in response.content.decode()

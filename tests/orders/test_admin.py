"""The orders admin: every model has a page, and records written by services cannot be added."""

import pytest
from django.apps import apps
from django.contrib import admin
from django.urls import reverse

pytestmark = pytest.mark.django_db

SERVICE_WRITTEN = {"order", "payment", "payout", "returncase", "coreobligation",
                   "ledgeraccount", "ledgertransaction"}  # fmt: skip


ORDERS_ADMINS = sorted(
    (model for model in admin.site._registry if model._meta.app_label == "orders"), key=str
)


@pytest.mark.parametrize("model", ORDERS_ADMINS, ids=lambda model: model._meta.model_name)
def test_every_orders_admin_page_renders_and_service_records_cannot_be_added(admin_client, model):
    name = f"admin:orders_{model._meta.model_name}"

    listing = admin_client.get(reverse(f"{name}_changelist"))
    adding = admin_client.get(reverse(f"{name}_add"))

    assert listing.status_code == 200
    if model._meta.model_name in SERVICE_WRITTEN:
        assert adding.status_code == 403


def test_the_returns_and_ledger_models_have_an_admin():
    names = {"returncase", "coreobligation", "sellerreturnpolicy", "ledgeraccount"}
    registered = {m._meta.model_name for m in apps.get_app_config("orders").get_models()
                  if admin.site.is_registered(m)}  # fmt: skip
    assert names <= registered

"""The credit API: the caller's balances and statements, the CSV export, goodwill grants."""

import csv
import io
from decimal import Decimal

import pytest

from marketplace.models import OrganisationKind
from orders.models import AccountKind, LedgerEntry
from orders.services.ledger import Posting, account_for, ledger_post, platform_account
from tests.conftest import client_for
from tests.marketplace.factories import MembershipFactory, OrganisationFactory

pytestmark = pytest.mark.django_db


def credit(account, amount: str, key: str, kind: str = "goodwill"):
    source = platform_account(AccountKind.GOODWILL, account.currency)
    return ledger_post(
        idempotency_key=key, kind=kind, description=f"{kind} {key}",
        postings=[Posting(account, Decimal(amount)), Posting(source, -Decimal(amount))],
    )  # fmt: skip


def spend(account, amount: str, key: str):
    applied = platform_account(AccountKind.CREDIT_APPLIED, account.currency)
    return ledger_post(
        idempotency_key=key, kind="credit_spent", description=f"Spent {key}",
        postings=[Posting(account, -Decimal(amount)), Posting(applied, Decimal(amount))],
    )  # fmt: skip


def buyer_credit_of(organisation=None, user=None, currency="USD"):
    return account_for(
        AccountKind.BUYER_CREDIT, currency=currency, organisation=organisation, user=user
    )


@pytest.fixture
def garage_client(garage_buyer):
    return client_for(garage_buyer.user)


def test_a_garage_member_sees_the_garage_credit_balance_and_not_another_garage(
    garage, garage_client
):
    # given two garages with credit
    credit(buyer_credit_of(garage), "40.00", "g:1")
    credit(buyer_credit_of(garage, currency="EUR"), "5.00", "g:2")
    other = OrganisationFactory(kind=OrganisationKind.GARAGE)
    credit(buyer_credit_of(other), "999.00", "g:3")

    # when the member asks for the garage's balances
    response = garage_client.get("/api/v1/credit/")

    # then only the garage's accounts are listed
    assert response.status_code == 200
    assert [(a["kind"], a["currency"], a["balance"]) for a in response.json()["results"]] == [
        ("buyer_credit", "EUR", "5.00"),
        ("buyer_credit", "USD", "40.00"),
    ]


def test_an_individual_sees_their_own_credit(consumer):
    credit(buyer_credit_of(user=consumer.user), "12.50", "c:1")

    response = client_for(consumer.user).get("/api/v1/credit/")

    assert [a["balance"] for a in response.json()["results"]] == ["12.50"]


def test_a_seller_sees_its_receivable_with_the_kind_filter(dismantler, dismantler_owner):
    receivable = account_for(AccountKind.SELLER_RECEIVABLE, currency="USD", organisation=dismantler)
    deposits = platform_account(AccountKind.CORE_DEPOSITS, "USD")
    ledger_post(
        idempotency_key="core_return:1:forfeited", kind="deposit_forfeited",
        description="Core deposit forfeited",
        postings=[Posting(receivable, Decimal("80.00")), Posting(deposits, Decimal("-80.00"))],
    )  # fmt: skip
    credit(buyer_credit_of(dismantler), "3.00", "d:1")

    response = client_for(dismantler_owner).get("/api/v1/credit/?kind=seller_receivable")

    assert [(a["kind"], a["balance"]) for a in response.json()["results"]] == [
        ("seller_receivable", "80.00")
    ]


def test_the_statement_lists_entries_newest_first_with_a_running_balance(garage, garage_client):
    account = buyer_credit_of(garage)
    credit(account, "40.00", "g:1", kind="core_credit")
    spend(account, "15.50", "s:1")
    credit(account, "2.00", "g:2")

    response = garage_client.get("/api/v1/credit/statement/?currency=USD")

    assert response.status_code == 200
    rows = [(r["kind"], r["amount"], r["balance_after"]) for r in response.json()["results"]]
    assert rows == [
        ("goodwill", "2.00", "26.50"),
        ("credit_spent", "-15.50", "24.50"),
        ("core_credit", "40.00", "40.00"),
    ]
    assert response.json()["results"][0]["description"] == "goodwill g:2"


def test_another_buyers_statement_is_empty(garage, garage_client):
    other = OrganisationFactory(kind=OrganisationKind.GARAGE)
    credit(buyer_credit_of(other), "999.00", "o:1")

    response = garage_client.get("/api/v1/credit/statement/?currency=USD")

    assert response.status_code == 200
    assert response.json()["results"] == []


def test_the_statement_needs_a_known_currency(garage_client):
    response = garage_client.get("/api/v1/credit/statement/?currency=ZZZ")

    assert response.status_code == 400
    assert "currency" in response.json()["error"]["fields"]


def test_the_statement_costs_the_same_queries_whatever_its_length(
    garage, garage_client, django_assert_max_num_queries
):
    account = buyer_credit_of(garage)
    for index in range(30):
        credit(account, "1.00", f"g:{index}")

    with django_assert_max_num_queries(8):
        response = garage_client.get("/api/v1/credit/statement/?currency=USD&page_size=100")
    with django_assert_max_num_queries(8):
        garage_client.get("/api/v1/credit/")

    assert len(response.json()["results"]) == 30


def read_csv(response) -> list[list[str]]:
    return list(csv.reader(io.StringIO(b"".join(response.streaming_content).decode())))


def test_the_csv_export_streams_every_entry_of_the_range_oldest_first(garage, garage_client):
    account = buyer_credit_of(garage)
    credit(account, "40.00", "g:1", kind="core_credit")
    spend(account, "15.50", "s:1")
    other = OrganisationFactory(kind=OrganisationKind.GARAGE)
    credit(buyer_credit_of(other), "999.00", "o:1")

    response = garage_client.get("/api/v1/credit/statement.csv?currency=USD")

    assert response.status_code == 200
    assert response["Content-Type"] == "text/csv"
    rows = read_csv(response)
    assert rows[0] == ["date", "kind", "description", "amount", "balance"]
    assert [row[1:] for row in rows[1:]] == [
        ["core_credit", "core_credit g:1", "40.00", "40.00"],
        ["credit_spent", "Spent s:1", "-15.50", "24.50"],
    ]


def test_the_csv_export_keeps_to_the_date_range(garage, garage_client):
    credit(buyer_credit_of(garage), "40.00", "g:1")

    inside = garage_client.get("/api/v1/credit/statement.csv?currency=USD&from=2000-01-01")
    before = garage_client.get(
        "/api/v1/credit/statement.csv?currency=USD&from=2000-01-01&to=2000-12-31"
    )

    assert len(read_csv(inside)) == 2
    assert len(read_csv(before)) == 1
    assert garage_client.get("/api/v1/credit/statement.csv?currency=USD&to=soon").status_code == 400


def test_an_operator_grants_goodwill_once_per_key(garage, platform_operator):
    body = {
        "organisation": garage.slug, "amount": "25.00", "currency": "USD",
        "reason": "Late delivery", "idempotency_key": "ticket-1",
    }  # fmt: skip
    client = client_for(platform_operator)

    first = client.post("/api/v1/credit/goodwill/", body, format="json")
    again = client.post("/api/v1/credit/goodwill/", body, format="json")
    other = client.post("/api/v1/credit/goodwill/", {**body, "amount": "30.00"}, format="json")

    assert first.status_code == again.status_code == 201
    assert first.json()["id"] == again.json()["id"]
    assert first.json()["idempotency_key"] == "goodwill:ticket-1"
    assert other.status_code == 409
    assert other.json()["error"]["code"] == "idempotency_key_reused"
    assert buyer_credit_of(garage).balance == Decimal("25.00")


def test_an_operator_grants_goodwill_to_an_individual(consumer, platform_operator):
    body = {
        "user": consumer.user.pk, "amount": "5.00", "currency": "EUR",
        "reason": "Sorry", "idempotency_key": "ticket-2",
    }  # fmt: skip

    response = client_for(platform_operator).post("/api/v1/credit/goodwill/", body, format="json")

    assert response.status_code == 201
    assert buyer_credit_of(user=consumer.user, currency="EUR").balance == Decimal("5.00")


@pytest.mark.parametrize(
    "change, field",
    [
        ({"amount": "0.00"}, "amount"),
        ({"amount": "-5.00"}, "amount"),
        ({"organisation": "no-such-garage"}, "organisation"),
        ({"user": "operator"}, "organisation"),  # both an organisation and a user
        ({"currency": "ZZZ"}, "currency"),
    ],
)
def test_goodwill_with_bad_input_is_refused_with_the_field(
    garage, platform_operator, change, field
):
    body = {
        "organisation": garage.slug, "amount": "25.00", "currency": "USD",
        "reason": "Late delivery", "idempotency_key": "ticket-3", **change,
    }  # fmt: skip
    if body.get("user") == "operator":
        body["user"] = platform_operator.pk

    response = client_for(platform_operator).post("/api/v1/credit/goodwill/", body, format="json")

    assert response.status_code == 400
    assert field in response.json()["error"]["fields"]
    assert not LedgerEntry.objects.exists()


def test_only_a_platform_operator_grants_goodwill(garage, garage_client):
    body = {
        "organisation": garage.slug, "amount": "25.00", "currency": "USD",
        "reason": "Myself", "idempotency_key": "ticket-4",
    }  # fmt: skip

    response = garage_client.post("/api/v1/credit/goodwill/", body, format="json")

    assert response.status_code == 403
    assert not LedgerEntry.objects.exists()


def test_a_member_of_several_organisations_names_the_one_whose_credit_they_read(garage):
    user = MembershipFactory(organisation=garage).user
    other = OrganisationFactory(kind=OrganisationKind.GARAGE)
    MembershipFactory(organisation=other, user=user)
    credit(buyer_credit_of(other), "7.00", "o:1")

    response = client_for(user).get("/api/v1/credit/", HTTP_X_ORGANISATION=other.slug)

    assert [a["balance"] for a in response.json()["results"]] == ["7.00"]

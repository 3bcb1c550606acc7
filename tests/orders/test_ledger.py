"""The credit ledger: balanced, append-only, idempotent, never overdrawn."""

from decimal import Decimal

import pytest
from django.db import IntegrityError, connection, transaction

from orders.models import AccountKind, LedgerEntry, LedgerTransaction
from orders.services.ledger import (
    IdempotencyKeyReused,
    InsufficientCredit,
    Posting,
    account_for,
    balance_from_entries,
    ledger_post,
    platform_account,
)
from tests.marketplace.factories import OrganisationFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def garage_credit():
    return account_for(
        AccountKind.BUYER_CREDIT, currency="USD", organisation=OrganisationFactory(kind="garage")
    )


def grant(account, amount: str, key: str):
    goodwill = platform_account(AccountKind.GOODWILL, "USD")
    return ledger_post(
        idempotency_key=key, kind="goodwill", description="Goodwill",
        postings=[Posting(account, Decimal(amount)), Posting(goodwill, -Decimal(amount))],
    )  # fmt: skip


def spend(account, amount: str, key: str):
    applied = platform_account(AccountKind.CREDIT_APPLIED, "USD")
    return ledger_post(
        idempotency_key=key, kind="spend", description="Spent at checkout",
        postings=[Posting(account, -Decimal(amount)), Posting(applied, Decimal(amount))],
    )  # fmt: skip


def test_a_balance_is_the_sum_of_its_entries_and_never_goes_below_zero(garage_credit):
    grant(garage_credit, "40.00", "goodwill:1")
    spend(garage_credit, "15.50", "spend:1")

    with pytest.raises(InsufficientCredit):
        spend(garage_credit, "24.51", "spend:2")

    garage_credit.refresh_from_db()
    assert garage_credit.balance == balance_from_entries(garage_credit) == Decimal("24.50")


def test_the_same_key_returns_the_first_posting_and_other_content_is_refused(garage_credit):
    first = grant(garage_credit, "10.00", "goodwill:7")

    assert grant(garage_credit, "10.00", "goodwill:7").pk == first.pk
    with pytest.raises(IdempotencyKeyReused):
        grant(garage_credit, "12.00", "goodwill:7")
    garage_credit.refresh_from_db()
    assert garage_credit.balance == Decimal("10.00")


@pytest.mark.skipif("connection.vendor != 'postgresql'", reason="triggers tested on PostgreSQL")
def test_the_database_refuses_to_change_or_delete_an_entry(garage_credit):
    grant(garage_credit, "10.00", "goodwill:9")
    entry = LedgerEntry.objects.filter(account=garage_credit).get()

    for statement in (
        "UPDATE orders_ledgerentry SET amount = 1000 WHERE id = %s",
        "DELETE FROM orders_ledgerentry WHERE id = %s",
    ):
        with pytest.raises(IntegrityError), transaction.atomic(), connection.cursor() as cursor:
            cursor.execute(statement, [entry.pk])

    assert LedgerEntry.objects.get(pk=entry.pk).amount == Decimal("10.00")


@pytest.mark.skipif("connection.vendor != 'postgresql'", reason="triggers tested on PostgreSQL")
def test_the_database_refuses_to_change_or_delete_a_transaction(garage_credit):
    posted = grant(garage_credit, "10.00", "goodwill:10")

    for statement in (
        "UPDATE orders_ledgertransaction SET idempotency_key = 'forged' WHERE id = %s",
        "UPDATE orders_ledgertransaction SET description = 'forged' WHERE id = %s",
        "DELETE FROM orders_ledgertransaction WHERE id = %s",
    ):
        with pytest.raises(IntegrityError), transaction.atomic(), connection.cursor() as cursor:
            cursor.execute(statement, [posted.pk])

    assert LedgerTransaction.objects.get(pk=posted.pk).idempotency_key == "goodwill:10"


@pytest.mark.skipif("connection.vendor != 'postgresql'", reason="triggers tested on PostgreSQL")
@pytest.mark.django_db(transaction=True)
def test_a_transaction_that_does_not_balance_is_refused_at_commit(garage_credit):
    # given a transaction and a single entry written with raw SQL, past ledger_post's checks
    def insert_unbalanced():
        with transaction.atomic(), connection.cursor() as cursor:
            cursor.execute(
                "INSERT INTO orders_ledgertransaction "
                "(idempotency_key, kind, description, fingerprint, created_at) "
                "VALUES ('forged:1', 'goodwill', 'Money from nowhere', '', now()) RETURNING id"
            )
            (transaction_id,) = cursor.fetchone()
            cursor.execute(
                "INSERT INTO orders_ledgerentry "
                "(transaction_id, account_id, amount, currency, balance_after) "
                "VALUES (%s, %s, 500, 'USD', 500)",
                [transaction_id, garage_credit.pk],
            )

    # when it commits, then the deferred trigger refuses it and nothing stays
    with pytest.raises(IntegrityError, match="does not balance"):
        insert_unbalanced()
    assert not LedgerTransaction.objects.filter(idempotency_key="forged:1").exists()
    assert balance_from_entries(garage_credit) == Decimal("0.00")


@pytest.mark.skipif("connection.vendor != 'postgresql'", reason="triggers tested on PostgreSQL")
@pytest.mark.django_db(transaction=True)
def test_a_balanced_transaction_inserted_directly_is_accepted_at_commit(garage_credit):
    # The trigger refuses only what does not balance: the same raw insert with both sides goes in.
    goodwill = platform_account(AccountKind.GOODWILL, "USD")
    with transaction.atomic(), connection.cursor() as cursor:
        cursor.execute(
            "INSERT INTO orders_ledgertransaction "
            "(idempotency_key, kind, description, fingerprint, created_at) "
            "VALUES ('direct:1', 'goodwill', 'Both sides', '', now()) RETURNING id"
        )
        (transaction_id,) = cursor.fetchone()
        cursor.execute(
            "INSERT INTO orders_ledgerentry "
            "(transaction_id, account_id, amount, currency, balance_after) "
            "VALUES (%s, %s, 5, 'USD', 5), (%s, %s, -5, 'USD', -5)",
            [transaction_id, garage_credit.pk, transaction_id, goodwill.pk],
        )

    assert LedgerEntry.objects.filter(transaction_id=transaction_id).count() == 2

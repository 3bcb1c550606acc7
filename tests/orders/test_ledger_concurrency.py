"""The credit ledger under concurrent posting, with threads against PostgreSQL: a balance is
never overdrawn however many spends race for it, and one event posted at once from many places
is one transaction."""

import threading
from collections import Counter
from decimal import Decimal

import pytest
from django.db import connection

from orders.models import AccountKind, LedgerEntry, LedgerTransaction
from orders.services.ledger import (
    InsufficientCredit,
    Posting,
    account_for,
    balance_from_entries,
    ledger_post,
    platform_account,
)
from tests.marketplace.factories import OrganisationFactory

pytestmark = [
    pytest.mark.django_db(transaction=True),
    pytest.mark.skipif("connection.vendor != 'postgresql'", reason="row locks need PostgreSQL"),
]


def race(count: int, post) -> list:
    """Run `post(index)` in `count` threads released together; what each returned or raised."""
    start = threading.Barrier(count)
    outcomes: list = [None] * count

    def poster(index: int) -> None:
        try:
            start.wait()
            outcomes[index] = post(index)
        except Exception as error:  # noqa: BLE001 - every outcome is asserted on by the test
            outcomes[index] = error
        finally:
            connection.close()

    threads = [threading.Thread(target=poster, args=(index,)) for index in range(count)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    return outcomes


@pytest.fixture
def garage_credit():
    return account_for(
        AccountKind.BUYER_CREDIT, currency="USD", organisation=OrganisationFactory(kind="garage")
    )


def move(key: str, source, target, amount: str):
    return ledger_post(
        idempotency_key=key, kind="test", description=key,
        postings=[Posting(source, -Decimal(amount)), Posting(target, Decimal(amount))],
    )  # fmt: skip


def test_twenty_concurrent_spends_never_overdraw_the_balance(garage_credit):
    # given 75.00 of credit: enough for 7 spends of 10.00, not for 20
    goodwill = platform_account(AccountKind.GOODWILL, "USD")
    applied = platform_account(AccountKind.CREDIT_APPLIED, "USD")
    move("goodwill:1", goodwill, garage_credit, "75.00")

    # when 20 checkouts spend 10.00 each at the same moment
    outcomes = race(20, lambda i: move(f"checkout:{i}:credit_spent", garage_credit, applied, "10"))

    # then exactly 7 succeed, the rest are refused, and the balance is what the entries say
    kinds = Counter(type(outcome).__name__ for outcome in outcomes)
    assert kinds == {"LedgerTransaction": 7, "InsufficientCredit": 13}
    assert all(isinstance(o, LedgerTransaction | InsufficientCredit) for o in outcomes)
    garage_credit.refresh_from_db()
    assert garage_credit.balance == balance_from_entries(garage_credit) == Decimal("5.00")
    # and no entry ever recorded a balance below zero
    running = LedgerEntry.objects.filter(account=garage_credit).values_list(
        "balance_after", flat=True
    )
    assert min(running) >= 0
    assert sorted(running) == [Decimal(n) for n in ("5", "15", "25", "35", "45", "55", "65", "75")]


def test_the_same_key_posted_from_ten_threads_at_once_is_one_transaction(garage_credit):
    goodwill = platform_account(AccountKind.GOODWILL, "USD")

    outcomes = race(10, lambda i: move("core_return:1:accepted", goodwill, garage_credit, "30"))

    assert {getattr(outcome, "pk", outcome) for outcome in outcomes} == {
        LedgerTransaction.objects.get(idempotency_key="core_return:1:accepted").pk
    }
    assert LedgerEntry.objects.filter(account=garage_credit).count() == 1
    garage_credit.refresh_from_db()
    assert garage_credit.balance == balance_from_entries(garage_credit) == Decimal("30.00")

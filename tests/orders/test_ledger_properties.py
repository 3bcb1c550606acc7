"""The credit ledger as a state machine: after any sequence of grants, spends, reversals,
forfeits and replays of earlier keys (same or different content), every account's cached
balance is the sum of its entries and what a model of the ledger expects, no customer's
balance is below zero, every currency's entries sum to zero, and replays add nothing.

How it meets pytest-django: the test takes the `db` fixture (one transaction around the test)
and each Hypothesis example runs inside a savepoint of its own, opened when the machine is built
and rolled back in `teardown`, so every example starts from the empty ledger without the cost
of a `transaction=True` flush. `SET CONSTRAINTS ALL IMMEDIATE` makes PostgreSQL's deferred
balance trigger check every posting as it happens, since the test transaction never commits.
"""

from collections import defaultdict
from decimal import Decimal

import pytest
from django.db import connection, transaction
from django.db.models import Sum
from hypothesis import HealthCheck, settings
from hypothesis import strategies as st
from hypothesis.stateful import (
    Bundle,
    RuleBasedStateMachine,
    consumes,
    invariant,
    multiple,
    rule,
    run_state_machine_as_test,
)

from orders.models import NON_NEGATIVE_KINDS, AccountKind, LedgerAccount, LedgerEntry
from orders.services.ledger import (
    IdempotencyKeyReused,
    InsufficientCredit,
    Posting,
    account_for,
    ledger_post,
    platform_account,
)
from tests.marketplace.factories import OrganisationFactory, UserFactory

pytestmark = pytest.mark.skipif(
    "connection.vendor != 'postgresql'", reason="the ledger's database rules are PostgreSQL's"
)

amounts = st.integers(min_value=1, max_value=20_000).map(lambda cents: Decimal(cents) / 100)
currencies = st.sampled_from(["USD", "EUR"])


class LedgerMachine(RuleBasedStateMachine):
    postings = Bundle("postings")  # keys posted, with their content
    spends = Bundle("spends")  # spends not yet reversed

    def __init__(self):
        super().__init__()
        self._example = transaction.atomic()
        self._example.__enter__()
        with connection.cursor() as cursor:
            cursor.execute("SET CONSTRAINTS ALL IMMEDIATE")
        seller = OrganisationFactory()
        owners = {"garage": {"organisation": OrganisationFactory(kind="garage")},
                  "person": {"user": UserFactory()}}  # fmt: skip
        self.buyers = {
            (name, currency): account_for(AccountKind.BUYER_CREDIT, currency=currency, **owner)
            for name, owner in owners.items()
            for currency in ("USD", "EUR")
        }
        self.receivables = {
            currency: account_for(
                AccountKind.SELLER_RECEIVABLE, currency=currency, organisation=seller
            )
            for currency in ("USD", "EUR")
        }
        self.expected: dict[int, Decimal] = defaultdict(Decimal)
        self.serial = 0

    def teardown(self):
        transaction.set_rollback(True)
        self._example.__exit__(None, None, None)

    def _post(self, kind: str, moves: list[tuple[LedgerAccount, Decimal]]):
        """Post a new event; its key and content go to the bundle, the model follows."""
        self.serial += 1
        key = f"{kind}:{self.serial}"
        ledger_post(
            idempotency_key=key, kind=kind, description=key,
            postings=[Posting(account, amount) for account, amount in moves],
        )  # fmt: skip
        for account, amount in moves:
            self.expected[account.pk] += amount
        return key, kind, tuple(moves)

    @rule(target=postings, buyer=st.sampled_from(["garage", "person"]), currency=currencies,
          amount=amounts)  # fmt: skip
    def grant(self, buyer, currency, amount):
        goodwill = platform_account(AccountKind.GOODWILL, currency)
        return self._post("goodwill", [(self.buyers[buyer, currency], amount), (goodwill, -amount)])

    @rule(target=spends, buyer=st.sampled_from(["garage", "person"]), currency=currencies,
          amount=amounts)  # fmt: skip
    def spend(self, buyer, currency, amount):
        account = self.buyers[buyer, currency]
        applied = platform_account(AccountKind.CREDIT_APPLIED, currency)
        if self.expected[account.pk] < amount:
            with pytest.raises(InsufficientCredit):
                self._post("credit_spent", [(account, -amount), (applied, amount)])
            return multiple()
        return self._post("credit_spent", [(account, -amount), (applied, amount)])

    @rule(target=postings, spent=consumes(spends))
    def reverse(self, spent):
        _, _, moves = spent
        return self._post("credit_reversed", [(account, -amount) for account, amount in moves])

    @rule(target=postings, currency=currencies, amount=amounts)
    def forfeit(self, currency, amount):
        deposits = platform_account(AccountKind.CORE_DEPOSITS, currency)
        return self._post(
            "deposit_forfeited", [(self.receivables[currency], amount), (deposits, -amount)]
        )

    @rule(posted=postings)
    def replay_with_the_same_content(self, posted):
        key, kind, moves = posted
        before = LedgerEntry.objects.count()
        first = ledger_post(
            idempotency_key=key, kind=kind, description="replayed",
            postings=[Posting(account, amount) for account, amount in moves],
        )  # fmt: skip
        assert first.idempotency_key == key
        assert LedgerEntry.objects.count() == before

    @rule(posted=postings, extra=amounts)
    def replay_with_other_content(self, posted, extra):
        key, kind, moves = posted
        (first_account, first_amount), (second_account, second_amount) = moves
        before = LedgerEntry.objects.count()
        with pytest.raises(IdempotencyKeyReused):
            ledger_post(
                idempotency_key=key, kind=kind, description="changed",
                postings=[Posting(first_account, first_amount + extra),
                          Posting(second_account, second_amount - extra)],
            )  # fmt: skip
        assert LedgerEntry.objects.count() == before

    @invariant()
    def balances_are_the_sums_of_entries_and_the_model(self):
        sums = dict(
            LedgerEntry.objects.values_list("account").annotate(total=Sum("amount")).order_by()
        )
        for account in LedgerAccount.objects.all():
            assert sums.get(account.pk, 0) == self.expected[account.pk]
            if account.kind in NON_NEGATIVE_KINDS:  # only customers keep a cached balance
                assert account.balance == sums.get(account.pk, 0) >= 0

    @invariant()
    def every_currency_sums_to_zero(self):
        totals = LedgerEntry.objects.values("currency").annotate(total=Sum("amount")).order_by()
        assert all(row["total"] == 0 for row in totals)


def test_the_ledger_stays_balanced_through_any_sequence_of_events(db):
    run_state_machine_as_test(
        LedgerMachine,
        settings=settings(
            max_examples=25,
            stateful_step_count=20,
            deadline=None,
            suppress_health_check=[HealthCheck.too_slow],
        ),
    )

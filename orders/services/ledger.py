"""Posting to the credit ledger: one balanced transaction per business event, exactly once.

`ledger_post` is the only writer. It locks the customer accounts it touches in id order (so
concurrent postings queue instead of deadlocking), re-reads their balances under the lock,
refuses to take one below zero, and writes the transaction, its entries and the new balances
together. The platform's accounts are not locked: they keep no cached balance (see
`orders.models.credit`), so postings to them never wait for each other. The idempotency key
names the event (`core_return:12:accepted`): posting the same key again returns the first
transaction when the content is the same, and is refused when it differs. The database backs
all of it: a CHECK on customers' balances, triggers that refuse UPDATE and DELETE of entries,
and (PostgreSQL) a deferred check that each transaction balances.
"""

import hashlib
import json
from collections import defaultdict
from dataclasses import dataclass
from decimal import Decimal

from django.db import IntegrityError, transaction
from django.db.models import F, Sum
from django.utils.translation import gettext as _

from marketplace.errors import Conflict, DomainError
from marketplace.models import Organisation, User
from orders.models import (
    NON_NEGATIVE_KINDS,
    AccountKind,
    LedgerAccount,
    LedgerEntry,
    LedgerTransaction,
)
from orders.money import CENT


class InsufficientCredit(Conflict):
    code = "insufficient_credit"


class IdempotencyKeyReused(Conflict):
    """The key was used before for a posting with different content."""

    code = "idempotency_key_reused"


@dataclass(frozen=True)
class Posting:
    """One side of a transaction: `amount` (signed) on `account`."""

    account: LedgerAccount
    amount: Decimal


def account_for(
    kind: str, *, currency: str, organisation: Organisation | None = None, user: User | None = None
) -> LedgerAccount:
    """The account of this kind and owner in `currency`, created on first use (two callers at
    once meet at the unique index and share one)."""
    if kind == AccountKind.BUYER_CREDIT and organisation is not None:
        user = None  # an organisation's members share its credit
    lookup = {"kind": kind, "currency": currency, "organisation": organisation, "user": user}
    found = LedgerAccount.objects.filter(**lookup).first()
    if found is not None:
        return found
    try:
        with transaction.atomic():
            return LedgerAccount.objects.create(**lookup)
    except IntegrityError:
        return LedgerAccount.objects.get(**lookup)


def platform_account(kind: str, currency: str) -> LedgerAccount:
    return account_for(kind, currency=currency)


def _fingerprint(kind: str, postings: list[Posting]) -> str:
    content = [kind, sorted([p.account.pk, str(p.amount.quantize(CENT))] for p in postings)]
    return hashlib.sha256(json.dumps(content, separators=(",", ":")).encode()).hexdigest()


def _check_postings(postings: list[Posting]) -> None:
    if len(postings) < 2:
        raise DomainError(_("A ledger transaction has at least two entries."))
    sums: dict[str, Decimal] = defaultdict(Decimal)
    for posting in postings:
        if posting.amount == 0 or posting.amount != posting.amount.quantize(CENT):
            raise DomainError.for_field("amount", _("Entries are whole cents and never zero."))
        sums[posting.account.currency] += posting.amount
    if any(total != 0 for total in sums.values()):
        raise DomainError(_("The entries of a ledger transaction must sum to zero per currency."))


def _existing(key: str, fingerprint: str) -> LedgerTransaction | None:
    found = LedgerTransaction.objects.filter(idempotency_key=key).first()
    if found is not None and found.fingerprint != fingerprint:
        raise IdempotencyKeyReused(
            _("'%(key)s' was already posted with other content.") % {"key": key}
        )
    return found


def ledger_post(
    *, idempotency_key: str, kind: str, description: str, postings: list[Posting]
) -> LedgerTransaction:
    """Post one balanced transaction, once. Joins the caller's transaction when there is one.

    Raises DomainError for entries that do not balance, InsufficientCredit when a customer's
    account would go below zero, IdempotencyKeyReused when the key names other content.
    """
    _check_postings(postings)
    fingerprint = _fingerprint(kind, postings)
    existing = _existing(idempotency_key, fingerprint)
    if existing is not None:
        return existing
    try:
        with transaction.atomic():
            return _write(idempotency_key, kind, description, postings, fingerprint)
    except IntegrityError:
        # The same event posted at the same moment: the unique key let the other one in.
        found = _existing(idempotency_key, fingerprint)
        if found is None:
            raise
        return found


def _write(key, kind, description, postings, fingerprint) -> LedgerTransaction:
    ids = sorted({p.account.pk for p in postings if p.account.kind in NON_NEGATIVE_KINDS})
    accounts = {
        account.pk: account
        for account in LedgerAccount.objects.select_for_update(no_key=True)
        .filter(pk__in=ids)
        .order_by("pk")
    }
    # Re-checked under the locks: a concurrent posting may have just used the key.
    existing = _existing(key, fingerprint)
    if existing is not None:
        return existing
    change: dict[int, Decimal] = defaultdict(Decimal)
    for posting in postings:
        change[posting.account.pk] += posting.amount
    for account_id, account in accounts.items():
        if account.balance + change[account_id] < 0:
            raise InsufficientCredit(
                _("Only %(balance)s %(currency)s of credit is available.")
                % {"balance": account.balance, "currency": account.currency},
                fields={
                    "credit": [
                        _("Only %(balance)s %(currency)s available.")
                        % {"balance": account.balance, "currency": account.currency}
                    ]
                },
            )
    record = LedgerTransaction.objects.create(
        idempotency_key=key, kind=kind, description=description[:300], fingerprint=fingerprint
    )
    running = {pk: account.balance for pk, account in accounts.items()}
    entries = []
    for posting in postings:
        pk = posting.account.pk
        if pk in running:
            running[pk] += posting.amount
        entries.append(
            LedgerEntry(
                transaction=record,
                account_id=pk,
                amount=posting.amount,
                currency=posting.account.currency,
                balance_after=running.get(pk),
            )
        )
    LedgerEntry.objects.bulk_create(entries)
    for account_id in accounts:
        LedgerAccount.objects.filter(pk=account_id).update(
            balance=F("balance") + change[account_id]
        )
    return record


def account_balance(account: LedgerAccount) -> Decimal:
    """What an account holds now: the cached balance of a customer's account, the sum of the
    entries of a platform account."""
    if account.kind in NON_NEGATIVE_KINDS:
        return LedgerAccount.objects.values_list("balance", flat=True).get(pk=account.pk)
    return balance_from_entries(account)


def balance_from_entries(account: LedgerAccount) -> Decimal:
    """The balance as the sum of the account's entries (a customer account's cached `balance`
    must equal it)."""
    total = LedgerEntry.objects.filter(account=account).aggregate(total=Sum("amount"))["total"]
    return total or Decimal("0.00")

"""Reads of the credit ledger, scoped to one owner: an organisation the caller acts for, or the
caller as an individual. Another owner's accounts and entries are simply not in the querysets,
so a statement of someone else's credit is empty, never a 403 that confirms it exists."""

import datetime

from django.db.models import Q, QuerySet

from marketplace.models import Organisation, User
from orders.models import AccountKind, LedgerAccount, LedgerEntry

# The accounts a party may read: what it can spend, and what it is owed as a seller.
CUSTOMER_KINDS = (AccountKind.BUYER_CREDIT, AccountKind.SELLER_RECEIVABLE)


def _owner_scope(user: User, organisation: Organisation | None, prefix: str = "") -> Q:
    if organisation is not None:
        return Q(**{f"{prefix}organisation": organisation})
    return Q(**{f"{prefix}organisation__isnull": True, f"{prefix}user": user})


def credit_accounts_of(user: User, organisation: Organisation | None) -> QuerySet[LedgerAccount]:
    """The owner's customer accounts (buyer credit, seller receivable), one per currency."""
    return LedgerAccount.objects.filter(
        _owner_scope(user, organisation), kind__in=CUSTOMER_KINDS
    ).order_by("kind", "currency")


def statement_entries(
    user: User, organisation: Organisation | None, *, kind: str, currency: str
) -> QuerySet[LedgerEntry]:
    """The entries of the owner's `kind` account in `currency`, newest first, each with its
    transaction (kind, description, date) in the same query."""
    return (
        LedgerEntry.objects.filter(
            _owner_scope(user, organisation, prefix="account__"),
            account__kind=kind,
            account__currency=currency,
        )
        .select_related("transaction")
        .order_by("-id")
    )


def statement_entries_between(
    entries: QuerySet[LedgerEntry],
    *,
    first_day: datetime.date | None,
    last_day: datetime.date | None,
) -> QuerySet[LedgerEntry]:
    """`entries` posted from `first_day` to `last_day` (both included, in the site's time zone),
    oldest first, as an accountant reads a statement."""
    if first_day is not None:
        entries = entries.filter(transaction__created_at__date__gte=first_day)
    if last_day is not None:
        entries = entries.filter(transaction__created_at__date__lte=last_day)
    return entries.order_by("id")

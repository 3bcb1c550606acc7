"""The credit ledger: append-only, double-entry, in one currency per account.

Every business event (a core credited, credit spent at checkout or given back, a deposit
forfeited to a seller, a warranty payout as credit, goodwill) is one `LedgerTransaction` of at
least two `LedgerEntry` rows summing to zero, under an idempotency key derived from the event.
A customer's account (a buyer's credit, what a seller is owed) keeps its `balance`, the sum of
its entries, in step under the account's row lock, and can never go below zero (CHECK). The
platform's own accounts take part in nearly every posting: locking them would queue every
posting behind one row, so they keep no cached balance and are summed when read. Database
triggers refuse any UPDATE or DELETE of entries and transactions, and a deferred trigger
refuses a transaction that does not balance (PostgreSQL).
"""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from marketplace.models import Organisation

MONEY = {"max_digits": 14, "decimal_places": 2}


class AccountKind(models.TextChoices):
    BUYER_CREDIT = "buyer_credit", _("A buyer's credit")
    SELLER_RECEIVABLE = "seller_receivable", _("Owed to a seller (forfeited core deposits)")
    CORE_DEPOSITS = "core_deposits", _("Core deposits the platform holds")
    CREDIT_APPLIED = "credit_applied", _("Credit applied to orders")
    WARRANTY_PAYOUTS = "warranty_payouts", _("Warranty payouts paid as credit")
    REFUNDS = "refunds", _("Returns refunded as credit")
    GOODWILL = "goodwill", _("Goodwill granted by the platform")


# Customers' accounts hold what is owed to them: they can never be overdrawn.
NON_NEGATIVE_KINDS = frozenset({AccountKind.BUYER_CREDIT, AccountKind.SELLER_RECEIVABLE})


class LedgerAccount(models.Model):
    kind = models.CharField(max_length=20, choices=AccountKind.choices)
    organisation = models.ForeignKey(
        Organisation, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    currency = models.CharField(max_length=3)
    # Customers' accounts only; a platform account's balance is the sum of its entries.
    balance = models.DecimalField(**MONEY, default=0)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["id"]
        constraints = [
            models.CheckConstraint(
                condition=Q(kind__in=AccountKind.values), name="ledger_account_kind_valid"
            ),
            models.CheckConstraint(
                condition=~Q(kind__in=sorted(NON_NEGATIVE_KINDS)) | Q(balance__gte=0),
                name="ledger_account_customer_balance_not_negative",
            ),
            models.CheckConstraint(
                condition=Q(organisation__isnull=True) | Q(user__isnull=True),
                name="ledger_account_one_owner_at_most",
            ),
            models.UniqueConstraint(
                fields=["kind", "organisation", "currency"],
                condition=Q(organisation__isnull=False),
                name="ledger_account_unique_per_organisation",
            ),
            models.UniqueConstraint(
                fields=["kind", "user", "currency"],
                condition=Q(user__isnull=False),
                name="ledger_account_unique_per_individual",
            ),
            models.UniqueConstraint(
                fields=["kind", "currency"],
                condition=Q(organisation__isnull=True, user__isnull=True),
                name="ledger_account_unique_platform",
            ),
        ]

    def __str__(self) -> str:
        owner = self.organisation or self.user or "platform"
        return f"{self.get_kind_display()} ({owner}, {self.currency})"


class LedgerTransaction(models.Model):
    """One business event. `fingerprint` is a hash of its content: the same key with the same
    content returns this transaction, with different content it is refused."""

    idempotency_key = models.CharField(max_length=120, unique=True)
    kind = models.CharField(max_length=30)
    description = models.CharField(max_length=300)
    fingerprint = models.CharField(max_length=64)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["id"]

    def __str__(self) -> str:
        return self.idempotency_key


class LedgerEntry(models.Model):
    """One side of a transaction: a signed amount on one account (positive adds to it)."""

    transaction = models.ForeignKey(
        LedgerTransaction, on_delete=models.PROTECT, related_name="entries"
    )
    account = models.ForeignKey(LedgerAccount, on_delete=models.PROTECT, related_name="entries")
    amount = models.DecimalField(**MONEY)
    currency = models.CharField(max_length=3)
    # The customer account's balance just after this entry, for statements with a running
    # balance (none on the platform's accounts, which keep no cached balance).
    balance_after = models.DecimalField(**MONEY, null=True, blank=True)

    class Meta:
        ordering = ["id"]
        constraints = [
            models.CheckConstraint(condition=~Q(amount=0), name="ledger_entry_not_zero"),
        ]
        indexes = [models.Index(fields=["account", "id"])]

    def __str__(self) -> str:
        return f"{self.amount} {self.currency} on {self.account_id}"

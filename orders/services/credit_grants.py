"""Credit the platform gives of its own accord: goodwill granted by an operator."""

from django.utils.translation import gettext as _

from marketplace.errors import DomainError
from marketplace.models import Organisation, User
from orders.models import AccountKind, LedgerTransaction
from orders.money import CENT, Money
from orders.services.ledger import Posting, account_for, ledger_post, platform_account

GOODWILL_KEY_PREFIX = "goodwill:"


def credit_goodwill_grant(
    *,
    owner: Organisation | User,
    money: Money,
    reason: str,
    idempotency_key: str,
    granted_by: User,
) -> LedgerTransaction:
    """Move `money` from the platform's goodwill account to the buyer credit of `owner` (an
    organisation, or an individual buyer), once per `idempotency_key`.

    The operator's key is namespaced (`goodwill:<key>`) so it can never collide with the key of
    a business event such as `core_return:12:accepted`. Replaying the key with the same owner
    and amount returns the first grant; with another owner or amount it raises
    IdempotencyKeyReused. Raises DomainError for an amount that is not positive whole cents.
    """
    if money.amount <= 0 or money.amount != money.amount.quantize(CENT):
        raise DomainError.for_field("amount", _("Goodwill is a positive amount in whole cents."))
    owner_kind = "organisation" if isinstance(owner, Organisation) else "user"
    credit = account_for(AccountKind.BUYER_CREDIT, currency=money.currency, **{owner_kind: owner})
    return ledger_post(
        idempotency_key=f"{GOODWILL_KEY_PREFIX}{idempotency_key}",
        kind="goodwill",
        description=f"Goodwill: {reason} (granted by {granted_by.get_username()})",
        postings=[
            Posting(credit, money.amount),
            Posting(platform_account(AccountKind.GOODWILL, money.currency), -money.amount),
        ],
    )

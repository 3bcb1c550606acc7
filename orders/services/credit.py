"""Spending a buyer's credit at checkout, and giving it back when an order is cancelled.

Credit is applied before the card or invoice: the checkout takes up to what the buyer asks
for (never more than its total or the balance), split across its orders in proportion to their
totals (`orders.pricing.split_credit`). Each order's payment covers the rest. The spend and
its reversal are ledger transactions in the same database transaction as the checkout or the
cancellation, keyed by the checkout and the order.
"""

from decimal import Decimal

from orders.models import AccountKind, LedgerAccount, Order
from orders.parties import Buyer
from orders.services.ledger import Posting, account_for, ledger_post, platform_account


def buyer_credit_account(buyer: Buyer, currency: str) -> LedgerAccount:
    return account_for(
        AccountKind.BUYER_CREDIT,
        currency=currency,
        organisation=buyer.organisation,
        user=None if buyer.organisation else buyer.user,
    )


def credit_to_apply(buyer: Buyer, *, currency: str, total: Decimal, wanted: Decimal | None):
    """How much credit the checkout uses: what the buyer asked for (None: as much as
    possible), at most the total and the balance read now. The spend re-checks the balance
    under the account's lock."""
    balance = buyer_credit_account(buyer, currency).balance
    ceiling = min(total, balance)
    return ceiling if wanted is None else min(wanted, ceiling)


def credit_spend(*, buyer: Buyer, checkout_id: int, amount: Decimal, currency: str) -> None:
    """Move `amount` from the buyer's credit to the platform's credit-applied account.

    Raises InsufficientCredit when a concurrent spend took the balance meanwhile."""
    if amount <= 0:
        return
    ledger_post(
        idempotency_key=f"checkout:{checkout_id}:credit_spent",
        kind="credit_spent",
        description=f"Credit spent on checkout {checkout_id}",
        postings=[
            Posting(buyer_credit_account(buyer, currency), -amount),
            Posting(platform_account(AccountKind.CREDIT_APPLIED, currency), amount),
        ],
    )


def credit_reverse(order: Order) -> None:
    """Give back the credit a cancelled (or expired) order used, once."""
    if order.credit_applied <= 0:
        return
    buyer = Buyer(user=order.buyer_user, organisation=order.buyer_organisation)
    ledger_post(
        idempotency_key=f"order:{order.pk}:credit_reversed",
        kind="credit_reversed",
        description=f"Credit given back: order {order.pk} was cancelled",
        postings=[
            Posting(
                platform_account(AccountKind.CREDIT_APPLIED, order.currency), -order.credit_applied
            ),
            Posting(buyer_credit_account(buyer, order.currency), order.credit_applied),
        ],
    )

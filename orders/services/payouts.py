"""Seller payouts: the nets of a seller's orders that became payable in a period, paid once.

A payout is created under the order rows' locks, so an order joins exactly one payout. It is
paid by a Stripe transfer to the seller's connected account (separate charges and transfers;
the idempotency key derives from the payout, so a retried call transfers once), or marked paid
by the platform for sellers paid another way.
"""

import logging
from collections import defaultdict
from datetime import date, datetime, time, timedelta
from decimal import Decimal

import stripe
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from marketplace.errors import DomainError, check_transition
from orders import stripe_gateway as gateway
from orders.models import PAYOUT_TRANSITIONS, Order, Payout, PayoutAccount, PayoutStatus
from orders.money import Money

log = logging.getLogger(__name__)


def previous_week(today: date) -> tuple[date, date]:
    """The last whole week, Monday to Monday, before `today`: the default payout period."""
    this_monday = today - timedelta(days=today.weekday())
    return this_monday - timedelta(days=7), this_monday


def _bounds(start: date, end: date) -> tuple[datetime, datetime]:
    zone = timezone.get_current_timezone()
    return (
        datetime.combine(start, time.min, tzinfo=zone),
        datetime.combine(end, time.min, tzinfo=zone),
    )


@transaction.atomic
def payouts_create(*, period_start: date, period_end: date) -> list[Payout]:
    """One payout per seller and currency, over the orders that became payable in
    [period_start, period_end) and are in no payout yet. Running it twice adds nothing."""
    if period_end <= period_start:
        raise DomainError.for_field("period_end", _("Must be after period_start."))
    start, end = _bounds(period_start, period_end)
    due = (
        Order.objects.select_for_update(of=("self",), no_key=True)
        .filter(payable_at__gte=start, payable_at__lt=end, payout__isnull=True)
        .exclude(status__in=["cancelled", "refunded", "expired"])
        .order_by("pk")
    )
    groups: dict[tuple, list[Order]] = defaultdict(list)
    for order in due:
        groups[(order.seller_organisation_id, order.seller_user_id, order.currency)].append(order)
    created = []
    for (organisation_id, user_id, currency), orders in groups.items():
        payout, _created = Payout.objects.get_or_create(
            seller_organisation_id=organisation_id,
            seller_user_id=user_id,
            currency=currency,
            period_start=period_start,
            defaults={"period_end": period_end, "amount": Decimal("0")},
        )
        if payout.status != PayoutStatus.PENDING:
            continue  # a paid payout is never reopened; these orders wait for the next period
        payout.amount += sum((order.seller_net for order in orders), Decimal("0"))
        payout.save(update_fields=["amount"])
        Order.objects.filter(pk__in=[order.pk for order in orders]).update(payout=payout)
        created.append(payout)
    return created


def payout_pay(*, payout: Payout) -> Payout:
    """Transfer a pending payout to the seller's Stripe account, once.

    Raises DomainError when the seller has no payout account. A Stripe failure marks the
    payout failed with the reason; paying it again retries with the same idempotency key.
    """
    with transaction.atomic():
        locked = Payout.objects.select_for_update().get(pk=payout.pk)
        check_transition(
            PAYOUT_TRANSITIONS, entity="payout", from_status=locked.status,
            to_status=PayoutStatus.PAID,
        )  # fmt: skip
        account = PayoutAccount.objects.filter(
            seller_organisation_id=locked.seller_organisation_id,
            seller_user_id=locked.seller_user_id,
        ).first()
    if account is None:
        raise DomainError.for_field("payout", _("This seller has no payout account."))
    try:
        transfer = gateway.transfer(
            amount=Money(locked.amount, locked.currency),
            destination=account.stripe_account_id,
            idempotency_key=locked.transfer_idempotency_key,
            transfer_group=f"payout-{locked.pk}",
        )
    except stripe.StripeError as error:
        log.warning("Transfer for payout %s failed: %s", locked.pk, error)
        return _settle(locked.pk, PayoutStatus.FAILED, failure_message=str(error)[:300])
    return _settle(locked.pk, PayoutStatus.PAID, stripe_transfer_id=transfer.id)


def payout_mark_paid(*, payout: Payout) -> Payout:
    """The platform paid the seller another way (bank transfer outside Stripe)."""
    return _settle(payout.pk, PayoutStatus.PAID)


@transaction.atomic
def _settle(payout_id: int, to_status: str, **changes) -> Payout:
    payout = Payout.objects.select_for_update().get(pk=payout_id)
    # A retried transfer can fail again: the payout stays failed, with the newer reason.
    if (payout.status, to_status) != (PayoutStatus.FAILED, PayoutStatus.FAILED):
        check_transition(
            PAYOUT_TRANSITIONS, entity="payout", from_status=payout.status, to_status=to_status
        )
    payout.status = to_status
    if to_status == PayoutStatus.PAID:
        payout.paid_at = timezone.now()
    for name, value in changes.items():
        setattr(payout, name, value)
    payout.save()
    return payout

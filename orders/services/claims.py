"""Settling approved warranty claims. `certification` records what an approved claim pays
(a pending `ClaimPayout`); `orders` pays it back to the holder through the payment of the sale
the policy covers, and tells certification how.

A card payment with enough left to refund is refunded by the claim's amount. Anything else
(an invoice, cash at pickup, a claim larger than what remains of the payment) stays pending for
the platform to settle by bank transfer, with the reason logged.
"""

import logging
import re

from django.db import transaction

from certification.models import Claim, ClaimPayout, ClaimPayoutStatus
from certification.selectors_warranty import payouts_pending
from certification.services.warranty_claims import claim_payout_settle
from orders.models import OrderLine, PaymentMethod, Refund
from orders.services.payments import lock_payment, refund_record
from orders.tasks import refund_send_soon

log = logging.getLogger(__name__)
SALE_REFERENCE = re.compile(r"order-(?P<order>\d+)-line-(?P<line>\d+)")
BATCH = 200


def claim_payouts_settle() -> int:
    """Settle the pending payouts that can go back to a card; returns how many were."""
    ids = list(payouts_pending().order_by("pk").values_list("pk", flat=True)[:BATCH])
    return sum(claim_payout_settle_by_refund(payout_id=pk) is not None for pk in ids)


def claim_payout_settle_by_refund(*, payout_id: int) -> Refund | None:
    """Refund one approved claim's payout to the card that paid for the part, once.

    Locks the claim, then the payout (the order certification uses), then the payment; the
    refund is recorded and the payout settled in one transaction, and sent to Stripe after the
    commit. Returns None, leaving the payout pending, when it cannot go back to a card.
    """
    with transaction.atomic():
        payout = ClaimPayout.objects.select_related("claim__policy").get(pk=payout_id)
        sale_reference = payout.claim.policy.sale_reference
        Claim.objects.select_for_update().get(pk=payout.claim_id)
        payout = ClaimPayout.objects.select_for_update().get(pk=payout_id)
        if payout.status != ClaimPayoutStatus.PENDING:
            return None
        payment = _card_payment_for(payout, sale_reference)
        if payment is None:
            return None
        refund = refund_record(
            payment, amount=payout.amount, reason=f"Warranty claim {payout.claim_id}"
        )
        claim_payout_settle(payout=payout, reference=f"refund-{refund.pk}")
        refund_send_soon(refund)
    return refund


def _card_payment_for(payout: ClaimPayout, sale_reference: str):
    sale = SALE_REFERENCE.fullmatch(sale_reference)
    line = sale and OrderLine.objects.filter(pk=sale["line"], order_id=sale["order"]).first()
    if not line:
        log.warning("Claim payout %s: sale %s is no order line", payout.pk, sale_reference)
        return None
    payment = lock_payment(line.order.payment.pk)
    refundable = payment.amount - payment.refunded_amount
    if payment.method != PaymentMethod.CARD or payout.amount > refundable:
        log.info("Claim payout %s is left for the platform to settle by transfer", payout.pk)
        return None
    return payment

"""Warranty claims: filed by the policy holder, decided by the plan's insurer, settled by
`orders` (which picks up pending payouts through `selectors_warranty.payouts_pending`).

Every status change goes through `_move`: under the claim's row lock, as CLAIM_TRANSITIONS
allows, with a ClaimEvent. Locks are always taken policy first, then claim, then payout, so
two services touching the same rows cannot deadlock.
"""

from collections.abc import Iterable
from dataclasses import asdict, dataclass
from datetime import date
from decimal import Decimal

from django.conf import settings
from django.core.files.uploadedfile import UploadedFile
from django.db import transaction
from django.db.models import Sum
from django.utils import timezone
from django.utils.translation import gettext as _
from PIL import Image, UnidentifiedImageError

from catalog.models import PassportEventKind
from catalog.passport import passport_append
from certification.claims import ClaimCosts, ClaimLimits, CoverPeriod, claim_refusal, payable_amount
from certification.models import (
    CLAIM_TRANSITIONS,
    Claim,
    ClaimDocument,
    ClaimEvent,
    ClaimPayout,
    ClaimPayoutStatus,
    ClaimStatus,
    WarrantyPlan,
    WarrantyPolicy,
)
from marketplace.errors import Conflict, DomainError, NotPermitted, check_transition
from marketplace.models import User
from marketplace.selectors import organisation_ids_for

MAX_DOCUMENTS_PER_CLAIM = 20
IMAGE_FORMATS = frozenset({"JPEG", "PNG"})
OPEN_STATUSES = frozenset({ClaimStatus.FILED, ClaimStatus.INFO_REQUESTED})


class ClaimRefused(DomainError):
    """A claim the policy cannot accept (after the cover, over the distance or total limit,
    or nothing left to pay); `refusal_code` says which."""

    def __init__(self, message: str, *, field: str, code: str):
        super().__init__(message, fields={field: [message]}, code=code)
        self.refusal_code = code


@dataclass(frozen=True)
class ClaimDetails:
    """What the holder states: what failed and when, the mileage, and the garage's costs."""

    failure: str
    failed_on: date
    parts_amount: Decimal
    labour_hours: Decimal = Decimal("0")
    labour_rate: Decimal = Decimal("0")
    mileage_km: int | None = None


def require_insurer_member(actor: User, insurer_id: int) -> None:
    if insurer_id not in organisation_ids_for(actor):
        raise NotPermitted(_("Only the plan's insurer may do this."))


def _require_holder(actor: User, policy: WarrantyPolicy) -> None:
    if policy.holder_id != actor.pk:
        raise NotPermitted(_("Only the policy's holder may do this."))


def _limits(plan: WarrantyPlan) -> ClaimLimits:
    return ClaimLimits(
        max_per_claim=plan.max_payout_per_claim,
        max_total=plan.max_payout_total,
        excess=plan.excess,
        labour_covered=plan.labour_covered,
        labour_hourly_cap=plan.labour_hourly_cap,
    )


def paid_on_policy(policy_id: int) -> Decimal:
    """What a policy's approved claims pay, settled or not: it all counts against the limit."""
    total = ClaimPayout.objects.filter(claim__policy_id=policy_id).aggregate(Sum("amount"))
    return total["amount__sum"] or Decimal("0")


def claim_payable(claim: Claim) -> Decimal:
    """The most the insurer may approve for `claim` now (a read; approval re-checks it)."""
    costs = ClaimCosts(claim.parts_amount, claim.labour_hours, claim.labour_rate)
    return payable_amount(_limits(claim.policy.plan), costs, paid_on_policy(claim.policy_id))


def _lock_claim(claim_id: int) -> Claim:
    return Claim.objects.select_for_update(of=("self",), no_key=True).get(pk=claim_id)


def _move(claim: Claim, to_status: str, *, actor: User | None, reason: str = "", fields=()):
    """Move a locked claim; TransitionNotAllowed (409) when the table forbids it."""
    check_transition(
        CLAIM_TRANSITIONS, entity="claim", from_status=claim.status, to_status=to_status
    )
    ClaimEvent.objects.create(
        claim=claim, actor=actor, from_status=claim.status, to_status=to_status, reason=reason
    )
    claim.status = to_status
    claim.save(update_fields=["status", "updated_at", *fields])
    return claim


# Documents


def _megabytes(size: int) -> str:
    return f"{size / (1024 * 1024):.3g}"


def _check_document(file: UploadedFile) -> None:
    """A JPEG or PNG photo, or a PDF report, under the size limit (DomainError otherwise)."""
    if file.size > settings.CLAIM_DOCUMENT_MAX_BYTES:
        limit = _megabytes(settings.CLAIM_DOCUMENT_MAX_BYTES)
        raise DomainError.for_field(
            "file", _("Claim documents are limited to %(limit)s MB.") % {"limit": limit}
        )
    file.seek(0)
    is_pdf = file.read(5) == b"%PDF-"
    file.seek(0)
    if is_pdf:
        return
    try:
        with Image.open(file) as picture:
            picture.verify()
            picture_format = picture.format
    except (UnidentifiedImageError, OSError, ValueError, Image.DecompressionBombError):
        picture_format = None
    file.seek(0)
    if picture_format not in IMAGE_FORMATS:
        raise DomainError.for_field("file", _("Claim documents must be JPEG or PNG photos or PDF."))


def _attach(claim: Claim, files: Iterable[tuple[UploadedFile, str]]) -> None:
    for file, description in files:
        ClaimDocument.objects.create(claim=claim, file=file, description=description[:200])


# Filing and answering


def claim_file(
    *,
    policy: WarrantyPolicy,
    actor: User,
    details: ClaimDetails,
    documents: Iterable[tuple[UploadedFile, str]] = (),
) -> Claim:
    """The holder claims against a policy, with optional (file, description) documents.

    Raises NotPermitted unless `actor` holds the policy; ClaimRefused when the failure is
    outside the cover period, over the distance cover, or the total limit is paid out;
    DomainError for a failure date in the future or a bad document.
    """
    _require_holder(actor, policy)
    if details.failed_on > timezone.localdate():
        raise DomainError.for_field("failed_on", _("The failure date cannot be in the future."))
    documents = list(documents)
    for file, _description in documents:
        _check_document(file)
    refusal = claim_refusal(
        cover=CoverPeriod(policy.starts_on, policy.ends_on, policy.cover_km),
        limits=_limits(policy.plan),
        failed_on=details.failed_on,
        mileage_km=details.mileage_km,
        already_paid=paid_on_policy(policy.pk),
    )
    if refusal is not None:
        raise ClaimRefused(refusal.message, field=refusal.field, code=refusal.code)
    with transaction.atomic():
        claim = Claim.objects.create(policy=policy, filed_by=actor, **asdict(details))
        ClaimEvent.objects.create(claim=claim, actor=actor, to_status=ClaimStatus.FILED)
        _attach(claim, documents)
    return claim


def claim_document_add(
    *, claim: Claim, actor: User, file: UploadedFile, description: str = ""
) -> ClaimDocument:
    """The holder adds a photo or report while the claim is open (Conflict once decided)."""
    _require_holder(actor, claim.policy)
    _check_document(file)
    with transaction.atomic():
        claim = _lock_claim(claim.pk)
        if claim.status not in OPEN_STATUSES:
            raise Conflict(_("Documents can be added only while the claim is open."))
        if claim.documents.count() >= MAX_DOCUMENTS_PER_CLAIM:
            raise Conflict(
                _("A claim has at most %(count)s documents.") % {"count": MAX_DOCUMENTS_PER_CLAIM}
            )
        return ClaimDocument.objects.create(claim=claim, file=file, description=description)


@transaction.atomic
def claim_resubmit(*, claim: Claim, actor: User, note: str = "") -> Claim:
    """The holder answers a request for information: the claim goes back to the insurer."""
    _require_holder(actor, claim.policy)
    return _move(_lock_claim(claim.pk), ClaimStatus.FILED, actor=actor, reason=note)


# The insurer's decisions


def _passport_record_decision(claim: Claim) -> None:
    """A `claim` event in the part's passport, in the decision's transaction: the claim's id,
    the decision and what it pays; nothing about the holder or the failure they described."""
    policy = claim.policy
    passport_append(
        listing=policy.listing,
        kind=PassportEventKind.CLAIM,
        unit=policy.unit,
        details={
            "claim": claim.pk,
            "policy": policy.number,
            "status": claim.status,
            "amount": None if claim.approved_amount is None else str(claim.approved_amount),
            "currency": policy.currency,
        },
        recorded_by=policy.plan.insurer,
    )


def _required_reason(reason: str) -> str:
    if not reason.strip():
        raise DomainError.for_field("reason", _("Give a reason the holder can act on."))
    return reason.strip()


@transaction.atomic
def claim_request_info(*, claim: Claim, actor: User, reason: str) -> Claim:
    require_insurer_member(actor, claim.policy.plan.insurer_id)
    reason = _required_reason(reason)
    claim = _lock_claim(claim.pk)
    claim.decision_reason = reason
    return _move(
        claim, ClaimStatus.INFO_REQUESTED, actor=actor, reason=reason, fields=["decision_reason"]
    )


@transaction.atomic
def claim_reject(*, claim: Claim, actor: User, reason: str) -> Claim:
    require_insurer_member(actor, claim.policy.plan.insurer_id)
    reason = _required_reason(reason)
    claim = _lock_claim(claim.pk)
    claim.decision_reason = reason
    _move(claim, ClaimStatus.REJECTED, actor=actor, reason=reason, fields=["decision_reason"])
    _passport_record_decision(claim)
    return claim


@transaction.atomic
def claim_approve(*, claim: Claim, actor: User, amount: Decimal, reason: str = "") -> Claim:
    """Approve `amount` and record the payout `orders` will settle.

    `amount` must be positive and within `claim_payable`: the claimed parts and capped labour,
    within the per-claim and remaining total limits, less the excess. The policy row is locked
    first so two approvals on one policy run one after the other: the second sees the first's
    payout and cannot take the total past its limit.

    Raises NotPermitted unless `actor` is of the plan's insurer; TransitionNotAllowed unless
    the claim is filed; ClaimRefused when nothing is payable; DomainError (`amount`) over it.
    """
    require_insurer_member(actor, claim.policy.plan.insurer_id)
    if amount <= 0:
        raise DomainError.for_field("amount", _("Approve a positive amount, or reject the claim."))
    WarrantyPolicy.objects.select_for_update(no_key=True).get(pk=claim.policy_id)
    claim = _lock_claim(claim.pk)
    check_transition(
        CLAIM_TRANSITIONS, entity="claim", from_status=claim.status, to_status=ClaimStatus.APPROVED
    )
    payable = claim_payable(claim)
    if payable <= 0:
        raise ClaimRefused(
            _(
                "Nothing is payable: the policy's limits are used up or the excess exceeds the "
                "claim."
            ),
            field="amount",
            code="nothing_payable",
        )
    if amount > payable:
        raise DomainError.for_field(
            "amount",
            _(
                "At most %(amount)s %(currency)s can be approved within the plan's limits "
                "and excess."
            )
            % {"amount": payable, "currency": claim.policy.currency},
            code="over_limits",
        )
    claim.approved_amount = amount
    claim.decision_reason = reason
    _move(
        claim,
        ClaimStatus.APPROVED,
        actor=actor,
        reason=reason,
        fields=["approved_amount", "decision_reason"],
    )
    ClaimPayout.objects.create(claim=claim, amount=amount, currency=claim.policy.currency)
    _passport_record_decision(claim)
    return claim


@transaction.atomic
def claim_payout_settle(
    *, payout: ClaimPayout, reference: str, actor: User | None = None
) -> ClaimPayout:
    """Record that `orders` paid an approved claim (by refund or credit, named by `reference`)
    and close the claim. Idempotent: settling again with the same reference returns the
    payout; with another reference it is a Conflict."""
    if not reference.strip():
        raise DomainError.for_field("reference", _("Name the settlement."))
    claim = _lock_claim(payout.claim_id)
    payout = ClaimPayout.objects.select_for_update().get(pk=payout.pk)
    if payout.status == ClaimPayoutStatus.SETTLED:
        if payout.settlement_reference == reference:
            return payout
        raise Conflict(
            _("This payout was already settled as '%(reference)s'.")
            % {"reference": payout.settlement_reference}
        )
    _move(claim, ClaimStatus.SETTLED, actor=actor, reason=f"Settled: {reference}"[:300])
    payout.status = ClaimPayoutStatus.SETTLED
    payout.settlement_reference = reference
    payout.settled_at = timezone.now()
    payout.save(update_fields=["status", "settlement_reference", "settled_at"])
    return payout

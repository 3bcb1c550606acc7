"""Core charges after the sale: the cores owed, their return, inspection, credit and forfeiture.

Each sold unit of a line with a core charge owes one core (`CoreObligation`, unique per line and
unit), due `listing.core_return_days` after delivery or collection. The buyer opens a core return
(a `ReturnCase` of kind `core`, travelling by the shared mechanism in `orders.services.returns`);
the seller, or the outlet when the seller lets it, inspects it by the published rubric
(`orders.core_rubric`) and the ledger moves the deposit in the same transaction.

Ledger: the deposit was paid with the order (outside the ledger, in the card or invoice money).
The platform's CORE_DEPOSITS account is the source every released deposit is drawn from, so its
balance is minus the deposits released so far (it is a platform account, allowed below zero):
 - credited: `core_return:<case>:credited` CORE_DEPOSITS -deposit, buyer's BUYER_CREDIT +credit,
   and for a partial credit the seller's SELLER_RECEIVABLE +withheld;
 - forfeited: `core:<obligation>:forfeited` CORE_DEPOSITS -deposit, SELLER_RECEIVABLE +deposit.
A core is credited once: the case and obligation are locked (case first), the transition tables
refuse a second outcome, and the idempotency key names the case.
"""

import logging
from datetime import date, timedelta
from decimal import Decimal

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from catalog.models import PassportEventKind
from catalog.passport import passport_append
from marketplace.errors import (
    Conflict,
    DomainError,
    NotPermitted,
    TransitionNotAllowed,
    check_transition,
)
from marketplace.models import Organisation, User
from orders import core_rubric
from orders.models import (
    CORE_TRANSITIONS,
    AccountKind,
    CoreObligation,
    CoreStatus,
    Order,
    OrderLine,
    ReturnCase,
    ReturnKind,
    ReturnPhoto,
    ReturnStatus,
    SellerReturnPolicy,
)
from orders.services.ledger import Posting, account_for, ledger_post, platform_account
from orders.services.returns import lock_return, return_code_issue, return_move, return_open

log = logging.getLogger(__name__)
BATCH = 500
INSPECTED = (ReturnStatus.ACCEPTED, ReturnStatus.PARTIALLY_ACCEPTED, ReturnStatus.REJECTED)


def _core_move(obligation: CoreObligation, to_status: str, fields=()) -> None:
    check_transition(
        CORE_TRANSITIONS, entity="core", from_status=obligation.status, to_status=to_status
    )
    obligation.status = to_status
    obligation.save(update_fields=["status", "updated_at", *fields])


def lock_obligation(obligation_id: int) -> CoreObligation:
    return CoreObligation.objects.select_for_update(of=("self",), no_key=True).get(pk=obligation_id)


def cores_release_for_returned_part(*, order_line_id: int, quantity: int) -> Decimal:
    """The part itself came back (an accepted return for refund): up to `quantity` of the
    line's cores still owed, or rejected, are owed no more, and their deposits go back to the
    buyer with the part. Returns the deposits released. Runs in the caller's transaction."""
    owed = (
        CoreObligation.objects.select_for_update(no_key=True)
        .filter(order_line_id=order_line_id, status__in=[CoreStatus.OWED, CoreStatus.REJECTED])
        .order_by("unit")[:quantity]
    )
    released = Decimal("0")
    for obligation in owed:
        _core_move(obligation, CoreStatus.RELEASED)
        released += obligation.deposit
    return released


# Cores become owed


def cores_create_for_order(order: Order, *, delivered_on: date) -> int:
    """One owed core per unit of each line with a core charge. Called inside the transaction
    that marks the (locked) order delivered or collected; safe to repeat (unique per unit)."""
    lines = OrderLine.objects.filter(order=order, core_charge__gt=0).select_related("listing")
    existing = set(
        CoreObligation.objects.filter(order_line__order=order).values_list("order_line", "unit")
    )
    owed = [
        CoreObligation(
            order_line=line,
            unit=unit,
            buyer_organisation_id=order.buyer_organisation_id,
            buyer_user_id=order.buyer_user_id,
            seller_organisation_id=order.seller_organisation_id,
            seller_user_id=order.seller_user_id,
            deposit=line.core_charge,
            currency=order.currency,
            due_on=delivered_on + timedelta(days=line.listing.core_return_days),
        )
        for line in lines
        for unit in range(1, line.quantity + 1)
        if (line.pk, unit) not in existing
    ]
    # The unique (line, unit) index is the backstop should two callers meet.
    return len(CoreObligation.objects.bulk_create(owed, ignore_conflicts=True))


# The buyer sends the core back


def core_return_open(*, obligation: CoreObligation, actor: User) -> ReturnCase:
    """Open the return of an owed (or rejected) core: a case awaiting drop-off or shipment,
    with its return code. Idempotent: a core already on its way returns its open case.

    Raises Conflict when the deadline has passed, TransitionNotAllowed when the core is
    credited or forfeited.
    """
    with transaction.atomic():
        locked = lock_obligation(obligation.pk)
        if locked.status == CoreStatus.RETURNING:
            return locked.return_case
        if locked.due_on < timezone.localdate():
            raise Conflict(_("The deadline to return this core has passed."))
        check_transition(
            CORE_TRANSITIONS,
            entity="core",
            from_status=locked.status,
            to_status=CoreStatus.RETURNING,
        )
        case = return_open(
            actor=actor,
            reason="Core return opened by the buyer.",
            kind=ReturnKind.CORE,
            order_line_id=locked.order_line_id,
            quantity=1,
            buyer_organisation_id=locked.buyer_organisation_id,
            buyer_user_id=locked.buyer_user_id,
            seller_organisation_id=locked.seller_organisation_id,
            seller_user_id=locked.seller_user_id,
            status=ReturnStatus.AWAITING_RETURN,
            currency=locked.currency,
        )
        return_code_issue(case)
        locked.return_case = case
        _core_move(locked, CoreStatus.RETURNING, fields=["return_case"])
        return case


# Inspection


def outlet_may_inspect(case: ReturnCase, outlet: Organisation) -> bool:
    """The seller lets outlets inspect its cores, and the core was dropped at this outlet."""
    dropped_here = (
        case.drop_off_location_id is not None
        and case.drop_off_location.organisation_id == outlet.pk
    )
    allowed = SellerReturnPolicy.objects.filter(
        seller_organisation_id=case.seller_organisation_id,
        seller_user_id=case.seller_user_id,
        outlets_inspect_cores=True,
    ).exists()
    return dropped_here and allowed


def _check_inspectable(case: ReturnCase, *, by_outlet: bool) -> None:
    if by_outlet and case.status != ReturnStatus.DROPPED_OFF:
        raise Conflict(_("The outlet inspects a core while it is at the counter."))
    if not by_outlet and case.status != ReturnStatus.RECEIVED:
        raise TransitionNotAllowed(entity="return", from_status=case.status, to_status="inspected")


def _post_credit(case: ReturnCase, obligation: CoreObligation, verdict) -> None:
    currency = obligation.currency
    buyer = account_for(
        AccountKind.BUYER_CREDIT,
        currency=currency,
        organisation=case.buyer_organisation,
        user=case.buyer_user,
    )
    postings = [
        Posting(platform_account(AccountKind.CORE_DEPOSITS, currency), -obligation.deposit),
        Posting(buyer, verdict.credit),
    ]
    if verdict.withheld > 0:
        postings.append(Posting(_seller_receivable(obligation), verdict.withheld))
    ledger_post(
        idempotency_key=f"core_return:{case.pk}:credited",
        kind="core_credit",
        description=f"Core return {case.pk}: {verdict.credit} {currency} credited.",
        postings=postings,
    )


def _seller_receivable(obligation: CoreObligation):
    return account_for(
        AccountKind.SELLER_RECEIVABLE,
        currency=obligation.currency,
        organisation=obligation.seller_organisation,
        user=obligation.seller_user,
    )


def _record_in_passport(case: ReturnCase, obligation: CoreObligation, verdict) -> None:
    line = obligation.order_line
    passport_append(
        listing=line.listing,
        kind=PassportEventKind.CORE_RETURNED,
        details={"order": line.order_id, "outcome": verdict.status, "findings": verdict.findings},
        unit=obligation.unit,
        recorded_by=case.seller_organisation,
    )


def _apply_verdict(case, obligation, verdict, *, actor, notes: str) -> ReturnCase:
    case.findings = list(verdict.findings)
    case.inspection_notes = notes
    case.payout_amount = verdict.credit
    reason = notes or ", ".join(verdict.findings) or "Core accepted in full."
    return_move(
        case,
        verdict.status,
        actor=actor,
        reason=reason,
        fields=["findings", "inspection_notes", "payout_amount"],
    )
    if verdict.status == ReturnStatus.REJECTED:
        _core_move(obligation, CoreStatus.REJECTED)
        return case
    obligation.credited_amount = verdict.credit
    _core_move(obligation, CoreStatus.CREDITED, fields=["credited_amount"])
    _post_credit(case, obligation, verdict)
    _record_in_passport(case, obligation, verdict)
    return case


def _obligation_of(case: ReturnCase) -> CoreObligation:
    """The core this case returns, locked (after the case: the lock order)."""
    obligation_id = (
        CoreObligation.objects.filter(return_case=case).values_list("pk", flat=True).first()
    )
    if case.kind != ReturnKind.CORE or obligation_id is None:
        raise Conflict(_("This return is not the current return of a core."))
    return lock_obligation(obligation_id)


def _verdict_for(obligation: CoreObligation, findings) -> core_rubric.CoreVerdict:
    try:
        return core_rubric.core_verdict(obligation.deposit, findings)
    except core_rubric.UnknownFinding as unknown:
        raise DomainError.for_field("findings", str(unknown)) from None


def core_inspect(
    *, case: ReturnCase, actor: User, findings: list[str], notes: str = "", by_outlet=False
) -> ReturnCase:
    """Inspect a returned core by the rubric: accepted (full credit), partially accepted (the
    rest withheld for the seller) or rejected, with the ledger moved in the same transaction.

    Findings need at least one photo of the core (uploaded before, `return_photo_add`); a
    rejection by notes alone is not possible: the rubric decides. Repeating the same
    inspection returns the case unchanged (the core is credited once); a different one is a
    TransitionNotAllowed. Raises DomainError for unknown findings or missing photos.
    """
    with transaction.atomic():
        locked = lock_return(case.pk)
        obligation = _obligation_of(locked)
        verdict = _verdict_for(obligation, findings)
        if locked.status in INSPECTED:
            if locked.status == verdict.status and tuple(locked.findings) == verdict.findings:
                return locked
            raise TransitionNotAllowed(
                entity="return", from_status=locked.status, to_status=verdict.status
            )
        _check_inspectable(locked, by_outlet=by_outlet)
        if verdict.findings and not ReturnPhoto.objects.filter(return_case=locked).exists():
            raise DomainError.for_field("photos", _("Add a photo of what the inspection found."))
        return _apply_verdict(locked, obligation, verdict, actor=actor, notes=notes)


def core_inspect_at_outlet(
    *, outlet: Organisation, user: User, case: ReturnCase, findings: list[str], notes: str = ""
) -> ReturnCase:
    """An outlet's staff inspect a core at the counter, when its seller lets outlets decide.
    Raises NotPermitted (403) otherwise."""
    if not outlet_may_inspect(case, outlet):
        raise NotPermitted(_("This seller inspects its cores itself."))
    return core_inspect(case=case, actor=user, findings=findings, notes=notes, by_outlet=True)


def return_photo_add(*, case: ReturnCase, actor: User, image) -> ReturnPhoto:
    """Evidence for an inspection; only while the core is with the inspector."""
    current = ReturnCase.objects.values_list("status", flat=True).get(pk=case.pk)
    if current not in (ReturnStatus.DROPPED_OFF, ReturnStatus.RECEIVED):
        raise Conflict(_("Photos are added while the part is being inspected."))
    return ReturnPhoto.objects.create(return_case=case, image=image, taken_by=actor)


# Forfeiture


def _lock_for_forfeit(obligation: CoreObligation) -> CoreObligation:
    """The core, locked. A return opened but never handed over by the deadline is cancelled
    first (the case locked before the core: the lock order), so the core is owed again."""
    if obligation.status != CoreStatus.RETURNING or obligation.return_case_id is None:
        return lock_obligation(obligation.pk)
    case = lock_return(obligation.return_case_id)
    obligation = lock_obligation(obligation.pk)
    unsent = case.status == ReturnStatus.AWAITING_RETURN
    if (
        obligation.status == CoreStatus.RETURNING
        and obligation.return_case_id == case.pk
        and unsent
    ):
        return_move(case, ReturnStatus.CANCELLED, actor=None, reason="Not sent by the deadline.")
        _core_move(obligation, CoreStatus.OWED)
    return obligation


def core_forfeit(*, obligation_id: int, today: date | None = None) -> bool:
    """Forfeit one core not returned by its deadline: the deposit goes to the seller. Returns
    whether it was forfeited now; a core not (or no longer) due is left alone."""
    today = today or timezone.localdate()
    obligation = CoreObligation.objects.get(pk=obligation_id)
    if obligation.due_on >= today:
        return False
    with transaction.atomic():
        obligation = _lock_for_forfeit(obligation)
        if obligation.status not in (CoreStatus.OWED, CoreStatus.REJECTED):
            return False
        _core_move(obligation, CoreStatus.FORFEITED)
        ledger_post(
            idempotency_key=f"core:{obligation.pk}:forfeited",
            kind="core_forfeit",
            description=f"Core {obligation.pk} not returned by {obligation.due_on}: forfeited.",
            postings=[
                Posting(
                    platform_account(AccountKind.CORE_DEPOSITS, obligation.currency),
                    -obligation.deposit,
                ),
                Posting(_seller_receivable(obligation), obligation.deposit),
            ],
        )
    return True


def cores_forfeit_due(*, today: date | None = None) -> int:
    """The periodic sweep: forfeit every core past its deadline that is owed, rejected, or whose
    return was never handed over. Safe to run twice or concurrently (each core re-checked under
    its lock, the ledger key names the core)."""
    today = today or timezone.localdate()
    due = CoreObligation.objects.filter(due_on__lt=today).filter(
        status__in=(CoreStatus.OWED, CoreStatus.REJECTED)
    ) | CoreObligation.objects.filter(
        due_on__lt=today,
        status=CoreStatus.RETURNING,
        return_case__status=ReturnStatus.AWAITING_RETURN,
    )
    ids = list(due.order_by("pk").values_list("pk", flat=True)[:BATCH])
    forfeited = sum(core_forfeit(obligation_id=pk, today=today) for pk in ids)
    if forfeited:
        log.info("Cores forfeited: %s", forfeited)
    return forfeited

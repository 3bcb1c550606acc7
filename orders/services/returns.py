"""The way back, shared by core returns and part returns (RMA): a case is opened with an event,
gets a return code, travels to the seller (dropped off at any outlet by code, or shipped), and
is received. The kinds differ only in what inspection pays out (`orders.services.cores` for
cores; the RMA services for refunds).

Every status change goes through `return_move` on a locked case: the transition table decides,
and an event row records who, when, from, to and why. Return codes are 10 characters from an
alphabet without look-alikes (no 0/O, 1/I/L), drawn with `secrets` (about 50 bits): unguessable,
and single use because a case leaves `awaiting_return` once. Wrong codes at the counter count
towards the same per-staff lockout as pickup codes (`PickupLockout`).
"""

import secrets

from django.db import transaction
from django.utils.translation import gettext as _

from catalog.models import Location, LocationKind
from marketplace.errors import Conflict, DomainError, check_transition
from marketplace.models import Organisation, User
from orders.models import RETURN_TRANSITIONS, ReturnCase, ReturnEvent, ReturnStatus
from orders.services.pickups import code_lookup

RETURN_CODE_ALPHABET = "23456789ABCDEFGHJKMNPQRSTUVWXYZ"
RETURN_CODE_LENGTH = 10


class ReturnCodeNotFound(DomainError):
    code = "return_code_not_found"
    status = 404


def lock_return(case_id: int) -> ReturnCase:
    """The case, locked for the rest of the transaction and read again under the lock.

    Lock order, wherever a core is involved: the case first, then its core obligation."""
    return ReturnCase.objects.select_for_update(of=("self",), no_key=True).get(pk=case_id)


def return_open(*, actor, reason: str = "", **fields) -> ReturnCase:
    """Create a case in its first status (`fields["status"]`) with the event that opens it.
    Joins the caller's transaction."""
    case = ReturnCase.objects.create(**fields)
    ReturnEvent.objects.create(
        return_case=case, actor=actor, from_status="", to_status=case.status, reason=reason[:300]
    )
    return case


def return_move(case: ReturnCase, to_status: str, *, actor, reason: str = "", fields=()):
    """Move a locked case to `to_status`, saving `fields` changed alongside, with an event.

    Raises TransitionNotAllowed (409) when the table forbids it; nothing is written then.
    """
    check_transition(
        RETURN_TRANSITIONS, entity="return", from_status=case.status, to_status=to_status
    )
    ReturnEvent.objects.create(
        return_case=case,
        actor=actor,
        from_status=case.status,
        to_status=to_status,
        reason=reason[:300],
    )
    case.status = to_status
    case.save(update_fields=["status", "updated_at", *fields])
    return case


def _new_code() -> str:
    return "".join(secrets.choice(RETURN_CODE_ALPHABET) for _ in range(RETURN_CODE_LENGTH))


def return_code_issue(case: ReturnCase) -> ReturnCase:
    """Give a (locked or new) case its return code; a case that has one keeps it.

    A clash is astronomically unlikely (31^10 codes); the unique index is the backstop.
    """
    if case.code:
        return case
    code = _new_code()
    while ReturnCase.objects.filter(code=code).exists():
        code = _new_code()
    case.code = code
    case.save(update_fields=["code", "updated_at"])
    return case


def _outlet_counter(outlet: Organisation, location_id: int | None) -> Location:
    counters = Location.objects.filter(organisation=outlet, kind=LocationKind.OUTLET)
    if location_id is not None:
        counters = counters.filter(pk=location_id)
    counter = counters.order_by("pk").first()
    if counter is None:
        raise DomainError.for_field("location", _("This outlet has no such counter."))
    return counter


def return_find_by_code(*, outlet: Organisation, user: User, code: str) -> ReturnCase:
    """The case under `code`, for an outlet's staff member. Any outlet may take any return.

    A wrong code counts against the staff member, as pickup codes do (one lockout for both).
    Raises PickupLockedOut (429) while locked out, ReturnCodeNotFound (404).
    """
    case = code_lookup(
        outlet=outlet, user=user, code=code,
        find=lambda c: ReturnCase.objects.filter(code=c).first(),
    )  # fmt: skip
    if case is None:
        raise ReturnCodeNotFound(_("No return has that code."))
    return case


def return_drop_off(
    *, outlet: Organisation, user: User, code: str, location_id: int | None = None
) -> ReturnCase:
    """The buyer hands the part over at an outlet counter; its staff record it by code.

    The code is spent: a second drop-off is a TransitionNotAllowed (409).
    """
    case = return_find_by_code(outlet=outlet, user=user, code=code)
    counter = _outlet_counter(outlet, location_id)
    with transaction.atomic():
        locked = lock_return(case.pk)
        locked.drop_off_location = counter
        return return_move(
            locked,
            ReturnStatus.DROPPED_OFF,
            actor=user,
            reason=f"Dropped off at {counter.name}.",
            fields=["drop_off_location"],
        )


def return_ship(*, case: ReturnCase, actor, carrier: str, tracking_number: str) -> ReturnCase:
    """The buyer sends the part to the seller by post."""
    if not carrier.strip() or not tracking_number.strip():
        raise DomainError(
            _("Say which carrier has the parcel and its tracking number."),
            fields={"carrier": [_("Required.")], "tracking_number": [_("Required.")]},
        )
    with transaction.atomic():
        locked = lock_return(case.pk)
        locked.carrier, locked.tracking_number = carrier.strip(), tracking_number.strip()
        return return_move(
            locked, ReturnStatus.SHIPPED, actor=actor, fields=["carrier", "tracking_number"]
        )


def return_receive(*, case: ReturnCase, actor) -> ReturnCase:
    """The seller has the part in hand (from the outlet or the carrier). Idempotent: a case
    already received is returned as it is."""
    with transaction.atomic():
        locked = lock_return(case.pk)
        if locked.status == ReturnStatus.RECEIVED:
            return locked
        return return_move(locked, ReturnStatus.RECEIVED, actor=actor)


def return_refuse_unless(case: ReturnCase, *statuses: str, message: str) -> None:
    """A Conflict (409) unless the locked case is in one of `statuses`."""
    if case.status not in statuses:
        raise Conflict(message)

"""The part passport: append an event to a listing's chain, and verify the chain.

Every event's hash is SHA-256 over a canonical JSON form of its content and of the hash of the
event before it, so altering, deleting or reordering any event breaks the chain from there on.
The hash is taken over the canonical form, never over the stored text: PostgreSQL's JSONB keeps
neither key order nor whitespace, so only a form rebuilt from the values reproduces the hash.

`passport_append` is the only writer of `PassportEvent`; `catalog`'s, `certification`'s and
`orders`' services call it as things happen, inside their own transactions.
"""

import hashlib
import json
from dataclasses import dataclass
from datetime import UTC, date, datetime, time
from decimal import Decimal
from typing import Any
from uuid import UUID

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from catalog.models import GENESIS_HASH, Condition, Listing, PassportEvent, PassportEventKind
from marketplace.models import Organisation

# Pure helpers: no database.


def _json_default(value: Any) -> str:
    if isinstance(value, datetime):
        return canonical_instant(value)
    if isinstance(value, date | time):
        return value.isoformat()
    if isinstance(value, Decimal | UUID):
        return str(value)
    raise TypeError(f"A passport detail cannot hold a {type(value).__name__}.")


def _refuse_floats(value: Any, path: str = "details") -> None:
    # JSONB rewrites numbers (1e20 comes back as 100000000000000000000), so a float would not
    # hash the same after a round trip; amounts are Decimals, which become strings.
    if isinstance(value, float):
        raise TypeError(f"{path} is a float; give a Decimal or a string instead.")
    if isinstance(value, dict):
        for key, item in value.items():
            _refuse_floats(item, f"{path}.{key}")
    elif isinstance(value, list | tuple):
        for index, item in enumerate(value):
            _refuse_floats(item, f"{path}.{index}")


def canonical_json(value: Any) -> str:
    """The one text form of a JSON value: sorted keys, no whitespace, ASCII only."""
    return json.dumps(
        value, sort_keys=True, separators=(",", ":"), default=_json_default, allow_nan=False
    )


def canonical_details(details: dict | None) -> dict:
    """Details as plain JSON: Decimals, dates and UUIDs become strings, keys become strings.

    This is what is stored and what is hashed, so the stored row re-hashes to the same value.
    Raises TypeError for floats and for values JSON cannot hold.
    """
    details = {} if details is None else details
    if not isinstance(details, dict):
        raise TypeError("Passport details are a mapping of names to values.")
    _refuse_floats(details)
    # Unsorted here: keys of mixed types cannot be sorted until they are all strings.
    return json.loads(json.dumps(details, default=_json_default, allow_nan=False))


def canonical_instant(moment: datetime) -> str:
    """An aware datetime in UTC, ISO 8601 with microseconds, whatever zone it arrived in."""
    if timezone.is_naive(moment):
        raise ValueError("A passport time must be timezone-aware.")
    return moment.astimezone(UTC).isoformat(timespec="microseconds")


@dataclass(frozen=True)
class PassportEntry:
    """Everything an event's hash covers."""

    listing_id: int
    sequence: int
    unit: int | None
    kind: str
    details: dict
    recorded_by_id: int | None
    recorded_at: datetime
    previous_hash: str

    @classmethod
    def of(cls, event: PassportEvent) -> "PassportEntry":
        return cls(
            listing_id=event.listing_id,
            sequence=event.sequence,
            unit=event.unit,
            kind=event.kind,
            details=event.details,
            recorded_by_id=event.recorded_by_id,
            recorded_at=event.recorded_at,
            previous_hash=event.previous_hash,
        )

    def canonical(self) -> str:
        return canonical_json(
            {
                "listing": self.listing_id,
                "sequence": self.sequence,
                "unit": self.unit,
                "kind": str(self.kind),
                "details": self.details,
                "recorded_by": self.recorded_by_id,
                "recorded_at": canonical_instant(self.recorded_at),
                "previous_hash": self.previous_hash,
            }
        )


def passport_hash(entry: PassportEntry) -> str:
    """SHA-256, in hex, of the entry's canonical form."""
    return hashlib.sha256(entry.canonical().encode("utf-8")).hexdigest()


@dataclass(frozen=True)
class PassportVerification:
    """The outcome of re-checking a chain: intact, or the first sequence where it breaks."""

    intact: bool
    events: int
    broken_at: int | None = None
    reason: str = ""


def chain_verification(entries: list[tuple[PassportEntry, str]]) -> PassportVerification:
    """Check entries (each with its stored hash), in sequence order, against each other.

    A deleted event shows as a gap in the sequence, an altered one as a hash that no longer
    matches its content, a re-linked one as a previous hash that is not its predecessor's.
    """
    previous_hash, expected_sequence = GENESIS_HASH, 1
    for entry, stored_hash in entries:
        reason = _break_reason(entry, stored_hash, expected_sequence, previous_hash)
        if reason:
            return PassportVerification(
                intact=False, events=len(entries), broken_at=entry.sequence, reason=reason
            )
        previous_hash, expected_sequence = stored_hash, entry.sequence + 1
    return PassportVerification(intact=True, events=len(entries), reason=_("Every event checks."))


def _break_reason(
    entry: PassportEntry, stored_hash: str, expected_sequence: int, previous_hash: str
) -> str:
    if entry.sequence != expected_sequence:
        return _(
            "Event %(sequence)s comes where event %(expected)s should: "
            "events are missing or out of order."
        ) % {"sequence": entry.sequence, "expected": expected_sequence}
    if entry.previous_hash != previous_hash:
        return _("Event %(sequence)s does not link to the event before it.") % {
            "sequence": entry.sequence
        }
    if passport_hash(entry) != stored_hash:
        return _("Event %(sequence)s was changed after it was recorded: its hash differs.") % {
            "sequence": entry.sequence
        }
    return ""


# Services: the database.


def passport_append(
    *,
    listing: Listing,
    kind: str,
    details: dict | None = None,
    unit: int | None = None,
    recorded_by: Organisation | None = None,
) -> PassportEvent:
    """Add an event to the end of the listing's chain and return it.

    Joins the caller's transaction when there is one. The listing's row lock serialises
    appends to one chain, so concurrent callers line up and the sequence has no gaps; the
    unique (listing, sequence) constraint is the backstop. FOR NO KEY UPDATE, like the stock
    locks, so it does not block a cart line's foreign key check on the listing.

    Raises TypeError for details that are not plain JSON (floats included), ValueError for an
    unknown kind or a unit below 1.
    """
    if kind not in PassportEventKind.values:
        raise ValueError(f"Unknown passport event kind: {kind!r}.")
    if unit is not None and unit < 1:
        raise ValueError("Units are numbered from 1.")
    details = canonical_details(details)
    with transaction.atomic():
        Listing.objects.select_for_update(no_key=True).only("pk").get(pk=listing.pk)
        last = (
            PassportEvent.objects.filter(listing_id=listing.pk)
            .order_by("-sequence")
            .values_list("sequence", "hash")
            .first()
        )
        sequence, previous_hash = (last[0] + 1, last[1]) if last else (1, GENESIS_HASH)
        entry = PassportEntry(
            listing_id=listing.pk,
            sequence=sequence,
            unit=unit,
            kind=str(kind),
            details=details,
            recorded_by_id=recorded_by.pk if recorded_by else None,
            recorded_at=timezone.now(),
            previous_hash=previous_hash,
        )
        return PassportEvent.objects.create(
            listing_id=entry.listing_id,
            sequence=entry.sequence,
            unit=entry.unit,
            kind=entry.kind,
            details=entry.details,
            recorded_by=recorded_by,
            recorded_at=entry.recorded_at,
            previous_hash=entry.previous_hash,
            hash=passport_hash(entry),
        )


def passport_verify(*, listing: Listing) -> PassportVerification:
    """Recompute every hash and link of the listing's chain, in one query."""
    events = PassportEvent.objects.filter(listing_id=listing.pk).order_by("sequence")
    return chain_verification([(PassportEntry.of(event), event.hash) for event in events])


# What the catalog's own services record.


def passport_record_dismantled(*, listing: Listing) -> PassportEvent | None:
    """A recycled part with a donor VIN starts its passport at the donor vehicle."""
    if listing.condition != Condition.RECYCLED or not listing.donor_vin:
        return None
    return passport_append(
        listing=listing,
        kind=PassportEventKind.DISMANTLED,
        details={
            "donor_vin": listing.donor_vin,
            "donor_year": listing.donor_year,
            "donor_make": listing.donor_make,
            "donor_model": listing.donor_model,
            "donor_mileage": listing.donor_mileage,
        },
        recorded_by=listing.seller_organisation,
    )


def passport_record_listed(*, listing: Listing) -> PassportEvent | None:
    """Record the listing's first publication; later republications add nothing.

    Checked under the listing's row lock, so two publications racing record one event.
    """
    with transaction.atomic():
        Listing.objects.select_for_update(no_key=True).only("pk").get(pk=listing.pk)
        listed = PassportEvent.objects.filter(listing_id=listing.pk, kind=PassportEventKind.LISTED)
        if listed.exists():
            return None
        return passport_append(
            listing=listing,
            kind=PassportEventKind.LISTED,
            details={
                "seller_sku": listing.seller_sku,
                "title": listing.title,
                "part_type": listing.part_type.code,
                "oe_number": listing.part.oe_number if listing.part else "",
                "condition": listing.condition,
                "grade": listing.grade,
                "damage_notes": listing.damage_notes,
                "donor_vin": listing.donor_vin,
                "warranty_days": listing.warranty_days,
                "price": str(listing.price),
                "core_charge": str(listing.core_charge),
                "currency": listing.currency,
            },
            recorded_by=listing.seller_organisation,
        )

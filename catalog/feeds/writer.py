"""The set-based write of a validated feed: a handful of statements, whatever the row count.

Validated rows go into a temporary staging table (PostgreSQL `COPY`, or `executemany` on SQLite:
the only difference between the two databases), then one UPDATE changes the listings whose
fields or part numbers differ, one INSERT adds the new SKUs, two statements bring the part
numbers in line, and an optional UPDATE withdraws the seller's listings the feed no longer names.

The caller holds a transaction and the seller's lock (see `feed_import_run`): the counts come from
row counts of these statements, which are only exact when no other feed of the seller runs.
"""

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime
from operator import attrgetter

from django.db import connection

from catalog.feeds.validation import FeedValidation
from catalog.models import Listing, ListingPartNumber, ListingStatus

LISTING = Listing._meta.db_table
PART_NUMBER = ListingPartNumber._meta.db_table
STAGING = "feed_staging"
STAGING_NUMBERS = "feed_staging_numbers"
KEPT_SKUS = "feed_kept_skus"

# Listing columns a feed sets, in FeedRow's field order; `sku` is the listing's seller_sku.
FIELDS = (
    "part_type_id", "part_id", "title", "description", "condition", "grade", "damage_notes",
    "price", "currency", "core_charge", "quantity_on_hand", "warranty_days", "location_id",
    "donor_vin", "donor_vehicle_id", "donor_year", "donor_make", "donor_model", "donor_mileage",
    "size_class", "status",
)  # fmt: skip
_STAGING_DDL = f"""
CREATE TEMPORARY TABLE {STAGING} (
    sku varchar(64) NOT NULL, part_type_id bigint NOT NULL, part_id bigint,
    title varchar(200) NOT NULL, description text NOT NULL, condition varchar(20) NOT NULL,
    grade varchar(1) NOT NULL, damage_notes text NOT NULL, price numeric(12, 2) NOT NULL,
    currency varchar(3) NOT NULL, core_charge numeric(12, 2) NOT NULL,
    quantity_on_hand integer NOT NULL, warranty_days integer NOT NULL, location_id bigint,
    donor_vin varchar(17) NOT NULL, donor_vehicle_id bigint, donor_year smallint,
    donor_make varchar(100) NOT NULL, donor_model varchar(150) NOT NULL, donor_mileage integer,
    size_class varchar(10) NOT NULL, status varchar(10) NOT NULL,
    numbers_changed boolean NOT NULL DEFAULT FALSE
)"""
_STAGING_NUMBERS_DDL = f"""
CREATE TEMPORARY TABLE {STAGING_NUMBERS} (
    sku varchar(64) NOT NULL, number varchar(60) NOT NULL, normalised varchar(60) NOT NULL
)"""
_row_values = attrgetter("sku", *FIELDS)
_number_values = attrgetter("sku", "number", "normalised")


@dataclass(frozen=True)
class FeedWriteCounts:
    created: int
    updated: int
    withdrawn: int


def _load(cursor, table: str, columns: tuple[str, ...], rows: Iterable[tuple]) -> None:
    """Fill a staging table: COPY on PostgreSQL (by far the fastest way in), else executemany."""
    names = ", ".join(columns)
    if connection.vendor == "postgresql":
        with cursor.copy(f"COPY {table} ({names}) FROM STDIN") as copy:
            for row in rows:
                copy.write_row(row)
    else:
        placeholders = ", ".join(["%s"] * len(columns))
        cursor.executemany(f"INSERT INTO {table} ({names}) VALUES ({placeholders})", list(rows))


def _stage(cursor, validation: FeedValidation, *, withdraw_missing: bool) -> None:
    cursor.execute(_STAGING_DDL)
    cursor.execute(_STAGING_NUMBERS_DDL)
    _load(cursor, STAGING, ("sku", *FIELDS), map(_row_values, validation.rows))
    numbers = map(_number_values, validation.part_numbers)
    _load(cursor, STAGING_NUMBERS, ("sku", "number", "normalised"), numbers)
    if withdraw_missing:
        # SKUs of rejected rows are in the file: a typo in a price must not withdraw a listing.
        cursor.execute(f"CREATE TEMPORARY TABLE {KEPT_SKUS} (sku varchar(64) NOT NULL)")
        _load(cursor, KEPT_SKUS, ("sku",), ((sku,) for sku in validation.rejected_skus))
    if connection.vendor != "postgresql":
        # SQLite joins by nested loops and needs these. PostgreSQL does better without: hash
        # joins over the staging tables whatever its (possibly stale) row estimates for listings.
        cursor.execute(f"CREATE UNIQUE INDEX {STAGING}_sku ON {STAGING} (sku)")
        cursor.execute(f"CREATE INDEX {STAGING_NUMBERS}_sku ON {STAGING_NUMBERS} (sku, normalised)")


def _unstage(cursor, *, withdraw_missing: bool) -> None:
    for table in (STAGING, STAGING_NUMBERS, *((KEPT_SKUS,) if withdraw_missing else ())):
        cursor.execute(f"DROP TABLE {table}")


def _mark_changed_numbers(cursor, seller_id: int) -> None:
    """Flag staged SKUs whose existing listing lacks a number the feed gives, or has one the
    feed no longer gives: their listing counts as updated even when no field changed."""
    cursor.execute(
        f"""
        UPDATE {STAGING} SET numbers_changed = TRUE WHERE sku IN (
            SELECT p.sku FROM {STAGING_NUMBERS} AS p
            JOIN {LISTING} AS l ON l.seller_organisation_id = %s AND l.seller_sku = p.sku
            WHERE NOT EXISTS (
                SELECT 1 FROM {PART_NUMBER} AS n
                WHERE n.listing_id = l.id AND n.normalised = p.normalised)
            UNION
            SELECT l.seller_sku FROM {LISTING} AS l
            JOIN {PART_NUMBER} AS n ON n.listing_id = l.id
            WHERE l.seller_organisation_id = %s AND NOT EXISTS (
                SELECT 1 FROM {STAGING_NUMBERS} AS p
                WHERE p.sku = l.seller_sku AND p.normalised = n.normalised))
        """,
        [seller_id, seller_id],
    )


def _update_changed(cursor, seller_id: int, now: datetime) -> int:
    """Listings whose fields differ from the feed (NULL-safe) or whose numbers changed."""
    assignments = ", ".join(f"{field} = s.{field}" for field in FIELDS)
    stored = ", ".join(f"l.{field}" for field in FIELDS)
    staged = ", ".join(f"s.{field}" for field in FIELDS)
    cursor.execute(
        f"""
        UPDATE {LISTING} AS l SET {assignments}, updated_at = %s, search_dirty = TRUE
        FROM {STAGING} AS s
        WHERE l.seller_organisation_id = %s AND l.seller_sku = s.sku
          AND (({stored}) IS DISTINCT FROM ({staged}) OR s.numbers_changed)
        """,
        [now, seller_id],
    )
    return cursor.rowcount


def _insert_new(cursor, seller_id: int, now: datetime) -> int:
    """New SKUs. The seller lock keeps other feeds out; ON CONFLICT covers a listing created by
    hand at the same moment (it keeps its own values rather than failing the whole feed)."""
    fields = ", ".join(FIELDS)
    staged = ", ".join(f"s.{field}" for field in FIELDS)
    cursor.execute(
        f"""
        INSERT INTO {LISTING}
            (seller_organisation_id, seller_user_id, seller_sku, {fields}, created_at, updated_at)
        SELECT %s, NULL, s.sku, {staged}, %s, %s FROM {STAGING} AS s
        WHERE NOT EXISTS (
            SELECT 1 FROM {LISTING} AS l
            WHERE l.seller_organisation_id = %s AND l.seller_sku = s.sku)
        ON CONFLICT (seller_organisation_id, seller_sku) WHERE seller_organisation_id IS NOT NULL
        DO NOTHING
        """,
        [seller_id, now, now, seller_id],
    )
    return cursor.rowcount


def _sync_part_numbers(cursor, seller_id: int) -> None:
    """The feed is the truth for the numbers of the listings it names: drop the ones it no
    longer gives, add the missing ones (ON CONFLICT: a listing edited by hand at the same moment
    may have just recorded the same number)."""
    cursor.execute(
        f"""
        DELETE FROM {PART_NUMBER} WHERE id IN (
            SELECT n.id FROM {PART_NUMBER} AS n
            JOIN {LISTING} AS l ON l.id = n.listing_id
            JOIN {STAGING} AS s ON s.sku = l.seller_sku
            WHERE l.seller_organisation_id = %s AND s.numbers_changed AND NOT EXISTS (
                SELECT 1 FROM {STAGING_NUMBERS} AS p
                WHERE p.sku = s.sku AND p.normalised = n.normalised))
        """,
        [seller_id],
    )
    cursor.execute(
        f"""
        INSERT INTO {PART_NUMBER} (listing_id, number, normalised)
        SELECT l.id, p.number, p.normalised FROM {STAGING_NUMBERS} AS p
        JOIN {LISTING} AS l ON l.seller_organisation_id = %s AND l.seller_sku = p.sku
        WHERE NOT EXISTS (
            SELECT 1 FROM {PART_NUMBER} AS n
            WHERE n.listing_id = l.id AND n.normalised = p.normalised)
        ON CONFLICT (listing_id, normalised) DO NOTHING
        """,
        [seller_id],
    )


def _withdraw_missing(cursor, seller_id: int, now: datetime) -> int:
    cursor.execute(
        f"""
        UPDATE {LISTING} SET status = %s, updated_at = %s, search_dirty = TRUE
        WHERE seller_organisation_id = %s AND status <> %s
          AND NOT EXISTS (SELECT 1 FROM {STAGING} AS s WHERE s.sku = {LISTING}.seller_sku)
          AND NOT EXISTS (SELECT 1 FROM {KEPT_SKUS} AS k WHERE k.sku = {LISTING}.seller_sku)
        """,
        [ListingStatus.WITHDRAWN.value, now, seller_id, ListingStatus.WITHDRAWN.value],
    )
    return cursor.rowcount


def feed_rows_write(
    *, seller_id: int, validation: FeedValidation, withdraw_missing: bool, now: datetime
) -> FeedWriteCounts:
    """Write every validated row of a feed for the organisation `seller_id`.

    Must run inside the caller's transaction, holding the seller's lock. Invariants: a listing
    whose stored fields and part numbers equal the feed's is not touched (its `updated_at`
    stays); a reappearing withdrawn listing is updated like any changed one; `withdraw_missing`
    spares the SKUs of rejected rows, and withdraws nothing when no row was accepted.
    """
    with connection.cursor() as cursor:
        _stage(cursor, validation, withdraw_missing=withdraw_missing)
        _mark_changed_numbers(cursor, seller_id)
        updated = _update_changed(cursor, seller_id, now)
        created = _insert_new(cursor, seller_id, now)
        _sync_part_numbers(cursor, seller_id)
        # A feed with no acceptable row is a broken export, not an empty inventory.
        withdraw = withdraw_missing and bool(validation.rows)
        withdrawn = _withdraw_missing(cursor, seller_id, now) if withdraw else 0
        _unstage(cursor, withdraw_missing=withdraw_missing)
    return FeedWriteCounts(created=created, updated=updated, withdrawn=withdrawn)

"""The catalog: reference data, sellers and parts through the ORM, then N listings, their part
numbers, photos and search rows COPYed in with the secondary indexes and keys dropped."""

import random
import time
from collections.abc import Iterable, Iterator
from concurrent.futures import ThreadPoolExecutor
from contextlib import contextmanager
from dataclasses import dataclass

from django.conf import settings
from django.core.management import call_command
from django.db import connection

from .database import DATABASE, connect
from .listings import GRADE_RANK, ListingFactory
from .parts import PartRef, parts_create
from .reference import part_types_read, vehicles_read
from .report import say
from .sellers import individuals_create, organisations_create

CHUNK = 25_000
VERIFY_SAMPLE = 200
# The listing columns COPY fills, in this order (`listing_row`).
LISTING_COLUMNS = (
    "id", "seller_organisation_id", "seller_user_id", "seller_sku", "part_type_id", "part_id",
    "title", "description", "condition", "grade", "damage_notes", "price", "currency",
    "core_charge", "quantity_on_hand", "warranty_days", "location_id", "donor_vin",
    "donor_vehicle_id", "donor_year", "donor_make", "donor_model", "donor_mileage", "status",
    "created_at", "updated_at", "search_dirty",
)  # fmt: skip
# Every column of `ListingSearch` but the generated tsvectors (`search_row_values`).
SEARCH_COLUMNS = (
    "listing_id", "document", "part_numbers", "fitment", "interchange_group", "make",
    "part_type", "part_type_group", "condition", "grade", "grade_rank", "seller_kind", "price",
    "price_with_core", "core_charge", "price_band", "currency", "warranty_days", "donor_mileage",
    "latitude", "longitude", "pickup_available", "certified_until", "created_at", "title",
    "part_type_name", "seller_name", "photo",
)  # fmt: skip
PART_NUMBER_COLUMNS = ("listing_id", "number", "normalised")
PHOTO_COLUMNS = ("listing_id", "image", "width", "height", "position", "created_at")
BULK_TABLES = (
    "catalog_listing", "catalog_listingpartnumber", "catalog_listingphoto",
    "catalog_listingsearch",
)  # fmt: skip


def _copy(cursor, table: str, columns: tuple[str, ...], rows: Iterable[tuple]) -> None:
    with cursor.copy(f"COPY {table} ({', '.join(columns)}) FROM STDIN") as copy:
        for row in rows:
            copy.write_row(row)


def _schema(cursor) -> tuple[list[tuple], list[tuple]]:
    """Secondary indexes and foreign keys of the bulk-loaded tables, as definitions."""
    cursor.execute(
        "SELECT indexname, indexdef FROM pg_indexes WHERE schemaname = 'public' "
        "AND tablename = ANY(%s) AND indexname NOT IN (SELECT conindid::regclass::text "
        "FROM pg_constraint WHERE contype IN ('p', 'u', 'x')) ORDER BY indexname",
        [list(BULK_TABLES)],
    )
    indexes = cursor.fetchall()
    cursor.execute(
        "SELECT conrelid::regclass::text, conname, pg_get_constraintdef(oid) FROM pg_constraint "
        "WHERE contype = 'f' AND conrelid::regclass::text = ANY(%s) ORDER BY conname",
        [list(BULK_TABLES)],
    )
    return indexes, cursor.fetchall()


def _run_parallel(statements: list[str], workers: int = 2) -> None:
    """Run independent DDL on `workers` connections at once (index builds use both cores)."""

    def run(statement: str) -> None:
        with connect(DATABASE) as conn:
            conn.execute("SET maintenance_work_mem = '1GB'")
            conn.execute(statement)

    with ThreadPoolExecutor(workers) as pool:
        list(pool.map(run, statements))


@contextmanager
def bulk_load_mode() -> Iterator[None]:
    """Drop the secondary indexes and foreign keys of the bulk-loaded tables, and put them back
    after (indexes built in one pass, keys validated in one join each): the schema ends exactly
    as the migrations made it, which is checked."""
    with connection.cursor() as cursor:
        indexes, keys = _schema(cursor)
        for table, name, _ in keys:
            cursor.execute(f'ALTER TABLE {table} DROP CONSTRAINT "{name}"')
        for name, _ in indexes:
            cursor.execute(f'DROP INDEX "{name}"')
    yield
    started = time.perf_counter()
    # GIN indexes first: they take longest.
    _run_parallel([d for _, d in sorted(indexes, key=lambda i: "USING gin" not in i[1])])
    say(f"indexes built in {time.perf_counter() - started:.0f} s")
    with connection.cursor() as cursor:
        for table, name, definition in keys:
            cursor.execute(f'ALTER TABLE {table} ADD CONSTRAINT "{name}" {definition}')
        if _schema(cursor) != (indexes, keys):
            raise RuntimeError("The bulk load did not restore the indexes and keys it dropped.")


def _fill(n: int, factory: ListingFactory) -> None:
    """COPY the listings, their part numbers and photos, then their search rows, by chunks."""
    started = time.perf_counter()
    with connection.cursor() as cursor:
        for first in range(1, n + 1, CHUNK):
            drafts = [factory.draft(i) for i in range(first, min(n, first + CHUNK - 1) + 1)]
            _copy(cursor, "catalog_listing", LISTING_COLUMNS, map(factory.listing_row, drafts))
            numbers = (row for d in drafts for row in factory.part_number_rows(d))
            _copy(cursor, "catalog_listingpartnumber", PART_NUMBER_COLUMNS, numbers)
            photos = (row for d in drafts for row in factory.photo_rows(d))
            _copy(cursor, "catalog_listingphoto", PHOTO_COLUMNS, photos)
            rows = (factory.search_row(d) for d in drafts if d.searchable)
            _copy(cursor, "catalog_listingsearch", SEARCH_COLUMNS, rows)
            done = drafts[-1].id
            rate = done / (time.perf_counter() - started)
            say(f"{done:,} / {n:,} listings copied ({rate:,.0f}/s)")
        cursor.execute("SELECT setval(pg_get_serial_sequence('catalog_listing', 'id'), %s)", [n])


def _check_columns() -> None:
    """Fail loudly if the search table or the document grew a field this mirror lacks."""
    from catalog.models import ListingSearch
    from catalog.search.documents import GRADE_RANK as RANKS

    columns = {f.column for f in ListingSearch._meta.concrete_fields}
    if columns != set(SEARCH_COLUMNS) or RANKS != GRADE_RANK:
        raise RuntimeError(
            f"ListingSearch changed: {sorted(columns ^ set(SEARCH_COLUMNS))}; update SEARCH_COLUMNS"
            " and ListingFactory.search_row to mirror catalog/search/indexing.py."
        )


def verify_sample(n: int, rng: random.Random) -> None:
    """Rewrite a sample of listings with `search_rows_write`: every row must stay as copied."""
    from catalog.models import ListingSearch
    from catalog.search.indexing import search_rows_write

    ids = sorted(rng.sample(range(1, n + 1), min(VERIFY_SAMPLE, n)))
    fields = [f.attname for f in ListingSearch._meta.concrete_fields]

    def rows() -> dict[int, dict]:
        found = ListingSearch.objects.filter(listing_id__in=ids).values(*fields)
        return {row["listing_id"]: row for row in found}

    copied = rows()
    search_rows_write(ids)
    written = rows()
    if copied != written:
        listing_id = min(
            set(copied) ^ set(written) or {i for i in copied if copied[i] != written[i]}
        )
        before, after = copied.get(listing_id, {}), written.get(listing_id, {})
        diff = {k: (before.get(k), after.get(k)) for k in fields if before.get(k) != after.get(k)}
        raise RuntimeError(f"Copied search row of listing {listing_id} differs: {diff}")
    say(f"{len(ids)} sampled listings: search_rows_write leaves their {len(copied)} rows as copied")


def _vacuum_analyze() -> None:
    """VACUUM ANALYZE the two big tables at once, then the rest of the database."""
    _run_parallel(["VACUUM ANALYZE catalog_listing", "VACUUM ANALYZE catalog_listingsearch"])
    with connection.cursor() as cursor:
        cursor.execute("VACUUM ANALYZE")


@dataclass
class Catalog:
    """What the queries are made from: the parts by popularity and numbers sellers gave."""

    parts: list[PartRef]
    part_weights: list[float]
    seller_numbers: list[str]


def build(n: int, rng: random.Random) -> Catalog:
    """Reference data, sellers, parts, then `n` listings and their search rows."""
    from catalog.reference import part_types_load, vehicles_load

    _check_columns()
    call_command("migrate", verbosity=0)
    vehicles_load(csv_path=settings.VEHICLE_REFERENCE_CSV)
    part_types_load()
    vehicles, part_types = vehicles_read(), part_types_read()
    sellers = organisations_create(rng) + individuals_create(rng)
    parts = parts_create(rng, vehicles, part_types)
    say(f"{len(vehicles.ids):,} model years, {len(sellers):,} sellers, {len(parts):,} parts")
    factory = ListingFactory(rng, vehicles, part_types, sellers, parts)
    with bulk_load_mode():
        _fill(n, factory)
    verify_sample(n, rng)
    _vacuum_analyze()
    return Catalog(parts, factory.part_weights, factory.seller_numbers)

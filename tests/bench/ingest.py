"""Ingest benchmark: import a generated inventory feed through the feed service, next to a floor.

The feed (DEFAULT_N = 100,000 rows, fixed seed) uses real years, makes and models from the vPIC
reference CSV and the part types created here. The import runs synchronously through
`feed_import_create` + `feed_import_run`, the same service the API's task calls. The floor is
PostgreSQL `COPY` of the same file (same columns, as text) into a bare table with no indexes,
timed in the same run. Everything happens in a database of its own, dropped at the end.
"""

import csv
import io
import random
import sys
import tempfile
import time
from contextlib import contextmanager
from decimal import Decimal
from pathlib import Path

import psycopg
from django.conf import settings
from django.core.files.base import ContentFile
from django.core.management import call_command
from django.db import connection, connections, transaction
from django.test import override_settings

BENCH = "ingest"
DEFAULT_N = 100_000
SEED = 20_240_601
DATABASE = "marketplace_bench_ingest"
CATALOGUED_PARTS = 5_000
PART_TYPES = {
    "alternator": "Alternator", "starter": "Starter motor", "ac_compressor": "A/C compressor",
    "radiator": "Radiator", "headlamp_left": "Headlamp, left", "headlamp_right": "Headlamp, right",
    "mirror_left": "Door mirror, left", "mirror_right": "Door mirror, right",
    "door_front_left": "Door assembly, front left", "tail_lamp": "Tail lamp",
    "engine": "Engine assembly", "transmission": "Transmission", "ecu": "Engine control unit",
    "abs_module": "ABS module", "power_steering_pump": "Power steering pump",
    "turbocharger": "Turbocharger", "fuel_pump": "Fuel pump", "wheel": "Wheel",
    "seat_front_left": "Front seat, left", "bumper_front": "Front bumper cover",
}  # fmt: skip
CONDITIONS = [("recycled", 60), ("remanufactured", 15), ("refurbished", 10),
              ("aftermarket", 10), ("new_oem", 5)]  # fmt: skip
HEADER = [
    "sku", "part_type", "oe_number", "description", "condition", "grade", "damage_notes",
    "price", "currency", "core_charge", "quantity", "warranty_days", "location", "donor_vin",
    "donor_year", "donor_make", "donor_model", "donor_mileage",
]  # fmt: skip
VIN_CHARACTERS = "ABCDEFGHJKLMNPRSTUVWXYZ0123456789"


def _say(message: str) -> None:
    print(f"[ingest] {message}", file=sys.stderr, flush=True)


def _admin_connection() -> psycopg.Connection:
    params = connection.settings_dict
    return psycopg.connect(
        host=params["HOST"] or None,
        port=params["PORT"] or None,
        user=params["USER"],
        password=params["PASSWORD"],
        dbname=params["NAME"],
        autocommit=True,
    )


@contextmanager
def bench_database():
    """Point Django at a fresh database of its own for the duration, and drop it after."""
    if connection.vendor != "postgresql":
        raise SystemExit("The ingest benchmark needs PostgreSQL: set DATABASE_URL.")
    default = connections["default"]
    original = default.settings_dict["NAME"]
    with _admin_connection() as admin:
        admin.execute(f"DROP DATABASE IF EXISTS {DATABASE} WITH (FORCE)")
        admin.execute(f"CREATE DATABASE {DATABASE}")
    default.close()
    default.settings_dict["NAME"] = DATABASE
    try:
        with tempfile.TemporaryDirectory() as media, override_settings(MEDIA_ROOT=media):
            yield
    finally:
        default.close()
        default.settings_dict["NAME"] = original
        with _admin_connection() as admin:
            admin.execute(f"DROP DATABASE IF EXISTS {DATABASE} WITH (FORCE)")


def _vehicle_names() -> list[tuple[int, str, str]]:
    with Path(settings.VEHICLE_REFERENCE_CSV).open(newline="", encoding="utf-8") as stream:
        rows = {(int(r["year"]), r["make"], r["model"]) for r in csv.DictReader(stream)}
    return sorted(rows)


def _load_vehicles(names: list[tuple[int, str, str]]) -> None:
    from catalog.models import Make, Vehicle, VehicleModel

    makes = {name: Make(name=name) for name in sorted({make for _, make, _ in names})}
    Make.objects.bulk_create(makes.values())
    models = {
        (make, model): VehicleModel(make=makes[make], name=model)
        for make, model in sorted({(make, model) for _, make, model in names})
    }
    VehicleModel.objects.bulk_create(models.values(), batch_size=2000)
    vehicles = [
        Vehicle(model=models[(make, model)], year=year, vehicle_type="Passenger Car")
        for year, make, model in names
    ]
    Vehicle.objects.bulk_create(vehicles, batch_size=5000)


def _catalog(rng: random.Random) -> list[tuple[str, str]]:
    """Part types, and catalogued parts as (OE number, part type code)."""
    from catalog.models import Part, PartType, PartTypeGroup

    group = PartTypeGroup.objects.create(code="bench", name="Bench parts")
    types = {
        code: PartType.objects.create(code=code, name=name, group=group)
        for code, name in PART_TYPES.items()
    }
    parts = []
    for index in range(CATALOGUED_PARTS):
        code = rng.choice(list(types))
        number = f"{rng.randint(10000, 99999)}-{rng.choice('ABCDEFGHJK')}{index:05d}"
        normalised = number.replace("-", "")
        parts.append(Part(oe_number=number, oe_number_normalised=normalised, part_type=types[code]))
    Part.objects.bulk_create(parts, batch_size=5000)
    return [(part.oe_number, part.part_type.code) for part in parts]


def _seller():
    from catalog.models import Location
    from tests.marketplace.factories import MembershipFactory, OrganisationFactory

    seller = OrganisationFactory(kind="dismantler", name="Bench Yard", slug="bench-yard")
    user = MembershipFactory(organisation=seller).user
    for name in ("Main yard", "Overflow lot"):
        Location.objects.create(
            organisation=seller, name=name, latitude=Decimal("41.8781"), longitude=Decimal("-87.6")
        )
    return seller, user


def _row(index: int, rng: random.Random, vehicles, parts) -> list:
    year, make, model = rng.choice(vehicles)
    condition = rng.choices([c for c, _ in CONDITIONS], [w for _, w in CONDITIONS])[0]
    pick = rng.random()
    if pick < 0.3:
        oe_number, part_type = rng.choice(parts)
    else:
        oe_number = f"{rng.randint(100000, 999999)}-{rng.randint(10, 99)}" if pick < 0.7 else ""
        part_type = rng.choice(list(PART_TYPES))
    graded = condition in ("recycled", "refurbished")
    cored = condition in ("remanufactured", "refurbished")
    return [
        f"BY-{index:07d}", part_type, oe_number, f"{make} {model} part, tested.", condition,
        rng.choice("ABC") if graded else "", "Light scratches" if rng.random() < 0.2 else "",
        f"{rng.randint(10, 2000)}.{rng.randint(0, 99):02d}", "USD",
        f"{rng.randint(0, 300)}.00" if cored else "", rng.choice([1, 1, 1, 2, 3, 0]),
        rng.choice([0, 30, 90, 180, 365]), rng.choice(["Main yard", "Overflow lot"]),
        "".join(rng.choice(VIN_CHARACTERS) for _ in range(17)), year, make, model,
        rng.randint(20_000, 250_000),
    ]  # fmt: skip


def feed_csv(n: int, rng: random.Random, vehicles, parts) -> bytes:
    """The generated feed: `n` valid rows with the documented header."""
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\n")
    writer.writerow(HEADER)
    writer.writerows(_row(index, rng, vehicles, parts) for index in range(n))
    return buffer.getvalue().encode("utf-8")


def _floor_seconds(raw: bytes) -> float:
    """COPY of the same file into a bare, unindexed table of text columns."""
    columns = ", ".join(f"{name} text" for name in HEADER)
    with connection.cursor() as cursor:
        cursor.execute(f"CREATE TABLE bench_floor ({columns})")
        started = time.perf_counter()
        with cursor.copy("COPY bench_floor FROM STDIN WITH (FORMAT csv, HEADER true)") as copy:
            for offset in range(0, len(raw), 1 << 20):
                copy.write(raw[offset : offset + (1 << 20)])
        seconds = time.perf_counter() - started
        cursor.execute("DROP TABLE bench_floor")
    return seconds


def _table_floor_seconds(seller) -> float:
    """A second floor: the same listings and part numbers copied inside the database into the
    real tables (their indexes, checks and foreign keys), with no Python and no staging. It
    shows how much of the import time the target tables alone demand."""
    from catalog.feeds.writer import FIELDS
    from catalog.models import Listing
    from tests.marketplace.factories import OrganisationFactory

    twin = OrganisationFactory(kind="dismantler", name="Bench Twin", slug="bench-twin")
    fields = ", ".join(FIELDS)
    started = time.perf_counter()
    with transaction.atomic(), connection.cursor() as cursor:
        cursor.execute(
            f"INSERT INTO catalog_listing (seller_organisation_id, seller_sku, {fields}, "
            f"created_at, updated_at) SELECT %s, seller_sku, {fields}, created_at, updated_at "
            "FROM catalog_listing WHERE seller_organisation_id = %s",
            [twin.pk, seller.pk],
        )
        cursor.execute(
            "INSERT INTO catalog_listingpartnumber (listing_id, number, normalised) "
            "SELECT t.id, n.number, n.normalised FROM catalog_listingpartnumber n "
            "JOIN catalog_listing l ON l.id = n.listing_id AND l.seller_organisation_id = %s "
            "JOIN catalog_listing t ON t.seller_organisation_id = %s "
            "AND t.seller_sku = l.seller_sku",
            [seller.pk, twin.pk],
        )
    seconds = time.perf_counter() - started
    Listing.objects.filter(seller_organisation=twin).delete()
    return seconds


def _import_seconds(raw: bytes, seller, user):
    from catalog.feeds.services import feed_import_create, feed_import_run

    job = feed_import_create(
        organisation=seller,
        uploaded_by=user,
        file=ContentFile(raw, name="bench.csv"),
        withdraw_missing=False,
        start_task=False,
    )
    started = time.perf_counter()
    job = feed_import_run(feed_import_id=job.id)
    return time.perf_counter() - started, job


def run(*, n: int = DEFAULT_N) -> dict:
    """Build the data, time the import (then a re-import of the same file) and the floor."""
    rng = random.Random(SEED)
    with bench_database():
        _say(f"migrating {DATABASE}")
        call_command("migrate", verbosity=0)
        names = _vehicle_names()
        _say(f"loading {len(names)} vehicles and {CATALOGUED_PARTS} catalogued parts")
        _load_vehicles(names)
        parts = _catalog(rng)
        seller, user = _seller()
        raw = feed_csv(n, rng, names, parts)
        _say(f"feed of {n} rows, {len(raw) / 1e6:.1f} MB; timing the floor (COPY)")
        floor = _floor_seconds(raw)
        _say("timing the import")
        seconds, job = _import_seconds(raw, seller, user)
        _say(f"imported: {job.created_count} created, {job.rejected_count} rejected; re-import")
        again_seconds, again = _import_seconds(raw, seller, user)
        _say("timing the same rows copied into the real tables inside the database")
        table_floor = _table_floor_seconds(seller)
    per_s, floor_per_s = n / seconds, n / floor
    return {
        "bench": BENCH, "n": n, "per_s": round(per_s), "floor_per_s": round(floor_per_s),
        "floor": "COPY of the same rows into a bare table", "ratio": round(per_s / floor_per_s, 3),
        "rejected": job.rejected_count, "created": job.created_count, "status": job.status,
        "seconds": round(seconds, 3), "floor_seconds": round(floor, 3),
        "reimport_per_s": round(n / again_seconds), "reimport_unchanged": again.unchanged_count,
        "table_floor_per_s": round(n / table_floor),
        "table_floor": "INSERT ... SELECT of the same listings and part numbers into the real "
                       "tables, in the database",
        "errors": int(job.status != "done") + int(again.status != "done"),
    }  # fmt: skip

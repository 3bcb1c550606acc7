"""Reference data the catalog is built on: vPIC vehicles and the part-type taxonomy.

Both loaders are idempotent and set-based: they read the keys that already exist, insert only
what is missing in a few bulk statements, and never delete. Running them on every deploy (or on
every `make run`) costs a few seconds once the data is there. Inserts use `ignore_conflicts` so two
loaders racing on the same keys both finish; the unique constraints decide.
"""

import csv
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any, NamedTuple

from django.db import models, transaction

from catalog.models import Make, PartType, PartTypeGroup, Vehicle, VehicleModel
from catalog.reference_data.part_types import PART_TYPE_TAXONOMY
from marketplace.errors import DomainError

VEHICLE_CSV_COLUMNS = ("year", "make", "model", "vehicle_type")
BATCH_SIZE = 2000

# Called with (vehicles done, vehicles in the file) after each batch; the command draws a bar.
ProgressCallback = Callable[[int, int], None]
Taxonomy = tuple[tuple[str, str, list[tuple[str, str, bool]]], ...]


class ReferenceDataInvalid(DomainError):
    """The reference file cannot be loaded as a whole; nothing of it was written."""

    code = "reference_data_invalid"


@dataclass(frozen=True)
class VehicleLoadCounts:
    rows: int
    makes_created: int
    models_created: int
    vehicles_created: int


@dataclass(frozen=True)
class PartTypeLoadCounts:
    groups_created: int
    groups_updated: int
    part_types_created: int
    part_types_updated: int


class VehicleRow(NamedTuple):
    year: int
    make: str
    model: str
    vehicle_type: str


def _text(record: dict[str, str], column: str, *, line: int, max_length: int) -> str:
    value = (record.get(column) or "").strip()
    if not value or len(value) > max_length:
        raise ReferenceDataInvalid.for_field(
            column, f"line {line}: {column} must be 1 to {max_length} characters, got {value!r}"
        )
    return value


def _year(record: dict[str, str], *, line: int) -> int:
    raw = (record.get("year") or "").strip()
    if not raw.isdigit() or not 1900 <= int(raw) <= 2100:
        raise ReferenceDataInvalid.for_field(
            "year", f"line {line}: year must be a model year, got {raw!r}"
        )
    return int(raw)


def _vehicle_row(record: dict[str, str], *, line: int) -> VehicleRow:
    return VehicleRow(
        year=_year(record, line=line),
        make=_text(record, "make", line=line, max_length=100),
        model=_text(record, "model", line=line, max_length=150),
        vehicle_type=_text(record, "vehicle_type", line=line, max_length=60),
    )


def vehicle_rows_read(csv_path: Path | str) -> set[VehicleRow]:
    """The distinct rows of a `year,make,model,vehicle_type` CSV.

    Unlike a seller's feed, reference data is all or nothing: the first bad row raises
    ReferenceDataInvalid naming its line, before anything is written.
    """
    with open(csv_path, newline="", encoding="utf-8") as csv_file:
        reader = csv.DictReader(csv_file)
        missing = [
            column for column in VEHICLE_CSV_COLUMNS if column not in (reader.fieldnames or [])
        ]
        if missing:
            raise ReferenceDataInvalid(f"{csv_path}: missing columns {', '.join(missing)}")
        return {_vehicle_row(record, line=reader.line_num) for record in reader}


def _makes_ensure(names: set[str]) -> tuple[dict[str, int], int]:
    """Ids of the makes by name, creating those missing. Returns (ids, how many were created)."""
    ids = dict(Make.objects.values_list("name", "id"))
    missing = sorted(names - ids.keys())
    if missing:
        Make.objects.bulk_create(
            [Make(name=name) for name in missing], ignore_conflicts=True, batch_size=BATCH_SIZE
        )
        # ignore_conflicts leaves primary keys unset, so the ids are read back.
        ids = dict(Make.objects.values_list("name", "id"))
    return ids, len(missing)


def _vehicle_models_ensure(keys: set[tuple[int, str]]) -> tuple[dict[tuple[int, str], int], int]:
    """Ids of the models by (make id, name), creating those missing."""

    def read() -> dict[tuple[int, str], int]:
        rows = VehicleModel.objects.values_list("make_id", "name", "id")
        return {(make_id, name): pk for make_id, name, pk in rows}

    ids = read()
    missing = sorted(keys - ids.keys())
    if missing:
        VehicleModel.objects.bulk_create(
            [VehicleModel(make_id=make_id, name=name) for make_id, name in missing],
            ignore_conflicts=True,
            batch_size=BATCH_SIZE,
        )
        ids = read()
    return ids, len(missing)


def _vehicles_ensure(keys: set[tuple[int, int, str]], progress: ProgressCallback | None) -> int:
    """Create the (model id, year, vehicle type) vehicles that are missing; return how many."""
    existing = set(Vehicle.objects.values_list("model_id", "year", "vehicle_type"))
    missing = sorted(keys - existing)
    done, total = len(keys) - len(missing), len(keys)
    if progress:
        progress(done, total)
    for start in range(0, len(missing), BATCH_SIZE):
        batch = missing[start : start + BATCH_SIZE]
        Vehicle.objects.bulk_create(
            [
                Vehicle(model_id=model_id, year=year, vehicle_type=kind)
                for model_id, year, kind in batch
            ],
            ignore_conflicts=True,
        )
        done += len(batch)
        if progress:
            progress(done, total)
    return len(missing)


@transaction.atomic
def vehicles_load(
    *, csv_path: Path | str, progress: ProgressCallback | None = None
) -> VehicleLoadCounts:
    """Load makes, models and model years from a vPIC extract; create only what is missing.

    One transaction: a file that fails half way leaves the tables as they were. `progress`, if
    given, is called with (vehicles done, vehicles in the file). Raises ReferenceDataInvalid for a
    malformed file and OSError if it cannot be read.
    """
    rows = vehicle_rows_read(csv_path)
    make_ids, makes_created = _makes_ensure({row.make for row in rows})
    model_ids, models_created = _vehicle_models_ensure(
        {(make_ids[row.make], row.model) for row in rows}
    )
    vehicles_created = _vehicles_ensure(
        {(model_ids[make_ids[row.make], row.model], row.year, row.vehicle_type) for row in rows},
        progress,
    )
    return VehicleLoadCounts(
        rows=len(rows),
        makes_created=makes_created,
        models_created=models_created,
        vehicles_created=vehicles_created,
    )


def _assign_changed(obj: models.Model, values: dict[str, Any]) -> bool:
    """Set the fields of `obj` that differ from `values`; True if any did."""
    changed = {field: value for field, value in values.items() if getattr(obj, field) != value}
    for field, value in changed.items():
        setattr(obj, field, value)
    return bool(changed)


def _by_code_ensure(
    model: type[models.Model], wanted: dict[str, dict[str, Any]]
) -> tuple[int, int]:
    """Create the rows of `model` whose code is missing and update those that differ.

    Rows whose code is not in `wanted` are left alone: a code may still be used by listings.
    Returns (created, updated).
    """
    existing = model.objects.in_bulk(list(wanted), field_name="code")
    to_create = [
        model(code=code, **values) for code, values in wanted.items() if code not in existing
    ]
    to_update = [obj for code, obj in existing.items() if _assign_changed(obj, wanted[code])]
    model.objects.bulk_create(to_create, ignore_conflicts=True)
    if to_update:
        fields = sorted({field for values in wanted.values() for field in values})
        model.objects.bulk_update(to_update, fields)
    return len(to_create), len(to_update)


def _taxonomy_check(taxonomy: Taxonomy) -> None:
    group_codes = [group_code for group_code, _, _ in taxonomy]
    codes = [code for _, _, part_types in taxonomy for code, _, _ in part_types]
    for kind, values in (("group", group_codes), ("part type", codes)):
        if len(set(values)) != len(values):
            duplicates = sorted({value for value in values if values.count(value) > 1})
            raise ReferenceDataInvalid(f"Duplicate {kind} codes: {', '.join(duplicates)}")


@transaction.atomic
def part_types_load(*, taxonomy: Taxonomy = PART_TYPE_TAXONOMY) -> PartTypeLoadCounts:
    """Bring part-type groups and part types in line with the taxonomy in `reference_data`.

    Existing codes get the taxonomy's name, group and freight flag; new codes are created;
    nothing is deleted. Raises ReferenceDataInvalid if the taxonomy repeats a code.
    """
    _taxonomy_check(taxonomy)
    groups_created, groups_updated = _by_code_ensure(
        PartTypeGroup, {group_code: {"name": name} for group_code, name, _ in taxonomy}
    )
    group_ids = dict(
        PartTypeGroup.objects.filter(code__in=[code for code, _, _ in taxonomy]).values_list(
            "code", "id"
        )
    )
    wanted = {
        code: {"name": name, "group_id": group_ids[group_code], "freight_only": freight_only}
        for group_code, _, part_types in taxonomy
        for code, name, freight_only in part_types
    }
    part_types_created, part_types_updated = _by_code_ensure(PartType, wanted)
    return PartTypeLoadCounts(
        groups_created=groups_created,
        groups_updated=groups_updated,
        part_types_created=part_types_created,
        part_types_updated=part_types_updated,
    )

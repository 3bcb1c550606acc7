"""The vPIC SQLite file: each thread's read-only connection, and the decoder's queries other than
the Pattern search (which lives with the matching in `patterns`).

The queries use scalar subqueries, not joins: nothing but Pattern.Keys is indexed in the shipped
file, and a join would make SQLite build a throwaway index over the whole joined table on every
call.
"""

from __future__ import annotations

import sqlite3
import threading
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from pathlib import Path

from . import elements
from .errors import VinUnknownError, _

_LOOKUP_TABLES = {
    elements.BODY_CLASS: "BodyStyle",
    elements.DRIVE_TYPE: "DriveType",
    elements.FUEL_TYPE: "FuelType",
}

_local = threading.local()


@dataclass(frozen=True)
class Wmi:
    """The VIN's world manufacturer identifier as vPIC has it."""

    id: int
    code: str
    manufacturer: str | None
    vehicle_type: str | None
    is_car_or_light_truck: bool


def thread_connection(path: Path) -> sqlite3.Connection:
    """This thread's read-only connection to the vPIC database at `path`, opened on first use.

    A connection to another path is closed and replaced. `immutable=1` because the file ships in
    WAL mode: a plain read-only open would still create -wal and -shm files beside it, and fail
    where var/ is not writable. Raises FileNotFoundError when no file is at `path`.
    """
    path = path.resolve()
    cached = getattr(_local, "connection", None)
    if cached is not None and cached[0] == path:
        return cached[1]
    if cached is not None:
        cached[1].close()
        _local.connection = None
    if not path.is_file():
        raise FileNotFoundError(f"The vPIC database is not installed at {path} (VPIC_DB_PATH).")
    connection = sqlite3.connect(f"{path.as_uri()}?mode=ro&immutable=1", uri=True)
    # Memory-mapped reads share the operating system's page cache between threads and skip a
    # copy per page; a decode reads a few thousand pages of the Keys index.
    connection.execute("PRAGMA mmap_size = 134217728")
    _local.connection = (path, connection)
    return connection


def find_wmi(connection: sqlite3.Connection, vin: str) -> Wmi:
    """The VIN's manufacturer identifier; raises VinUnknownError if vPIC has not published it."""
    # Position 3 "9" marks a maker of under 1,000 vehicles a year: positions 12-14 complete it.
    code = vin[:3] + vin[11:14] if vin[2] == "9" else vin[:3]
    row = connection.execute(
        "SELECT Id, (SELECT Name FROM Manufacturer WHERE Id = w.ManufacturerId), "
        "(SELECT Name FROM VehicleType WHERE Id = w.VehicleTypeId), VehicleTypeId, TruckTypeId "
        "FROM Wmi w WHERE Wmi = ? AND PublicAvailabilityDate <= datetime('now') LIMIT 1",
        (code,),
    ).fetchone()
    if row is None:
        raise VinUnknownError(
            _("No manufacturer in vPIC has the identifier %(code)s (VIN %(vin)s).")
            % {"code": code, "vin": vin},
            vin=vin,
            code="vin_unknown_manufacturer",
        )
    wmi_id, manufacturer, vehicle_type, type_id, truck_type_id = row
    # vPIC's "car, MPV or light truck" (fVinModelYear2): types 2 and 7, or 3 with truck type 1.
    car_or_light_truck = type_id in (2, 7) or (type_id == 3 and truck_type_id == 1)
    return Wmi(wmi_id, code, manufacturer, vehicle_type, car_or_light_truck)


def schema_priorities(
    connection: sqlite3.Connection, wmi: Wmi, years: Iterable[int]
) -> dict[int, dict[int, int]]:
    """For each year, the WMI's VIN schemas covering it, each with its first year (its priority)."""
    links = connection.execute(
        "SELECT VinSchemaId, YearFrom, coalesce(YearTo, 2999) FROM Wmi_VinSchema "
        "WHERE WmiId = ? AND VinSchemaId NOT IN (SELECT Id FROM VinSchema WHERE TobeQCed = 1)",
        (wmi.id,),
    ).fetchall()
    by_year: dict[int, dict[int, int]] = {}
    for year in years:
        schemas: dict[int, int] = {}
        for schema_id, year_from, year_to in links:
            if year_from <= year <= year_to:
                schemas[schema_id] = max(year_from, schemas.get(schema_id, 0))
        by_year[year] = schemas
    return by_year


def element_weights(connection: sqlite3.Connection) -> dict[int, int]:
    """The weight of every public element a decode reports; other elements are never reported."""
    return dict(
        connection.execute(
            "SELECT Id, coalesce(weight, 0) FROM Element "
            "WHERE Decode IS NOT NULL AND coalesce(IsPrivate, 0) = 0"
        ).fetchall()
    )


def engine_model_specs(connection: sqlite3.Connection, engine_model: str) -> list[tuple[int, str]]:
    """(element id, attribute id) pairs vPIC records for the engine model named `engine_model`."""
    return connection.execute(
        "SELECT p.ElementId, p.AttributeId FROM EngineModel m "
        "JOIN EngineModelPattern p ON p.EngineModelId = m.Id "
        "WHERE lower(trim(m.Name)) = lower(trim(?)) ORDER BY p.Id",
        (engine_model,),
    ).fetchall()


def make_and_model(
    connection: sqlite3.Connection, vin: str, wmi: Wmi, model_id: str
) -> tuple[str, str]:
    """vPIC's make and model names for a model id; raises VinUnknownError if they are missing."""
    row = connection.execute(
        "SELECT (SELECT Name FROM Make WHERE Id = "
        "(SELECT MakeId FROM Make_Model WHERE ModelId = ?1 LIMIT 1) LIMIT 1), "
        "(SELECT Name FROM Model WHERE Id = ?1 LIMIT 1)",
        (int(model_id) if model_id.isdigit() else -1,),
    ).fetchone()
    if None in row:
        raise VinUnknownError(
            _("vPIC gives VIN %(vin)s (%(wmi)s) model id %(model_id)s but no name or make for it.")
            % {"vin": vin, "wmi": wmi.code, "model_id": model_id},
            vin=vin,
            code="vin_undecodable",
        )
    return row


def lookup_name(
    connection: sqlite3.Connection, element_id: int, values: Mapping[int, str]
) -> str | None:
    """The name a lookup element's attribute id stands for (a BodyStyle id -> "Coupe")."""
    attribute_id = values.get(element_id, "")
    if not attribute_id.isdigit():
        return None
    # The table name comes from _LOOKUP_TABLES, never from the database or the caller.
    query = f"SELECT Name FROM {_LOOKUP_TABLES[element_id]} WHERE Id = ? LIMIT 1"
    row = connection.execute(query, (int(attribute_id),)).fetchone()
    return row[0] if row else None

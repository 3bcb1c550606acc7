"""Which matching pattern sets each element, and which model year's reading wins.

When several patterns set the same element, vPIC (spVinDecode_core) keeps the one from the schema
whose year range starts latest, then the most recently changed one, then the one with the fewest
fixed characters. When the model year is not settled, spVinDecode decodes each candidate year
and keeps the reading with the highest score.
"""

from __future__ import annotations

import re
import sqlite3
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from types import MappingProxyType

from . import database, elements
from .characters import model_years
from .patterns import Pattern, matching_patterns

# spVinDecode_core's priorities: a pattern ranks by its schema's first year (1980 or later), a
# "#" formula pattern by 100, an engine model's own specs by 50, so each fills only gaps.
_FORMULA_PRIORITY = 100


@dataclass(frozen=True)
class YearReading:
    """The element values one model year gives, with vPIC's score for choosing between years."""

    model_year: int
    values: Mapping[int, str]
    score: tuple[int, int, int]


def best_reading(connection: sqlite3.Connection, vin: str, wmi: database.Wmi) -> YearReading | None:
    """The reading of the VIN for the model year vPIC would settle on, or None if no year fits.

    Raises VinUnknownError when position 10 is no model-year code.
    """
    years, settled = model_years(vin, car_or_light_truck=wmi.is_car_or_light_truck)
    priorities = database.schema_priorities(connection, wmi, years)
    years = tuple(year for year in years if priorities[year])
    if settled:
        years = years[:1]
    if not years:
        return None
    descriptor = vin[3:8] + "|" + vin[9:]
    schema_ids = {schema for year in years for schema in priorities[year]}
    patterns = matching_patterns(connection, descriptor, schema_ids)
    weights = database.element_weights(connection)
    readings = [
        _read_year(connection, year, priorities[year], patterns, descriptor, weights)
        for year in years
    ]
    return max(readings, key=lambda reading: reading.score)


def _read_year(
    connection: sqlite3.Connection,
    year: int,
    priorities: Mapping[int, int],
    patterns: Iterable[Pattern],
    descriptor: str,
    weights: Mapping[int, int],
) -> YearReading:
    """Element values for one model year, scored as spVinDecode scores its passes."""
    usable = [
        pattern
        for pattern in patterns
        if pattern.schema_id in priorities
        and pattern.element_id in weights
        and pattern.element_id not in elements.NOT_FROM_PATTERNS
    ]
    values = _resolve_elements(usable, priorities, descriptor)
    _add_engine_model_specs(connection, values)
    weight = sum(weights.get(element, 0) for element in values)
    if elements.MODEL in values:
        weight += weights.get(elements.MAKE, 0)
    return YearReading(year, MappingProxyType(values), (weight, len(values), year))


def _resolve_elements(
    patterns: Iterable[Pattern], priorities: Mapping[int, int], descriptor: str
) -> dict[int, str]:
    """One value per element: the pattern spVinDecode_core ranks first for it."""
    # Two stable sorts: ascending tie-breakers first, then the descending priority and date.
    ranked = sorted(
        patterns,
        key=lambda p: (len(p.keys.replace("*", "")), re.sub(r"[][]", "", p.keys), p.id),
    )
    ranked.sort(
        key=lambda p: (
            _FORMULA_PRIORITY if p.is_formula else priorities[p.schema_id],
            p.changed_on or "",
        ),
        reverse=True,
    )
    values: dict[int, str] = {}
    for pattern in ranked:
        if pattern.is_formula:
            # A formula pattern's value is the VIN's own digits under its "#" marks.
            start, end = pattern.keys.index("#"), pattern.keys.rindex("#")
            values.setdefault(pattern.element_id, descriptor[start : end + 1])
        else:
            values.setdefault(pattern.element_id, pattern.attribute_id)
    return values


def _add_engine_model_specs(connection: sqlite3.Connection, values: dict[int, str]) -> None:
    """Fill elements the patterns left open from the decoded engine model's own specs."""
    if elements.ENGINE_MODEL not in values:
        return
    for element_id, attribute_id in database.engine_model_specs(
        connection, values[elements.ENGINE_MODEL]
    ):
        values.setdefault(element_id, attribute_id)

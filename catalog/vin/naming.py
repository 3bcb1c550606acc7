"""Names as people read them: make and model in the vehicle reference CSV's spelling, and the
engine described from its displacement, cylinders and engine model.

The spellings are read once per CSV path and never changed, so threads share them safely.
"""

from __future__ import annotations

import csv
import functools
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from types import MappingProxyType

from . import elements


@dataclass(frozen=True)
class _ReferenceNames:
    makes: Mapping[str, str]
    models: Mapping[tuple[str, str], str]


def reference_spelling(make: str, model: str, *, reference_csv: Path) -> tuple[str, str]:
    """`make` and `model` as the vehicle reference CSV spells them (vPIC's spelling otherwise)."""
    names = _reference_names(reference_csv)
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


def engine_description(values: Mapping[int, str]) -> str | None:
    """E.g. "2.4L 4-cyl (K24A4)": displacement, cylinders and engine model, where known."""
    parts = []
    litres = _displacement_litres(values)
    if litres:
        parts.append(f"{litres:.1f}L")
    cylinders = _number(values.get(elements.CYLINDERS))
    if cylinders:
        parts.append(f"{cylinders:.0f}-cyl")
    engine_model = (values.get(elements.ENGINE_MODEL) or "").strip()
    if engine_model:
        parts.append(f"({engine_model})" if parts else engine_model)
    return " ".join(parts) or None


def _displacement_litres(values: Mapping[int, str]) -> float | None:
    # vPIC's Conversion table: litres from cubic centimetres or cubic inches when only those exist.
    litres = _number(values.get(elements.DISPLACEMENT_L))
    if litres:
        return litres
    cubic_centimetres = _number(values.get(elements.DISPLACEMENT_CC))
    if cubic_centimetres:
        return cubic_centimetres / 1000
    cubic_inches = _number(values.get(elements.DISPLACEMENT_CI))
    return cubic_inches * 0.016387064 if cubic_inches else None


def _number(text: str | None) -> float | None:
    try:
        return float(text) if text else None
    except ValueError:
        return None

"""Checking the rows of a read feed without a database: raw cells in, frozen rows and problems out.

What rows refer to (part types, catalogued parts, locations, vehicles) arrives in a
`FeedReference` that the service builds from the values `FeedTable.values_of` lists.
Every row is checked completely before anything is written, so a bad row is rejected whole.
Each column is parsed once per distinct value (feeds repeat makes, models, conditions, prices).

Rules a seller can rely on (the README repeats them):
- The first row of a SKU is the listing. Later rows with that SKU only add their `oe_number` as
  an alternative part number; their other values are ignored, even when they disagree. When the
  first row of a SKU is rejected, its later rows are rejected too (they would otherwise turn an
  alternative-number row into the listing).
"""

from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass
from decimal import Decimal
from itertools import repeat

from catalog.feeds.columns import COLUMNS, InvalidCell, cell_parsers, oe_number
from catalog.feeds.reading import FeedTable, truncated
from catalog.models.listings import ListingStatus
from catalog.rules import ListingTerms, listing_terms_errors

PROGRESS_EVERY = 1000
_TERM_COLUMNS = {"quantity_on_hand": "quantity"}
_ACTIVE, _SOLD_OUT = ListingStatus.ACTIVE.value, ListingStatus.SOLD_OUT.value


@dataclass(frozen=True, slots=True)
class RowProblem:
    """One reason a row was rejected: physical line, our column name, reason, value as given."""

    line: int
    column: str
    reason: str
    value: str


@dataclass(frozen=True, slots=True)
class FeedRow:
    """One listing as the feed states it: every field checked and resolved to ids.

    The fields after `line` are the listing's own, in the order the writer stages them.
    """

    line: int
    sku: str
    part_type_id: int
    part_id: int | None
    title: str
    description: str
    condition: str
    grade: str
    damage_notes: str
    price: Decimal
    currency: str
    core_charge: Decimal
    quantity_on_hand: int
    warranty_days: int
    location_id: int | None
    donor_vin: str
    donor_vehicle_id: int | None
    donor_year: int | None
    donor_make: str
    donor_model: str
    donor_mileage: int | None
    size_class: str
    status: str


@dataclass(frozen=True, slots=True)
class FeedPartNumber:
    """A part number a seller gives for a SKU, as written and normalised."""

    sku: str
    number: str
    normalised: str


@dataclass(frozen=True, slots=True)
class PartTypeRef:
    id: int
    name: str


@dataclass(frozen=True, slots=True)
class PartRef:
    id: int
    part_type_id: int


@dataclass(frozen=True)
class FeedReference:
    """What rows may refer to. Keys are lower case; `parts` is keyed by normalised OE number;
    `vehicles` by (make, model, year) with make and model in lower case."""

    part_types: Mapping[str, PartTypeRef]
    parts: Mapping[str, PartRef]
    locations: Mapping[str, int]
    default_location_id: int | None
    vehicles: Mapping[tuple[str, str, int], int]
    default_condition: str


@dataclass(frozen=True)
class FeedValidation:
    """The outcome of checking every row. `rows` holds one row per accepted SKU in file order;
    `part_numbers` every number given for those SKUs (primary first, one per normalised form);
    `rejected_rows` counts rows, `problems` may hold several per row."""

    rows: tuple[FeedRow, ...]
    part_numbers: tuple[FeedPartNumber, ...]
    problems: tuple[RowProblem, ...]
    rejected_rows: int
    rejected_skus: frozenset[str]


def _parse_column(parse: Callable[[str], object], raw_cells: list[str]):
    """Each distinct cell parsed once: the values in row order, and the invalid cells."""
    outcomes: dict[str, object] = {}
    for raw in set(raw_cells):
        try:
            outcomes[raw] = parse(raw)
        except InvalidCell as invalid:
            outcomes[raw] = invalid
    invalid = {raw: outcome for raw, outcome in outcomes.items() if type(outcome) is InvalidCell}
    return list(map(outcomes.__getitem__, raw_cells)), invalid


def _title(part_type: PartTypeRef, year: int | None, make: str, model: str) -> str:
    """`<part type> - <year> <make> <model>`, leaving out what the row does not give."""
    if year and make and model:
        return f"{part_type.name} - {year} {make} {model}"[:200]
    donor = " ".join(str(piece) for piece in (year, make, model) if piece)
    return (f"{part_type.name} - {donor}" if donor else part_type.name)[:200]


class _FeedChecker:
    """Walks the rows in file order, keeping what the SKU rules need: which SKUs became
    listings, which were rejected at their first row, and the numbers given per SKU."""

    def __init__(self, table: FeedTable, reference: FeedReference):
        self._table = table
        self._lines = table.lines
        self._reference = reference
        self._part_types_by_id = {ref.id: ref for ref in reference.part_types.values()}
        self._pairings: dict[tuple, tuple[tuple[str, str], ...]] = {}
        self.cell_problems: dict[int, list[RowProblem]] = {}
        self.listings: dict[str, FeedRow] = {}
        self.numbers: dict[str, dict[str, str]] = {}
        self.rejected_at: dict[str, int] = {}
        self.problems: list[RowProblem] = []
        self.rejected_rows = 0

    def parse_columns(self, parsers: Mapping[str, Callable[[str], object]]) -> list[Iterable]:
        """Every column in COLUMNS order, parsed; an absent column repeats its default.
        Bad cells are remembered by row for the row checks."""
        columns = []
        for column in COLUMNS:
            raw_cells = self._table.cells.get(column)
            if raw_cells is None:
                columns.append(repeat(parsers[column](""), self._table.rows_total))
                continue
            values, invalid = _parse_column(parsers[column], raw_cells)
            columns.append(values)
            if invalid:
                self._note_invalid(column, raw_cells, invalid)
        for index, row_text in self._table.overflows.items():
            reason = "Has more values than the header has columns."
            self._note(index, "", reason, row_text)
        return columns

    def _note_invalid(self, column: str, raw_cells: list[str], invalid: dict) -> None:
        for index, raw in enumerate(raw_cells):
            if raw in invalid:
                self._note(index, column, invalid[raw].reason, raw)

    def _note(self, index: int, column: str, reason: str, raw: str) -> None:
        problem = RowProblem(self._lines[index], column, reason, truncated(raw))
        self.cell_problems.setdefault(index, []).append(problem)

    def _raw(self, column: str, index: int) -> str:
        cells = self._table.cells.get(column)
        return cells[index] if cells is not None else ""

    def row(self, index: int, values: tuple) -> None:
        sku = values[0]
        if sku in self.listings:
            self._further_row(index, sku)
        elif sku in self.rejected_at:
            first = self.rejected_at[sku]
            reason = f"The first row of this SKU (line {first}) was rejected, so this one is too."
            self._reject([RowProblem(self._lines[index], "sku", reason, truncated(sku))])
        else:
            self._first_row(index, values)

    def _first_row(self, index: int, values: tuple) -> None:
        problems = self.cell_problems.get(index)
        if problems is None:
            part_type, part, problems = self._cross_checks(index, values)
        if problems:
            if type(values[0]) is str:
                self.rejected_at[values[0]] = self._lines[index]
            self._reject(problems)
            return
        self.listings[values[0]] = self._listing(index, values, part_type, part)
        number = values[2]
        self.numbers[values[0]] = {number[1]: number[0]} if number else {}

    def _cross_checks(self, index: int, values: tuple):
        """Rules across cells: the part type (given or from the catalogued part) and the
        condition's rules on grade and core charge, shared with the API through
        catalog.rules. Returns (part type, part, problems)."""
        number = values[2]
        part = self._reference.parts.get(number[1]) if number else None
        part_type, reason = self._part_type(values[1], number, part)
        problems = []
        if reason:
            problems.append(RowProblem(self._lines[index], "part_type", reason, ""))
        for column, reason in self._pairing(values[5], values[6], values[10]):
            raw = truncated(self._raw(column, index))
            problems.append(RowProblem(self._lines[index], column, reason, raw))
        return part_type, part, problems

    def _part_type(self, given: PartTypeRef | None, number, part: PartRef | None):
        """A given type that contradicts the catalogued part is refused, as `listing_create`
        refuses it. Returns (part type, reason it cannot be had)."""
        if given is not None:
            if part is not None and part.part_type_id != given.id:
                return None, f"The catalogued part {number[0]} is of another part type."
            return given, None
        if part is not None:
            return self._part_types_by_id[part.part_type_id], None
        if number:
            return None, f"Give a part type: part number {number[0]} is not in the catalog."
        return None, "Give a part type or a catalogued OE number."

    def _pairing(self, condition: str, grade: str, core_charge: Decimal):
        key = (condition, grade, core_charge > 0)
        found = self._pairings.get(key)
        if found is None:
            terms = ListingTerms(condition, grade, Decimal(0), Decimal(key[2]), 0, 0)
            errors = listing_terms_errors(terms).items()
            found = tuple((_TERM_COLUMNS.get(f, f), r) for f, reasons in errors for r in reasons)
            self._pairings[key] = found
        return found

    def _listing(self, index: int, values: tuple, part_type: PartTypeRef, part: PartRef | None):
        (sku, _, _, title, description, condition, grade, damage_notes, price, currency,
         core_charge, quantity, warranty_days, location_id, vin, year, make, model,
         mileage, size_class) = values  # fmt: skip
        vehicle_id = None
        if make and model and year:
            vehicle_id = self._reference.vehicles.get((make.lower(), model.lower(), year))
        return FeedRow(
            self._lines[index], sku, part_type.id, part.id if part else None,
            title or _title(part_type, year, make, model), description, condition, grade,
            damage_notes, price, currency, core_charge, quantity, warranty_days, location_id,
            vin, vehicle_id, year, make, model, mileage, size_class,
            _ACTIVE if quantity > 0 else _SOLD_OUT,
        )  # fmt: skip

    def _further_row(self, index: int, sku: str) -> None:
        """Only the alternative part number of a later row counts; a row without one adds
        nothing and is not an error."""
        raw = self._raw("oe_number", index)
        try:
            number = oe_number(raw)
        except InvalidCell as invalid:
            problem = RowProblem(self._lines[index], "oe_number", invalid.reason, truncated(raw))
            self._reject([problem])
            return
        if number is not None:
            self.numbers[sku].setdefault(number[1], number[0])

    def _reject(self, problems: list[RowProblem]) -> None:
        self.rejected_rows += 1
        self.problems.extend(problems)

    def result(self) -> FeedValidation:
        part_numbers = tuple(
            FeedPartNumber(sku, number, normalised)
            for sku, numbers in self.numbers.items()
            for normalised, number in numbers.items()
        )
        return FeedValidation(
            rows=tuple(self.listings.values()),
            part_numbers=part_numbers,
            problems=tuple(self.problems),
            rejected_rows=self.rejected_rows,
            rejected_skus=frozenset(self.rejected_at),
        )


def validate_feed(
    table: FeedTable,
    reference: FeedReference,
    *,
    progress: Callable[[int], None] | None = None,
) -> FeedValidation:
    """Check every row of `table` against `reference`.

    Invariant: a row is either fully in `rows` (or, for a later row of a SKU, in
    `part_numbers`) or has at least one entry in `problems`, never both. `progress`, if given,
    is called with the number of rows checked so far, every PROGRESS_EVERY rows and at the end.
    """
    checker = _FeedChecker(table, reference)
    parsers = cell_parsers(
        part_types=reference.part_types,
        locations=reference.locations,
        default_location_id=reference.default_location_id,
        default_condition=reference.default_condition,
    )
    for index, values in enumerate(zip(*checker.parse_columns(parsers), strict=True)):
        checker.row(index, values)
        if progress is not None and index % PROGRESS_EVERY == 0 and index:
            progress(index)
    if progress is not None:
        progress(table.rows_total)
    return checker.result()


def lower_keys(pairs: Iterable[tuple[str, object]]) -> dict[str, object]:
    """A lookup by lower-case name where the first of equal names wins."""
    table: dict[str, object] = {}
    for name, value in pairs:
        table.setdefault(name.strip().lower(), value)
    return table

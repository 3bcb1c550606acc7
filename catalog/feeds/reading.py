"""Reading an inventory feed without a database: bytes in, a table of raw cells out.

The file is decoded (UTF-8 only), its delimiter taken from the header line, its header mapped
to our column names (see `columns`) and its rows split into columns of raw, unparsed cells.
Anything that stops the file as a whole from being read raises `FeedUnreadable`; checking the
cells is `validation`'s job.

Rules a seller can rely on (the README repeats them):
- Line numbers are physical lines of the file, the header being line 1.
- A row may have fewer cells than the header (missing cells are empty); extra cells must be empty
  (`FeedTable.overflows` lists the rows whose extra cells hold values).
"""

import csv
import io
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from itertools import repeat

from catalog.feeds.columns import canonical_column, missing_required
from marketplace.errors import DomainError

MAX_VALUE_CHARS = 200
_DELIMITERS = (",", ";", "\t", "|")


class FeedUnreadable(DomainError):
    """The file as a whole cannot be imported. Codes: `encoding`, `empty_file`,
    `missing_headers`, `malformed_csv`. Nothing of such a file is written."""


@dataclass(frozen=True)
class FeedTable:
    """A decoded CSV: the physical line of each data row, the raw cells of each of our columns
    in row order, and the rows (by index) that have values beyond the header."""

    lines: Sequence[int]
    cells: Mapping[str, list[str]]
    overflows: Mapping[int, str]

    @property
    def rows_total(self) -> int:
        return len(self.lines)

    def values_of(self, column: str) -> set[str]:
        """Distinct non-blank values of a column, stripped (for building the reference)."""
        values = {value.strip() for value in set(self.cells.get(column, ()))}
        values.discard("")
        return values


def truncated(value: str) -> str:
    """A value as quoted back in a problem report: at most MAX_VALUE_CHARS characters."""
    return value if len(value) <= MAX_VALUE_CHARS else value[: MAX_VALUE_CHARS - 1] + "…"


def decode_feed(raw: bytes) -> str:
    """The file as text. Only UTF-8 (with or without a byte-order mark) is accepted: guessing
    another encoding would write wrong characters into listings without anyone noticing.

    Raises FeedUnreadable `empty_file` for a blank file and `encoding` naming the first bad
    byte, its offset and its line.
    """
    try:
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError as error:
        line = raw.count(b"\n", 0, error.start) + 1
        where = f"byte 0x{raw[error.start]:02X} at offset {error.start} (line {line})"
        raise FeedUnreadable(
            f"The file is not UTF-8 text: {where} cannot be read. "
            "Save the file as 'CSV UTF-8' and upload it again.",
            code="encoding",
            fields={"file": [f"Not UTF-8: {where}."]},
        ) from None
    if not text.strip():
        raise FeedUnreadable("The file is empty.", code="empty_file")
    return text


def _delimiter(text: str) -> str:
    """The separator the header line uses most: yard systems export `,`, `;`, tabs or `|`."""
    end = text.find("\n")
    header = text if end < 0 else text[:end]
    counts = {delimiter: header.count(delimiter) for delimiter in _DELIMITERS}
    best = max(_DELIMITERS, key=counts.__getitem__)
    return best if counts[best] else ","


def map_headers(header: list[str]) -> dict[str, int]:
    """Our column names mapped to their index; unknown headers are ignored, and when two headers
    mean the same column the first one counts.

    Raises FeedUnreadable `missing_headers` naming every required column that is missing.
    """
    columns: dict[str, int] = {}
    for index, name in enumerate(header):
        column = canonical_column(name)
        if column is not None and column not in columns:
            columns[column] = index
    missing = missing_required(set(columns))
    if missing:
        raise FeedUnreadable(
            f"The header lacks required columns: {', '.join(missing)}.",
            code="missing_headers",
            fields={column: ["This column is required."] for column in missing},
        )
    return columns


def _start_lines(text: str, delimiter: str, rows: list[list[str]]) -> Sequence[int]:
    """The physical line each CSV row starts on. Only when a quoted value spans lines does this
    need a second, slower pass that asks the reader where each row ended."""
    breaks = text.count("\n") + text.count("\r") - text.count("\r\n")
    physical = breaks + (0 if text.endswith(("\n", "\r")) else 1)
    if physical == len(rows):
        return range(1, len(rows) + 1)
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter)
    starts, previous = [], 0
    for _ in reader:
        starts.append(previous + 1)
        previous = reader.line_num
    return starts


def _fit_to_header(rows: list[list[str]], width: int) -> dict[int, str]:
    """Pad short rows in place and cut long ones; returns the rows whose cut cells held values."""
    overflows = {}
    for index, cells in enumerate(rows):
        if len(cells) < width:
            cells.extend(repeat("", width - len(cells)))
        elif len(cells) > width:
            if any(cells[width:]):
                overflows[index] = truncated(",".join(cells))
            del cells[width:]
    return overflows


def read_feed(raw: bytes) -> FeedTable:
    """Decode the file, map its header and split it into columns of raw cells.

    Raises FeedUnreadable: `encoding`, `empty_file` (blank, or a header and no rows),
    `missing_headers`, `malformed_csv` (a quoting error the CSV reader cannot get past).
    """
    text = decode_feed(raw)
    delimiter = _delimiter(text)
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter)
    try:
        rows = list(reader)
    except csv.Error as error:
        line = reader.line_num
        message = f"Line {line} cannot be read as CSV: {error}."
        raise FeedUnreadable(message, code="malformed_csv") from None
    lines = _start_lines(text, delimiter, rows)
    if not all(map(any, rows)):
        kept = [index for index, cells in enumerate(rows) if any(cells)]
        rows, lines = [rows[i] for i in kept], [lines[i] for i in kept]
    if not rows:
        raise FeedUnreadable("The file has no header and no rows.", code="empty_file")
    header, rows, lines = rows[0], rows[1:], lines[1:]
    columns = map_headers(header)
    if not rows:
        raise FeedUnreadable("The file has a header but no rows.", code="empty_file")
    overflows = {}
    if set(map(len, rows)) != {len(header)}:
        overflows = _fit_to_header(rows, len(header))
    cells = {column: [cells[index] for cells in rows] for column, index in columns.items()}
    return FeedTable(lines=lines, cells=cells, overflows=overflows)

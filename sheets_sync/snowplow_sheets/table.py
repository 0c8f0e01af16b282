"""A table on its way to a tab, the destination's size limits, and the check against them.

The check runs on the table's shape (row count, column count, longest text per column),
which the source computes without reading the rows, so an over-limit table is refused
before a single request is sent or a row is fetched.
"""

import datetime as dt
import decimal
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import cast

from snowplow_sheets.config import LongCells

type Cell = str | int | float | bool | None  # JSON: what the Sheets API takes
type Value = Cell | dt.date | dt.datetime | dt.time  # what a workbook stores natively
METADATA_COLUMNS = 10  # first row: run_id, synced_at, source, rows, note: each name then value


class LimitError(ValueError):
    """A table does not fit its destination; nothing of it was written."""


@dataclass(frozen=True)
class Limits:
    """What one destination accepts."""

    name: str
    max_cells: int  # whole spreadsheet, staging copy included
    max_rows: int
    max_columns: int
    max_cell_chars: int


SHEETS_LIMITS = Limits("Google Sheets", 10_000_000, 10_000_000, 18_278, 50_000)
EXCEL_LIMITS = Limits("an .xlsx workbook", 10**12, 1_048_576, 16_384, 32_767)


@dataclass(frozen=True)
class Shape:
    """A table's size, measured by the source without fetching rows."""

    rows: int
    columns: list[str]
    longest: dict[str, int] = field(default_factory=dict)  # text columns: longest value

    def grid(self) -> tuple[int, int]:
        """Rows and columns of the tab holding it: metadata row + header + rows."""
        return self.rows + 2, max(len(self.columns), METADATA_COLUMNS)

    @property
    def cells(self) -> int:
        rows, columns = self.grid()
        return rows * columns


@dataclass
class Table:
    """Rows ready for a tab: header first, cells as plain JSON values."""

    source: str
    columns: list[str]
    rows: list[list[Value]]  # JSON cells only, unless read with dates kept
    truncated_cells: int = 0


def check(
    table: str, shape: Shape, limits: Limits, long_cells: LongCells, cells_in_use: int = 0
) -> list[str]:
    """Refuse what does not fit (LimitError); return the notes of what will be cut."""
    rows, columns = shape.grid()
    if shape.cells + cells_in_use > limits.max_cells:
        already = f" ({cells_in_use:,} already in use)" if cells_in_use else ""
        raise LimitError(
            f"{table}: {shape.cells:,} cells ({rows:,} rows x {columns} columns) exceed "
            f"{limits.name}'s limit of {limits.max_cells:,} cells per spreadsheet{already}; "
            f"nothing written. Use mode: connected, or a smaller model"
        )
    if rows > limits.max_rows or columns > limits.max_columns:
        raise LimitError(
            f"{table}: {rows:,} rows x {columns} columns exceed {limits.name}'s limit of "
            f"{limits.max_rows:,} rows x {limits.max_columns:,} columns; nothing written"
        )
    too_long = {name: n for name, n in shape.longest.items() if n > limits.max_cell_chars}
    if not too_long:
        return []
    listed = ", ".join(f"{name} ({n:,} characters)" for name, n in sorted(too_long.items()))
    if long_cells is LongCells.REFUSE:
        raise LimitError(
            f"{table}: cells longer than {limits.name}'s limit of {limits.max_cell_chars:,} "
            f"characters per cell in {listed}; nothing written. Set long_cells: truncate "
            f"on the tab to keep the first {limits.max_cell_chars:,} characters instead"
        )
    return [f"{table}: cells of {listed} cut to their first {limits.max_cell_chars:,} characters"]


PLAIN = frozenset({str, int, float, bool, type(None)})


def plain(value: object) -> Cell:
    """A warehouse value as a cell: ISO text for dates and times, floats for decimals.

    Values are sent RAW: text that looks like a formula stays text, so a URL in the data
    can never run as a formula in the reader's spreadsheet.
    """
    match value:
        case None | str() | bool() | int() | float():
            return value
        case decimal.Decimal():
            return float(value)
        case dt.datetime() | dt.date() | dt.time():
            return value.isoformat()
        case _:
            return str(value)


def native(value: object) -> Value:
    """A warehouse value for a workbook: dates and times stay dates and times (in UTC
    without a zone when they have one: Excel stores no zone), decimals become floats."""
    match value:
        case dt.datetime() if value.tzinfo is not None:
            return value.astimezone(dt.UTC).replace(tzinfo=None)
        case dt.datetime() | dt.date() | dt.time():
            return value
        case _:
            return plain(value)


def cells(
    row: Sequence[object], max_chars: int | None, dates: bool = False
) -> tuple[list[Value], int]:
    """A row of cells, and how many were cut to max_chars (None: none can be too long).
    `dates`: keep dates and times as such (a workbook), else ISO text (Sheets, RAW)."""
    convert = native if dates else plain
    converted = cast(list[Value], [v if type(v) in PLAIN else convert(v) for v in row])
    if max_chars is None:
        return converted, 0
    cut = 0
    for index, value in enumerate(converted):
        if isinstance(value, str) and len(value) > max_chars:
            converted[index] = value[:max_chars]
            cut += 1
    return converted, cut

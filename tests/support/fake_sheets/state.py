"""What the fake spreadsheet holds: its tabs (cells, charts, developer metadata) and sources.

Kept apart from the request handlers so a batchUpdate can work on a copy and commit it
whole, as Sheets applies a batch all or nothing.
"""

import copy
import dataclasses
from dataclasses import dataclass, field
from typing import Any

type Json = dict[str, Any]  # a request or response body, shaped by the discovery document


class RejectedError(ValueError):
    """The API would answer 400 with this message."""


@dataclass
class Sheet:
    """One tab. Values are rows of cells; a DATA_SOURCE sheet has none of its own."""

    sheet_id: int
    title: str
    index: int
    rows: int = 1000
    columns: int = 26
    hidden: bool = False
    sheet_type: str = "GRID"
    frozen_rows: int = 0
    data_source_id: str | None = None
    values: list[list[object]] = field(default_factory=list)
    charts: list[Json] = field(default_factory=list)
    metadata: list[Json] = field(default_factory=list)
    pivots: dict[tuple[int, int], Json] = field(default_factory=dict)  # anchor: PivotTable

    @property
    def cells(self) -> int:
        return self.rows * self.columns if self.sheet_type == "GRID" else 0

    def properties(self) -> Json:
        found: Json = {
            "sheetId": self.sheet_id,
            "title": self.title,
            "index": self.index,
            "sheetType": self.sheet_type,
            "hidden": self.hidden,
        }
        if self.sheet_type == "GRID":
            grid = {"rowCount": self.rows, "columnCount": self.columns}
            found["gridProperties"] = grid | (
                {"frozenRowCount": self.frozen_rows} if self.frozen_rows else {}
            )
        else:
            found["dataSourceSheetProperties"] = {"dataSourceId": self.data_source_id}
        return found

    def put(self, row: int, column: int, values: list[list[object]]) -> None:
        """Cells from (row, column), 1-based; the caller checked the grid's bounds."""
        grid = self.values
        grid.extend([] for _ in range(row - 1 + len(values) - len(grid)))
        for offset, line in enumerate(values):
            target = grid[row - 1 + offset]
            if column == 1 and len(line) >= len(target):
                grid[row - 1 + offset] = list(line)  # a whole row: the common case
                continue
            target = [*target, *[None] * (column - 1 + len(line) - len(target))]
            target[column - 1 : column - 1 + len(line)] = line
            grid[row - 1 + offset] = target

    def block(self, top: int, left: int, bottom: int, right: int) -> list[list[object]]:
        """The cells of a 0-based, end-exclusive rectangle, empty ones as None."""
        rows = []
        for index in range(top, bottom):
            line = self.values[index] if index < len(self.values) else []
            rows.append([line[c] if c < len(line) else None for c in range(left, right)])
        return rows

    def resize(self, rows: int, columns: int) -> None:
        """A new grid size: rows and columns past it go, with their cells."""
        self.rows, self.columns = rows, columns
        self.values = [
            line if len(line) <= columns else line[:columns] for line in self.values[:rows]
        ]


@dataclass
class State:
    """Everything a batchUpdate may change; copied before one, committed after."""

    sheets: list[Sheet]
    sources: list[Json] = field(default_factory=list)
    deleted: set[int] = field(default_factory=set)  # sheet ids that existed once
    started: list[tuple[str, bool]] = field(default_factory=list)  # (source, is a refresh)
    next_id: int = 1000

    def copy(self) -> "State":
        """Copy on write: the rows of cells are shared; a request replaces a row, never edits it."""
        sheets = [
            dataclasses.replace(
                sheet,
                values=list(sheet.values),
                charts=copy.deepcopy(sheet.charts),
                metadata=copy.deepcopy(sheet.metadata),
                pivots=copy.deepcopy(sheet.pivots),
            )
            for sheet in self.sheets
        ]
        return State(sheets, copy.deepcopy(self.sources), set(self.deleted), [], self.next_id)

    def new_id(self) -> int:
        self.next_id += 1
        return self.next_id

    def titled(self, title: str) -> Sheet:
        for sheet in self.sheets:
            if sheet.title == title:
                return sheet
        raise RejectedError(f"Unable to parse range: no sheet named {title!r}")

    def by_id(self, sheet_id: int) -> Sheet:
        for sheet in self.sheets:
            if sheet.sheet_id == sheet_id:
                return sheet
        raise RejectedError(f"No grid with id: {sheet_id}")

    def taken(self, sheet_id: int) -> bool:
        return any(s.sheet_id == sheet_id for s in self.sheets) or sheet_id in self.deleted

"""The fake's spreadsheet: tabs, cells, charts, data sources, with Sheets' own rules.

A batchUpdate applies to a copy of the tab list and replaces it only if every request
succeeded, as Sheets does; values writes must stay inside the tab's grid; the whole
spreadsheet holds at most 10 million cells and a cell at most 50,000 characters.
"""

import dataclasses
import re
import threading
from dataclasses import dataclass, field
from typing import Any

MAX_CELLS = 10_000_000
MAX_CELL_CHARS = 50_000
RANGE = re.compile(r"^(?:'((?:[^']|'')+)'|([^!]+))!([A-Z]+)(\d+)(?::([A-Z]+)(\d+))?$")


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
    values: list[list[Any]] = field(default_factory=list)
    charts: list[dict[str, Any]] = field(default_factory=list)
    metadata: list[dict[str, Any]] = field(default_factory=list)

    @property
    def cells(self) -> int:
        return self.rows * self.columns if self.sheet_type == "GRID" else 0

    def properties(self) -> dict[str, Any]:
        found: dict[str, Any] = {
            "sheetId": self.sheet_id,
            "title": self.title,
            "index": self.index,
            "sheetType": self.sheet_type,
            "hidden": self.hidden,
        }
        if self.sheet_type == "GRID":
            found["gridProperties"] = {"rowCount": self.rows, "columnCount": self.columns}
        return found


def _column_number(letters: str) -> int:
    number = 0
    for letter in letters:
        number = number * 26 + ord(letter) - ord("A") + 1
    return number


class Spreadsheet:
    """The state behind one spreadsheet id; every method holds the lock."""

    def __init__(self, spreadsheet_id: str) -> None:
        self.spreadsheet_id = spreadsheet_id
        self.sheets = [Sheet(0, "Sheet1", 0)]
        self.data_sources: list[dict[str, Any]] = []
        self.refreshes: dict[str, int] = {}
        self.lock = threading.Lock()
        self._next_id = 1000

    def _new_id(self) -> int:
        self._next_id += 1
        return self._next_id

    def titled(self, title: str, sheets: list[Sheet] | None = None) -> Sheet:
        for sheet in self.sheets if sheets is None else sheets:
            if sheet.title == title:
                return sheet
        raise RejectedError(f"Unable to parse range: no sheet named {title!r}")

    def _by_id(self, sheets: list[Sheet], sheet_id: int) -> Sheet:
        for sheet in sheets:
            if sheet.sheet_id == sheet_id:
                return sheet
        raise RejectedError(f"No grid with id: {sheet_id}")

    def resource(self) -> dict[str, Any]:
        """The Spreadsheet resource spreadsheets.get returns."""
        with self.lock:
            sheets = []
            for sheet in sorted(self.sheets, key=lambda s: s.index):
                entry: dict[str, Any] = {"properties": sheet.properties()}
                if sheet.metadata:
                    entry["developerMetadata"] = [dict(m) for m in sheet.metadata]
                if sheet.charts:
                    entry["charts"] = [dict(c) for c in sheet.charts]
                sheets.append(entry)
            found = {"spreadsheetId": self.spreadsheet_id, "sheets": sheets}
            if self.data_sources:
                found["dataSources"] = [dict(s) for s in self.data_sources]
            return found

    def _locate(self, a1: str) -> tuple[Sheet, int, int, int | None, int | None]:
        matched = RANGE.match(a1)
        if not matched:
            raise RejectedError(f"Unable to parse range: {a1}")
        quoted, plain, col, row, end_col, end_row = matched.groups()
        sheet = self.titled(quoted.replace("''", "'") if quoted else plain)
        end = (_column_number(end_col), int(end_row)) if end_col else (None, None)
        return sheet, int(row), _column_number(col), end[1], end[0]

    def read(self, a1: str) -> list[list[Any]]:
        with self.lock:
            sheet, row, column, end_row, end_column = self._locate(a1)
            rows = sheet.values[row - 1 : end_row]
            return [list(r[column - 1 : end_column]) for r in rows]

    def write(self, a1: str, values: list[list[Any]]) -> dict[str, int]:
        with self.lock:
            sheet, row, column, _, _ = self._locate(a1)
            last_row = row - 1 + len(values)
            last_column = column - 1 + max((len(r) for r in values), default=0)
            if last_row > sheet.rows or last_column > sheet.columns:
                raise RejectedError(
                    f"Range ({sheet.title}!R{row}C{column}:R{last_row}C{last_column}) "
                    f"exceeds grid limits. Max rows: {sheet.rows}, max columns: {sheet.columns}"
                )
            longest = max((len(v) for line in values for v in line if type(v) is str), default=0)
            if longest > MAX_CELL_CHARS:
                raise RejectedError(
                    f"Your input contains more than the maximum of {MAX_CELL_CHARS} "
                    f"characters in a single cell."
                )
            grid = sheet.values
            grid.extend([] for _ in range(last_row - len(grid)))
            for offset, line in enumerate(values):
                target = grid[row - 1 + offset]
                if column == 1 and len(line) >= len(target):
                    grid[row - 1 + offset] = line  # a whole row: the common case
                    continue
                target.extend([None] * (column - 1 + len(line) - len(target)))
                target[column - 1 : column - 1 + len(line)] = line
            cells = sum(len(line) for line in values)
            return {"updatedRows": len(values), "updatedCells": cells}

    def batch_update(self, requests: list[dict[str, Any]]) -> list[dict[str, Any]]:
        """Apply every request to a copy; commit only if all succeed."""
        with self.lock:
            sheets = [dataclasses.replace(s, metadata=list(s.metadata)) for s in self.sheets]
            sources = [dict(s) for s in self.data_sources]
            refreshed: list[str] = []
            replies = [self._apply(r, sheets, sources, refreshed) for r in requests]
            if sum(s.cells for s in sheets) > MAX_CELLS:
                raise RejectedError(
                    f"This action would increase the number of cells in the workbook above "
                    f"the limit of {MAX_CELLS} cells."
                )
            for position, sheet in enumerate(sorted(sheets, key=lambda s: s.index)):
                sheet.index = position
            self.sheets, self.data_sources = sheets, sources
            for source_id in refreshed:
                self.refreshes[source_id] = self.refreshes.get(source_id, 0) + 1
            return replies

    def _apply(
        self,
        request: dict[str, Any],
        sheets: list[Sheet],
        sources: list[dict[str, Any]],
        refreshed: list[str],
    ) -> dict[str, Any]:
        if len(request) != 1:
            raise RejectedError(f"A request must set exactly one kind; got {sorted(request)}")
        [(kind, body)] = request.items()
        if kind == "addSheet":
            wanted = body.get("properties", {})
            title = wanted.get("title", f"Sheet{len(sheets) + 1}")
            if any(s.title == title for s in sheets):
                raise RejectedError(f'A sheet with the name "{title}" already exists.')
            grid = wanted.get("gridProperties", {})
            index = wanted.get("index", len(sheets))
            for sheet in sheets:
                sheet.index += sheet.index >= index
            sheet = Sheet(
                wanted.get("sheetId", self._new_id()),
                title,
                index,
                grid.get("rowCount", 1000),
                grid.get("columnCount", 26),
                wanted.get("hidden", False),
            )
            sheets.append(sheet)
            return {"addSheet": {"properties": sheet.properties()}}
        if kind == "deleteSheet":
            sheet = self._by_id(sheets, body["sheetId"])
            if len([s for s in sheets if not s.hidden]) == 1 and not sheet.hidden:
                raise RejectedError("You can't remove all the visible sheets in a document.")
            sheets.remove(sheet)
            return {}
        if kind == "updateSheetProperties":
            sheet = self._by_id(sheets, body["properties"]["sheetId"])
            fields = body.get("fields", "")
            if not fields:
                raise RejectedError("updateSheetProperties needs a fields mask")
            for name in fields.split(","):
                if name == "title":
                    title = body["properties"]["title"]
                    if any(s.title == title and s is not sheet for s in sheets):
                        raise RejectedError(f'A sheet with the name "{title}" already exists.')
                    sheet.title = title
                elif name == "hidden":
                    sheet.hidden = body["properties"].get("hidden", False)
                else:
                    raise RejectedError(f"the fake does not support updating {name!r}")
            if all(s.hidden for s in sheets):
                raise RejectedError("You can't hide all the sheets in a document.")
            return {}
        if kind == "addChart":
            chart = dict(body["chart"], chartId=self._new_id())
            anchor = chart["position"]["overlayPosition"]["anchorCell"]
            sheet = self._by_id(sheets, anchor["sheetId"])
            sheet.charts = [*sheet.charts, chart]
            return {"addChart": {"chart": chart}}
        if kind == "addDataSource":
            source_id = f"source-{self._new_id()}"
            sheet = Sheet(self._new_id(), f"Data source {len(sources) + 1}", len(sheets))
            sheet.sheet_type = "DATA_SOURCE"
            sheets.append(sheet)
            source = dict(body["dataSource"], dataSourceId=source_id, sheetId=sheet.sheet_id)
            sources.append(source)
            status = {"state": "SUCCEEDED"}
            return {"addDataSource": {"dataSource": source, "dataExecutionStatus": status}}
        if kind == "refreshDataSource":
            if not any(s["dataSourceId"] == body.get("dataSourceId") for s in sources):
                raise RejectedError(f"No data source with id: {body.get('dataSourceId')}")
            refreshed.append(body["dataSourceId"])
            return {
                "refreshDataSource": {"statuses": [{"dataExecutionStatus": {"state": "SUCCEEDED"}}]}
            }
        if kind == "createDeveloperMetadata":
            metadata = dict(body["developerMetadata"], metadataId=self._new_id())
            self._by_id(sheets, metadata["location"]["sheetId"]).metadata.append(metadata)
            metadata["location"] = dict(metadata["location"], locationType="SHEET")
            return {"createDeveloperMetadata": {"developerMetadata": metadata}}
        if kind == "updateDeveloperMetadata":
            wanted_ids = {f["developerMetadataLookup"]["metadataId"] for f in body["dataFilters"]}
            changed = []
            for sheet in sheets:
                for index, metadata in enumerate(sheet.metadata):
                    if metadata["metadataId"] in wanted_ids:
                        fields = body["fields"].split(",")
                        new = {k: body["developerMetadata"][k] for k in fields}
                        sheet.metadata[index] = dict(metadata, **new)
                        changed.append(sheet.metadata[index])
            if not changed:
                raise RejectedError("No developer metadata matches the data filters")
            return {"updateDeveloperMetadata": {"developerMetadata": changed}}
        raise RejectedError(f"the fake does not implement {kind}")

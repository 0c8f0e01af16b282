"""The fake's spreadsheet: tabs, cells, charts, data sources, with Sheets' own rules.

A batchUpdate applies to a copy of the state and replaces it only if every request
succeeded, as Sheets does; values writes must stay inside the tab's grid; the whole
spreadsheet holds at most 10 million cells and a cell at most 50,000 characters.

What people build on a tab refers to it by sheet id, not by title: a formula or a chart
on a deleted tab shows #REF! for good, even when a tab of the same title comes back.
`evaluate` models that, so a test can tell a tab updated in place from one recreated.

Adding or refreshing a BigQuery data source runs in the background: the reply says
RUNNING and the data source sheet's `dataExecutionStatus` turns SUCCEEDED or FAILED
(with an error code and message) once the execution ends (`execution_seconds` later,
never if that is infinite). `outcomes` lists what the next executions end in.
"""

import copy
import datetime as dt
import re
import threading
import time
from dataclasses import dataclass

from tests.support.fake_sheets.requests import apply, pivot_key
from tests.support.fake_sheets.state import Json, RejectedError, Sheet, State

MAX_CELLS = 10_000_000
MAX_CELL_CHARS = 50_000
RANGE = re.compile(r"^(?:'((?:[^']|'')+)'|([^!]+))!([A-Z]+)(\d+)(?::([A-Z]+)(\d+))?$")

__all__ = ["Execution", "RejectedError", "Sheet", "Spreadsheet"]


@dataclass
class Execution:
    """One background data execution of a data source (adding it, or a refresh)."""

    outcome: str = "SUCCEEDED"  # or FAILED
    error_code: str = ""
    error_message: str = ""
    seconds: float = 0.0  # how long it runs; 0: the spreadsheet's execution_seconds
    started: float = 0.0
    previous: str | None = None  # lastRefreshTime before it started

    def status(self) -> Json:
        last = {"lastRefreshTime": self.previous} if self.previous else {}
        if time.monotonic() < self.started + self.seconds:
            return {"state": "RUNNING", **last}
        if self.outcome == "SUCCEEDED":
            ended = dt.datetime.now(dt.UTC) - dt.timedelta(
                seconds=time.monotonic() - self.started - self.seconds
            )
            stamp = ended.isoformat(timespec="milliseconds").replace("+00:00", "Z")
            return {"state": "SUCCEEDED", "lastRefreshTime": stamp}
        failed = {"state": "FAILED", "errorCode": self.error_code}
        return failed | {"errorMessage": self.error_message, **last}


def _column_number(letters: str) -> int:
    number = 0
    for letter in letters:
        number = number * 26 + ord(letter) - ord("A") + 1
    return number


class Spreadsheet:
    """The state behind one spreadsheet id; every method holds the lock."""

    def __init__(self, spreadsheet_id: str) -> None:
        self.spreadsheet_id = spreadsheet_id
        self.state = State(sheets=[Sheet(0, "Sheet1", 0)])
        self.refreshes: dict[str, int] = {}  # refreshDataSource requests applied, per source
        self.executions: dict[str, Execution] = {}  # the latest, per data source id
        self.execution_seconds = 0.0
        self.outcomes: list[Execution] = []
        self.lock = threading.Lock()

    @property
    def sheets(self) -> list[Sheet]:
        return self.state.sheets

    @property
    def data_sources(self) -> list[Json]:
        return self.state.sources

    def titled(self, title: str) -> Sheet:
        return self.state.titled(title)

    def by_id(self, sheet_id: int) -> Sheet:
        return self.state.by_id(sheet_id)

    def evaluate(self, sheet_id: int, row: int, column: int) -> object:
        """What a person's formula `='<tab>'!<cell>` shows: it follows the sheet id."""
        with self.lock:
            if sheet_id in self.state.deleted:
                return "#REF!"
            values = self.state.by_id(sheet_id).values
            line = values[row - 1] if row <= len(values) else []
            return line[column - 1] if column <= len(line) else None

    def _execution_status(self, source_id: str) -> Json:
        execution = self.executions.get(source_id)
        return execution.status() if execution else {"state": "NOT_STARTED"}

    def _pivot_cell(self, sheet: Sheet, anchor: tuple[int, int]) -> Json:
        """The GridData of the cell anchoring a pivot table, with its execution status."""
        table = dict(sheet.pivots[anchor])
        table["dataExecutionStatus"] = self._execution_status(pivot_key(sheet, anchor))
        row = {"values": [{"pivotTable": table}]}
        return {"startRow": anchor[0], "startColumn": anchor[1], "rowData": [row]}

    def resource(self) -> Json:
        """The Spreadsheet resource spreadsheets.get returns."""
        with self.lock:
            sheets = []
            for sheet in sorted(self.state.sheets, key=lambda s: s.index):
                properties = sheet.properties()
                if sheet.sheet_type == "DATA_SOURCE":
                    source_id = properties["dataSourceSheetProperties"]["dataSourceId"]
                    status = self._execution_status(source_id)
                    properties["dataSourceSheetProperties"]["dataExecutionStatus"] = status
                entry: Json = {"properties": properties}
                if sheet.metadata:
                    entry["developerMetadata"] = copy.deepcopy(sheet.metadata)
                if sheet.charts:
                    entry["charts"] = copy.deepcopy(sheet.charts)
                if sheet.pivots:
                    entry["data"] = [self._pivot_cell(sheet, anchor) for anchor in sheet.pivots]
                sheets.append(entry)
            found: Json = {"spreadsheetId": self.spreadsheet_id, "sheets": sheets}
            if self.state.sources:
                found["dataSources"] = copy.deepcopy(self.state.sources)
            return found

    def _locate(self, a1: str) -> tuple[Sheet, int, int, int | None, int | None]:
        matched = RANGE.match(a1)
        if not matched:
            raise RejectedError(f"Unable to parse range: {a1}")
        quoted, plain, col, row, end_col, end_row = matched.groups()
        sheet = self.state.titled(quoted.replace("''", "'") if quoted else plain)
        end = (_column_number(end_col), int(end_row)) if end_col else (None, None)
        return sheet, int(row), _column_number(col), end[1], end[0]

    def read(self, a1: str) -> list[list[object]]:
        with self.lock:
            sheet, row, column, end_row, end_column = self._locate(a1)
            rows = sheet.values[row - 1 : end_row]
            return [list(r[column - 1 : end_column]) for r in rows]

    def write(self, a1: str, values: list[list[object]]) -> dict[str, int]:
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
            sheet.put(row, column, values)
            cells = sum(len(line) for line in values)
            return {"updatedRows": len(values), "updatedCells": cells}

    def batch_update(self, requests: list[Json]) -> list[Json]:
        """Apply every request to a copy; commit only if all succeed."""
        with self.lock:
            state = self.state.copy()
            replies = [apply(request, state) for request in requests]
            if sum(s.cells for s in state.sheets) > MAX_CELLS:
                raise RejectedError(
                    f"This action would increase the number of cells in the workbook above "
                    f"the limit of {MAX_CELLS} cells."
                )
            for position, sheet in enumerate(sorted(state.sheets, key=lambda s: s.index)):
                sheet.index = position
            started = state.started
            state.started = []
            self.state = state
            for source_id, refresh in started:
                if refresh:
                    self.refreshes[source_id] = self.refreshes.get(source_id, 0) + 1
                planned = self.outcomes.pop(0) if self.outcomes else Execution()
                before = self.executions.get(source_id)
                planned.previous = before.status().get("lastRefreshTime") if before else None
                planned.started = time.monotonic()
                planned.seconds = planned.seconds or self.execution_seconds
                self.executions[source_id] = planned
            for reply in replies:  # what the reply says of the execution it started
                for status in _statuses(reply):
                    status["state"] = "RUNNING"
            return replies


def _statuses(reply: Json) -> list[Json]:
    if "addDataSource" in reply:
        return [reply["addDataSource"]["dataExecutionStatus"]]
    if "refreshDataSource" in reply:
        return [s["dataExecutionStatus"] for s in reply["refreshDataSource"]["statuses"]]
    return []

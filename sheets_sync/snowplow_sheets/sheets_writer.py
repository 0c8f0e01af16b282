"""Google Sheets as a destination: values tabs updated in place, whole, in one step.

Values: the rows go to a hidden staging tab in chunks under the request-size limit; one
batchUpdate then sizes the live tab's grid to the table, pastes the staging tab's values
over it, deletes the staging tab, records the run and updates the chart. A batchUpdate
applies all its requests or none, so a reader sees the old table or the new one, never a
mix; and the live tab keeps its sheet id, so what people built on it (links, formulas,
charts, filters on other tabs) keeps pointing at live data. Tabs are found by developer
metadata (owned.py), so a renamed tab is updated under its new name.

The sync never creates a spreadsheet: a service account has no Drive storage, so a
person creates it and shares it. Connected tabs: connected.py.
"""

from collections.abc import Callable
from typing import cast

from googleapiclient.errors import HttpError
from tqdm import tqdm

from snowplow_sheets.config import Tab
from snowplow_sheets.connected import connect
from snowplow_sheets.owned import (
    CHART_KEY,
    RUN_KEY,
    STAGING_KEY,
    STAGING_SUFFIX,
    TAB_KEY,
    View,
    sheet_id,
    tag,
    tag_value,
)
from snowplow_sheets.pacing import TRANSPORT_ERRORS, status
from snowplow_sheets.sheets_api import Json, SheetsApi
from snowplow_sheets.sheets_requests import (
    add_chart,
    add_sheet,
    chart_spec,
    chunks,
    copy_values,
    create_metadata,
    delete_sheet,
    grid_size,
    set_metadata,
    update_chart,
)
from snowplow_sheets.table import SHEETS_LIMITS, Cell, Table
from snowplow_sheets.writer import Run, SyncError, metadata_row

__all__ = ["SheetsWriter", "SyncError"]


class SheetsWriter:
    """Writes tabs of one existing spreadsheet, shared with the caller as Editor."""

    limits = SHEETS_LIMITS
    can_connect = True
    keeps_dates = False  # sent RAW as ISO text (the API takes JSON values)

    def __init__(self, api: SheetsApi, progress: bool | None = None) -> None:
        self.api = api
        self.progress = progress  # None: a bar only on a terminal
        self._view: View | None = None

    def view(self, refresh: bool = True) -> View:
        if refresh or self._view is None:
            self._view = View(self.api.get())
        return self._view

    def sheet_cells(self) -> dict[str, int]:
        cells: dict[str, int] = {}
        for sheet in self.view().sheets:
            properties = sheet["properties"]
            grid = properties.get("gridProperties", {})
            stale = tag(sheet, STAGING_KEY) or properties["title"].endswith(STAGING_SUFFIX)
            if properties.get("sheetType", "GRID") == "GRID" and not stale:
                key = tag_value(sheet, TAB_KEY) or properties["title"]
                cells[key] = grid.get("rowCount", 0) * grid.get("columnCount", 0)
        return cells

    def run_id(self, tab: Tab) -> str | None:
        return self.view(False).run_id(tab.tab)

    def write_values(self, tab: Tab, table: Table, run: Run, notes: list[str]) -> int:
        before = self.api.write_requests
        rows = cast(list[list[Cell]], [metadata_row(run, table, notes), table.columns, *table.rows])
        width = max(len(r) for r in rows[:2])
        staging = self._add_staging(tab.tab, len(rows), width)
        with tqdm(
            total=len(rows), desc=tab.tab, unit="rows", disable=self._bar_off(), leave=False
        ) as bar:
            for offset, piece in chunks(rows, self.api.pacing.max_request_bytes):
                self.api.put_rows(tab.tab + STAGING_SUFFIX, offset + 1, piece)
                bar.update(len(piece))
        view = self.view()
        live = view.values_tab(tab.tab)
        swap: list[Json] = []
        if live is None:
            live_id = view.new_id()
            title = tab.tab if view.titled(tab.tab) is None else f"{tab.tab} ({live_id})"
            swap += [
                add_sheet(live_id, title, len(rows), width),
                create_metadata(live_id, TAB_KEY, tab.tab),
            ]
        else:
            live_id = sheet_id(live)
            swap.append(grid_size(live_id, len(rows), width))
            if tag(live, TAB_KEY) is None:
                swap.append(create_metadata(live_id, TAB_KEY, tab.tab))
        swap += [copy_values(staging, live_id, len(rows), width), delete_sheet(staging)]
        swap.append(set_metadata(live_id, RUN_KEY, run.id, live and tag(live, RUN_KEY)))
        if tab.chart:
            spec = chart_spec(live_id, tab.chart, table.columns, len(table.rows))
            recorded = live and tag_value(live, CHART_KEY)
            charts = {c["chartId"] for c in (live or {}).get("charts", [])}
            if recorded and int(recorded) in charts:
                swap.append(update_chart(int(recorded), spec))
            else:
                chart_id = view.new_id()
                swap.append(add_chart(live_id, chart_id, spec, width))
                swap.append(
                    set_metadata(live_id, CHART_KEY, str(chart_id), live and tag(live, CHART_KEY))
                )

        def swapped() -> bool:
            return self.view().by_id(staging) is None and self.view(False).run_id(tab.tab) == run.id

        self._batch_once(swap, swapped)
        self.view()
        return self.api.write_requests - before

    def _batch_once(self, requests: list[Json], applied: Callable[[], bool]) -> None:
        """A batchUpdate that must not run twice (adding tabs, the swap).

        A 5xx or a dropped connection may come after Sheets applied it; before trying
        again, re-read the spreadsheet and stop if `applied` finds the change there.
        """
        backoff = self.api.pacing.backoff
        for attempt in range(backoff.attempts):
            try:
                self.api.batch_update(requests, frozenset({429}), (ConnectionRefusedError,))
                return
            except HttpError as error:
                if status(error) < 500 or attempt == backoff.attempts - 1:
                    raise
            except TRANSPORT_ERRORS:
                backoff.network_errors += 1
                if attempt == backoff.attempts - 1:
                    raise
            if applied():
                return
            backoff.pause(attempt)
        raise AssertionError("unreachable: the last attempt returns or raises")

    def _bar_off(self) -> bool | None:
        return None if self.progress is None else not self.progress

    def _add_staging(self, tab: str, rows: int, columns: int) -> int:
        """A fresh hidden tab to write into; leftovers of a failed run go first."""
        view = self.view()
        new = view.new_id()
        requests = [delete_sheet(sheet_id(s)) for s in view.staging(tab)]
        requests += [
            add_sheet(new, tab + STAGING_SUFFIX, rows, columns, hidden=True),
            create_metadata(new, STAGING_KEY, tab),
        ]
        self._batch_once(requests, lambda: self.view().by_id(new) is not None)
        return new

    def connect(self, tab: Tab, table: tuple[str, str, str], run: Run) -> str:
        return connect(self, tab, table, run)

    def finish(self) -> str:
        return f"https://docs.google.com/spreadsheets/d/{self.api.spreadsheet_id}"

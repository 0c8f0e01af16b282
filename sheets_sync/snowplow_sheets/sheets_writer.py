"""Google Sheets as a destination: values tabs swapped in whole, connected tabs refreshed.

Values: the rows go to a hidden staging tab in chunks under the request-size limit;
one batchUpdate then reveals it, deletes the old tab, gives the new one the old title
and adds the chart. A batchUpdate applies all its requests or none, so a reader sees
the old table or the new one, never a mix. The sync never creates a spreadsheet: a
service account has no Drive storage, so a person creates it and shares it.

Connected: the first run adds a BigQuery data source (which creates its data source
sheet and runs it once); later runs refresh it. A refresh runs billed queries and is not
idempotent, so it is retried only on 429 (refused before it ran), never on 5xx.
"""

from collections.abc import Callable

from googleapiclient.errors import HttpError
from tqdm import tqdm

from snowplow_sheets.config import Tab
from snowplow_sheets.pacing import status
from snowplow_sheets.sheets_api import Json, SheetsApi
from snowplow_sheets.sheets_requests import (
    chunks,
    delete_sheet,
    line_chart,
    run_metadata,
    run_record,
    sheet_properties,
)
from snowplow_sheets.table import SHEETS_LIMITS, Cell, Table
from snowplow_sheets.writer import Run, metadata_row, run_id_of

STAGING_SUFFIX = " (staging)"


class SyncError(RuntimeError):
    """A tab could not be brought up to date; the message says what state it is in."""


class SheetsWriter:
    """Writes tabs of one existing spreadsheet, shared with the caller as Editor."""

    limits = SHEETS_LIMITS
    can_connect = True

    def __init__(self, api: SheetsApi, progress: bool | None = None) -> None:
        self.api = api
        self.progress = progress  # None: a bar only on a terminal
        self._state: Json = {}

    def _sheets(self, refresh: bool = True) -> list[Json]:
        if refresh or not self._state:
            self._state = self.api.get()
        sheets: list[Json] = self._state.get("sheets", [])
        return sheets

    def _titled(self, title: str) -> Json | None:
        return next((s for s in self._sheets(False) if s["properties"]["title"] == title), None)

    def sheet_cells(self) -> dict[str, int]:
        cells: dict[str, int] = {}
        for sheet in self._sheets():
            properties = sheet["properties"]
            grid = properties.get("gridProperties", {})
            stale = properties["title"].endswith(STAGING_SUFFIX)  # deleted before writing
            if properties.get("sheetType", "GRID") == "GRID" and not stale:
                cells[properties["title"]] = grid.get("rowCount", 0) * grid.get("columnCount", 0)
        return cells

    def run_id(self, tab: Tab) -> str | None:
        sheet = self._titled(tab.tab)
        if sheet is None:
            return None
        if sheet["properties"].get("sheetType", "GRID") == "DATA_SOURCE":
            record = run_record(sheet)
            return str(record["metadataValue"]) if record else None
        return run_id_of(self.api.first_row(tab.tab))

    def write_values(self, tab: Tab, table: Table, run: Run, notes: list[str]) -> int:
        before = self.api.write_requests
        rows: list[list[Cell]] = [metadata_row(run, table, notes), list(table.columns)]
        rows += table.rows
        old = self._titled(tab.tab)
        staging = self._add_staging(tab.tab, old, len(rows), max(len(r) for r in rows[:2]))
        pieces = chunks(rows, self.api.pacing.max_request_bytes)
        with tqdm(
            total=len(rows), desc=tab.tab, unit="rows", disable=self._bar_off(), leave=False
        ) as bar:
            for offset, piece in pieces:
                self.api.put_rows(tab.tab + STAGING_SUFFIX, offset + 1, piece)
                bar.update(len(piece))
        # reveal first: a spreadsheet must keep a visible tab after every request
        swap = [sheet_properties(staging, hidden=False), *([delete_sheet(old)] if old else [])]
        swap.append(sheet_properties(staging, title=tab.tab))
        if tab.chart:
            swap.append(line_chart(staging, tab.chart, table.columns, len(table.rows)))

        def swapped() -> Json | None:
            sheet = self._titled(tab.tab)
            return sheet if sheet and sheet["properties"]["sheetId"] == staging else None

        self._batch_once(swap, swapped)
        self._sheets()
        return self.api.write_requests - before

    def _batch_once(self, requests: list[Json], applied: Callable[[], Json | None]) -> Json:
        """A batchUpdate that must not run twice (adding or swapping tabs).

        A 5xx may come after Sheets applied it; before trying again, re-read the
        spreadsheet and stop if `applied` finds the change there. Returns the reply, or
        what `applied` found.
        """
        backoff = self.api.pacing.backoff
        for attempt in range(backoff.attempts):
            try:
                return self.api.batch_update(requests, retry_on=frozenset({429}))
            except HttpError as error:
                if status(error) < 500 or attempt == backoff.attempts - 1:
                    raise
                self._sheets()
                found = applied()
                if found is not None:
                    return found
                backoff.pause(attempt)
        raise AssertionError("unreachable: the last attempt returns or raises")

    def _bar_off(self) -> bool | None:
        return None if self.progress is None else not self.progress

    def _add_staging(self, title: str, old: Json | None, rows: int, columns: int) -> int:
        """A fresh hidden tab next to the old one; a leftover from a failed run goes first."""
        leftover = self._titled(title + STAGING_SUFFIX)
        requests: list[Json] = []
        if leftover:
            requests.append(delete_sheet(leftover))
        properties: Json = {
            "title": title + STAGING_SUFFIX,
            "hidden": True,
            "gridProperties": {"rowCount": rows, "columnCount": columns},
        }
        if old:
            properties["index"] = old["properties"]["index"]
        requests.append({"addSheet": {"properties": properties}})

        def added() -> Json | None:
            sheet = self._titled(title + STAGING_SUFFIX)
            if sheet is None or (leftover and sheet["properties"] == leftover["properties"]):
                return None  # not added: at most the leftover, still there
            return {"replies": [{"addSheet": sheet}]}

        reply = self._batch_once(requests, added)["replies"][-1]
        sheet_id: int = reply["addSheet"]["properties"]["sheetId"]
        return sheet_id

    def connect(self, tab: Tab, table: tuple[str, str, str], run: Run) -> str:
        project, dataset, table_id = table
        spec = {"tableProjectId": project, "datasetId": dataset, "tableId": table_id}
        state = self.api.get()
        self._state = state
        source = next(
            (
                s
                for s in state.get("dataSources", [])
                if s.get("spec", {}).get("bigQuery", {}).get("tableSpec") == spec
            ),
            None,
        )
        if source is None:
            return self._create_source(tab, project, spec, run)
        return self._refresh_source(tab, source, run)

    def _create_source(self, tab: Tab, project: str, spec: Json, run: Run) -> str:
        add = {
            "addDataSource": {
                "dataSource": {"spec": {"bigQuery": {"projectId": project, "tableSpec": spec}}}
            }
        }
        try:
            reply = self.api.batch_update([add], retry_on=frozenset({429}))["replies"][0]
        except HttpError as error:
            if status(error) >= 500:
                raise SyncError(
                    f"{tab.tab}: adding the data source failed with HTTP {error.resp.status}; "
                    f"the next run finds it if it was created, and adds it if not"
                ) from error
            raise SyncError(
                f"{tab.tab}: Sheets refused to connect {'.'.join(spec.values())} "
                f"(HTTP {error.resp.status}). Connected Sheets needs a Workspace edition that "
                f"has it and an identity allowed to use it (the documented one is a person's "
                f"OAuth login); otherwise set `mode: values` on this tab"
            ) from error
        sheet_id = reply["addDataSource"]["dataSource"]["sheetId"]
        requests: list[Json] = []
        clash = self._titled(tab.tab)
        if clash:  # the tab held values before it was connected
            requests.append(delete_sheet(clash))
        requests += [
            sheet_properties(sheet_id, title=tab.tab),
            run_metadata(sheet_id, run),
        ]
        self.api.batch_update(requests)
        return "data source created"

    def _refresh_source(self, tab: Tab, source: Json, run: Run) -> str:
        sheet = next(
            (s for s in self._sheets(False) if s["properties"]["sheetId"] == source["sheetId"]),
            {},
        )
        record = run_record(sheet)
        requests: list[Json] = [
            {"refreshDataSource": {"dataSourceId": source["dataSourceId"], "force": True}}
        ]
        if record:
            lookup = {"developerMetadataLookup": {"metadataId": record["metadataId"]}}
            requests.append(
                {
                    "updateDeveloperMetadata": {
                        "dataFilters": [lookup],
                        "developerMetadata": {"metadataValue": run.id},
                        "fields": "metadataValue",
                    }
                }
            )
        else:  # a data source someone added by hand
            requests.append(run_metadata(source["sheetId"], run))
        try:
            self.api.batch_update(requests, retry_on=frozenset({429}))
        except HttpError as error:
            raise SyncError(
                f"{tab.tab}: refreshing data source {source['dataSourceId']} failed with "
                f"HTTP {error.resp.status}; it may or may not have run. Not retried: every "
                f"refresh runs billed BigQuery queries. Run the sync again to refresh it"
            ) from error
        return "data source refreshed"

    def finish(self) -> str:
        return f"https://docs.google.com/spreadsheets/d/{self.api.spreadsheet_id}"

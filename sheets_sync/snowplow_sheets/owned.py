"""Which tabs of the spreadsheet the sync owns: found by developer metadata, not by title.

People rename, move and delete tabs. Developer metadata is the API's way to tag a sheet
so a program finds it again whatever its title: every tab the sync writes carries
`snowplow_sheets.tab` = the tab's name in sheets.yml, a staging tab carries
`snowplow_sheets.staging`, and the run that last completed the tab `snowplow_run_id`.
A data source has no metadata of its own; its DATA_SOURCE sheet carries the tags.
"""

import random
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Protocol

from snowplow_sheets.sheets_api import Json, SheetsApi

TAB_KEY = "snowplow_sheets.tab"
STAGING_KEY = "snowplow_sheets.staging"
RUN_KEY = "snowplow_run_id"
CHART_KEY = "snowplow_sheets.chart"
REFRESHED_KEY = "snowplow_sheets.refreshed"
PIVOT_KEY = "snowplow_sheets.pivot"
STAGING_SUFFIX = " (staging)"


def sheet_id(sheet: Json) -> int:
    found: int = sheet["properties"]["sheetId"]
    return found


def is_data_source(sheet: Json) -> bool:
    return bool(sheet["properties"].get("sheetType", "GRID") == "DATA_SOURCE")


def tag(sheet: Json, key: str) -> Json | None:
    """The sheet's developer metadata under `key`, if any."""
    return next((m for m in sheet.get("developerMetadata", []) if m["metadataKey"] == key), None)


def tag_value(sheet: Json, key: str) -> str | None:
    found = tag(sheet, key)
    return None if found is None else str(found.get("metadataValue", ""))


@dataclass
class View:
    """One read of the spreadsheet (spreadsheets.get), asked the sync's questions."""

    state: Json
    rng: random.Random = field(default_factory=random.Random)

    @property
    def sheets(self) -> list[Json]:
        found: list[Json] = self.state.get("sheets", [])
        return found

    @property
    def sources(self) -> list[Json]:
        found: list[Json] = self.state.get("dataSources", [])
        return found

    def by_id(self, wanted: int) -> Json | None:
        return next((s for s in self.sheets if sheet_id(s) == wanted), None)

    def titled(self, title: str) -> Json | None:
        return next((s for s in self.sheets if s["properties"]["title"] == title), None)

    def pivot_of(self, tab: str) -> Json | None:
        """The tab holding the pivot table of a connected tab, if the sync made one."""
        return next((s for s in self.sheets if tag_value(s, PIVOT_KEY) == tab), None)

    def owned(self, tab: str) -> list[Json]:
        """The sheets tagged as this tab's (a values tab, a data source sheet, or both)."""
        return [s for s in self.sheets if tag_value(s, TAB_KEY) == tab]

    def values_tab(self, tab: str) -> Json | None:
        """The tab's values sheet: the tagged one, else an untagged grid of its title (a
        tab written before the sync tagged its tabs)."""
        tagged = [s for s in self.owned(tab) if not is_data_source(s)]
        if tagged:
            return tagged[0]
        titled = self.titled(tab)
        untagged = titled is not None and tag(titled, TAB_KEY) is None
        return titled if untagged and titled and not is_data_source(titled) else None

    def staging(self, tab: str) -> list[Json]:
        """Staging tabs a run left behind (tagged, or titled as before tags were used)."""
        return [
            s
            for s in self.sheets
            if tag_value(s, STAGING_KEY) == tab or s["properties"]["title"] == tab + STAGING_SUFFIX
        ]

    def run_id(self, tab: str) -> str | None:
        """The run that completed the tab, when every sheet it owns says the same one."""
        records = {tag_value(sheet, RUN_KEY) for sheet in self.owned(tab)}
        return records.pop() if len(records) == 1 else None

    def new_id(self) -> int:
        """A sheet or chart id no sheet uses (ids are the caller's choice, 31-bit positive)."""
        used = {sheet_id(s) for s in self.sheets}
        used |= {c["chartId"] for s in self.sheets for c in s.get("charts", [])}
        while True:
            candidate = self.rng.randrange(1, 2**31 - 1)
            if candidate not in used:
                return candidate

    def source(self, data_source_id: str) -> Json | None:
        return next((s for s in self.sources if s["dataSourceId"] == data_source_id), None)

    def sources_on(self, table: Json) -> list[Json]:
        """Data sources on this BigQuery table (tableSpec: project, dataset, table)."""
        return [
            s
            for s in self.sources
            if s.get("spec", {}).get("bigQuery", {}).get("tableSpec") == table
        ]

    @staticmethod
    def execution(sheet: Json) -> Json:
        """The data execution status of a DATA_SOURCE sheet (empty when none is reported)."""
        properties = sheet["properties"].get("dataSourceSheetProperties", {})
        found: Json = properties.get("dataExecutionStatus", {})
        return found


class Editor(Protocol):
    """What the connected tabs and pivots need of the Sheets writer (SheetsWriter): its
    API, its view of the owned tabs and its one-batchUpdate-at-a-time edit."""

    api: SheetsApi

    def view(self, refresh: bool = True) -> View: ...

    def _batch_once(self, requests: list[Json], applied: Callable[[], bool]) -> None: ...

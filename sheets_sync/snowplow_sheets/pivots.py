"""A connected tab's pivot table: the whole table summarised by BigQuery, on its own tab.

A data source sheet shows a preview of at most 500 rows; a pivot table on the data
source is computed over every row. The sync puts one on a tab it tags
(`snowplow_sheets.pivot`), writes its definition when the data source is new (a pivot
refers to its data source by id), and waits for its execution like the data source's.
`refreshDataSource` by data source id refreshes every object on that data source, so the
pivot is refreshed by the same billed request, in the same run.
"""

from snowplow_sheets.config import Tab
from snowplow_sheets.executions import wait_for
from snowplow_sheets.owned import PIVOT_KEY, Editor, View, sheet_id
from snowplow_sheets.sheets_api import Json, a1_title
from snowplow_sheets.sheets_requests import add_sheet, create_metadata, pivot_table

PIVOT_FIELDS = "sheets(data(rowData(values(pivotTable(dataSourceId,dataExecutionStatus)))))"


def _status(writer: Editor, title: str) -> Json:
    """The execution status of the pivot table anchored at A1 of a tab."""
    found = writer.api.get(PIVOT_FIELDS, ranges=[f"{a1_title(title)}!A1"])
    for sheet in found.get("sheets", []):
        for grid in sheet.get("data", []):
            for row in grid.get("rowData", []):
                for cell in row.get("values", []):
                    if "pivotTable" in cell:
                        status: Json = cell["pivotTable"].get("dataExecutionStatus", {})
                        return status
    return {}


def last_refresh(writer: Editor, view: View, tab: Tab) -> str | None:
    """When the tab's pivot was last refreshed (None: no pivot yet), read before a refresh."""
    sheet = view.pivot_of(tab.tab) if tab.pivot else None
    if sheet is None:
        return None
    refreshed = _status(writer, sheet["properties"]["title"]).get("lastRefreshTime")
    return None if refreshed is None else str(refreshed)


def bring_up_to_date(
    writer: Editor, tab: Tab, source_sheet: int, before: str | None, rewrite: bool
) -> None:
    """Make the pivot if it is missing (or its data source is new), then wait for it."""
    assert tab.pivot is not None
    view = writer.view()
    source_id = view.by_id(source_sheet)
    assert source_id is not None
    data_source = source_id["properties"]["dataSourceSheetProperties"]["dataSourceId"]
    sheet = view.pivot_of(tab.tab)
    if sheet is None:
        new = view.new_id()
        title = tab.pivot.tab if view.titled(tab.pivot.tab) is None else f"{tab.pivot.tab} ({new})"
        requests = [
            add_sheet(new, title, 1000, 26, frozen=0),
            create_metadata(new, PIVOT_KEY, tab.tab),
            pivot_table(new, data_source, tab.pivot),
        ]
        writer._batch_once(requests, lambda: writer.view().by_id(new) is not None)
        before = None
    else:
        title = sheet["properties"]["title"]
        if rewrite:
            writer._batch_once(
                [pivot_table(sheet_id(sheet), data_source, tab.pivot)], lambda: False
            )
            before = None
    label = f"{tab.tab}: the pivot table on tab {title!r}"
    wait_for(writer.api, label, lambda: _status(writer, title), before)

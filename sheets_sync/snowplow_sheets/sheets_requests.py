"""The request bodies the Sheets writer sends, built from plain values.

Kept apart from the writer so each shape can be read against the discovery document
(sheets.v4.json) in one place: chart specs, tab properties, pastes, data sources,
developer metadata.
"""

import json

from snowplow_sheets.config import Chart, Pivot
from snowplow_sheets.sheets_api import Json
from snowplow_sheets.table import Cell

HEADER_ROWS = 2  # the run's metadata row, then the column names: frozen on every tab


class ChunkError(ValueError):
    """A single row is larger than a request may be."""


def chunks(rows: list[list[Cell]], max_bytes: int) -> list[tuple[int, list[list[Cell]]]]:
    """Consecutive slices whose JSON stays under max_bytes; (offset, rows) each."""
    budget = max_bytes - 1_000  # the body's envelope: range, majorDimension
    found: list[tuple[int, list[list[Cell]]]] = []
    start, size = 0, 0
    for index, row in enumerate(rows):
        row_bytes = len(json.dumps(row)) + 2  # as the client encodes it, with ", " between
        if row_bytes > budget:
            raise ChunkError(f"row {index} alone is {row_bytes:,} bytes, above {max_bytes:,}")
        if size + row_bytes > budget:
            found.append((start, rows[start:index]))
            start, size = index, 0
        size += row_bytes
    if start < len(rows):
        found.append((start, rows[start:]))
    return found


def chart_spec(sheet_id: int, chart: Chart, columns: list[str], rows: int) -> Json:
    """A basic chart (LINE, COLUMN or AREA) of the y columns against x, over the tab's rows."""

    def column(name: str) -> Json:
        index = columns.index(name)
        grid = {
            "sheetId": sheet_id,
            "startRowIndex": 1,  # the header row; row 0 holds the run's metadata
            "endRowIndex": rows + HEADER_ROWS,
            "startColumnIndex": index,
            "endColumnIndex": index + 1,
        }
        return {"sourceRange": {"sources": [grid]}}

    return {
        "title": chart.title,
        "basicChart": {
            "chartType": chart.type.upper(),
            "legendPosition": "BOTTOM_LEGEND",
            "headerCount": 1,
            "axis": [
                {"position": "BOTTOM_AXIS", "title": chart.x},
                {"position": "LEFT_AXIS", "title": chart.y_title},
            ],
            "domains": [{"domain": column(chart.x)}],
            "series": [{"series": column(name), "targetAxis": "LEFT_AXIS"} for name in chart.y],
        },
    }


def add_chart(sheet_id: int, chart_id: int, spec: Json, columns: int) -> Json:
    """The chart beside the table, with the id the sync chose (so it finds it next run)."""
    anchor = {"sheetId": sheet_id, "rowIndex": HEADER_ROWS, "columnIndex": columns + 1}
    embedded = {
        "chartId": chart_id,
        "spec": spec,
        "position": {"overlayPosition": {"anchorCell": anchor}},
    }
    return {"addChart": {"chart": embedded}}


def update_chart(chart_id: int, spec: Json) -> Json:
    return {"updateChartSpec": {"chartId": chart_id, "spec": spec}}


def add_sheet(
    sheet_id: int,
    title: str,
    rows: int,
    columns: int,
    hidden: bool = False,
    frozen: int = HEADER_ROWS,
) -> Json:
    grid = {"rowCount": rows, "columnCount": columns}
    if frozen and not hidden:
        grid["frozenRowCount"] = frozen
    properties = {"sheetId": sheet_id, "title": title, "hidden": hidden, "gridProperties": grid}
    return {"addSheet": {"properties": properties}}


def delete_sheet(sheet_id: int) -> Json:
    return {"deleteSheet": {"sheetId": sheet_id}}


def sheet_properties(sheet_id: int, **changes: object) -> Json:
    properties = {"sheetId": sheet_id, **changes}
    return {"updateSheetProperties": {"properties": properties, "fields": ",".join(changes)}}


def grid_size(sheet_id: int, rows: int, columns: int) -> Json:
    """Resize a tab's grid to exactly the table (rows past it go) and freeze the header."""
    grid = {"rowCount": rows, "columnCount": columns, "frozenRowCount": HEADER_ROWS}
    fields = ",".join(f"gridProperties.{name}" for name in grid)
    properties = {"sheetId": sheet_id, "gridProperties": grid}
    return {"updateSheetProperties": {"properties": properties, "fields": fields}}


def copy_values(source_id: int, target_id: int, rows: int, columns: int) -> Json:
    """Paste the values of a whole rows x columns block of one tab over another's."""

    def block(sheet_id: int) -> Json:
        return {
            "sheetId": sheet_id,
            "startRowIndex": 0,
            "endRowIndex": rows,
            "startColumnIndex": 0,
            "endColumnIndex": columns,
        }

    paste = {"source": block(source_id), "destination": block(target_id)}
    return {"copyPaste": paste | {"pasteType": "PASTE_VALUES", "pasteOrientation": "NORMAL"}}


def create_metadata(sheet_id: int, key: str, value: str) -> Json:
    """A createDeveloperMetadata request tagging a whole sheet (readable by any editor)."""
    metadata = {
        "metadataKey": key,
        "metadataValue": value,
        "location": {"sheetId": sheet_id},
        "visibility": "DOCUMENT",
    }
    return {"createDeveloperMetadata": {"developerMetadata": metadata}}


def set_metadata(sheet_id: int, key: str, value: str, existing: Json | None) -> Json:
    """Update the tag when the sheet has it, else create it."""
    if existing is None:
        return create_metadata(sheet_id, key, value)
    lookup = {"developerMetadataLookup": {"metadataId": existing["metadataId"]}}
    return {
        "updateDeveloperMetadata": {
            "dataFilters": [lookup],
            "developerMetadata": {"metadataValue": value},
            "fields": "metadataValue",
        }
    }


def add_data_source(sheet_id: int, project: str, table: Json) -> Json:
    """A BigQuery data source on a table; its DATA_SOURCE sheet gets the id we chose."""
    spec = {"bigQuery": {"projectId": project, "tableSpec": table}}
    return {"addDataSource": {"dataSource": {"spec": spec, "sheetId": sheet_id}}}


def refresh_data_source(data_source_id: str) -> Json:
    return {"refreshDataSource": {"dataSourceId": data_source_id, "force": True}}


def delete_data_source(data_source_id: str) -> Json:
    return {"deleteDataSource": {"dataSourceId": data_source_id}}


def pivot_table(sheet_id: int, data_source_id: str, pivot: Pivot) -> Json:
    """A pivot table on a data source, anchored at A1 of its tab (an updateCells request):
    one row per value of the `rows` columns, in order, with totals."""
    table = {
        "dataSourceId": data_source_id,
        "rows": [
            {
                "dataSourceColumnReference": {"name": name},
                "sortOrder": "ASCENDING",
                "showTotals": True,
            }
            for name in pivot.rows
        ],
        "values": [
            {
                "dataSourceColumnReference": {"name": value.column},
                "summarizeFunction": value.function,
            }
            for value in pivot.values
        ],
    }
    start = {"sheetId": sheet_id, "rowIndex": 0, "columnIndex": 0}
    rows = [{"values": [{"pivotTable": table}]}]
    return {"updateCells": {"start": start, "rows": rows, "fields": "pivotTable"}}

"""The request bodies the Sheets writer sends, built from plain values.

Kept apart from the writer so each shape can be read against the discovery document
(sheets.v4.json) in one place: chart specs, tab property updates, developer metadata.
"""

import json

from snowplow_sheets.config import Chart
from snowplow_sheets.sheets_api import Json
from snowplow_sheets.table import Cell
from snowplow_sheets.writer import Run

RUN_KEY = "snowplow_run_id"


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


def line_chart(sheet_id: int, chart: Chart, columns: list[str], rows: int) -> Json:
    """An addChart request: a LINE basic chart of the y columns against x."""

    def column(name: str) -> Json:
        index = columns.index(name)
        grid = {
            "sheetId": sheet_id,
            "startRowIndex": 1,  # the header row; row 0 holds the run's metadata
            "endRowIndex": rows + 2,
            "startColumnIndex": index,
            "endColumnIndex": index + 1,
        }
        return {"sourceRange": {"sources": [grid]}}

    anchor = {"sheetId": sheet_id, "rowIndex": 2, "columnIndex": len(columns) + 1}
    return {
        "addChart": {
            "chart": {
                "spec": {
                    "title": chart.title,
                    "basicChart": {
                        "chartType": "LINE",
                        "legendPosition": "BOTTOM_LEGEND",
                        "headerCount": 1,
                        "axis": [
                            {"position": "BOTTOM_AXIS", "title": chart.x},
                            {"position": "LEFT_AXIS", "title": "users"},
                        ],
                        "domains": [{"domain": column(chart.x)}],
                        "series": [
                            {"series": column(name), "targetAxis": "LEFT_AXIS"} for name in chart.y
                        ],
                    },
                },
                "position": {"overlayPosition": {"anchorCell": anchor}},
            }
        }
    }


def delete_sheet(sheet: Json) -> Json:
    return {"deleteSheet": {"sheetId": sheet["properties"]["sheetId"]}}


def sheet_properties(sheet_id: int, **changes: object) -> Json:
    properties = {"sheetId": sheet_id, **changes}
    return {"updateSheetProperties": {"properties": properties, "fields": ",".join(changes)}}


def run_record(sheet: Json) -> Json | None:
    """The developer metadata recording a data source sheet's run (it has no cells)."""
    found = [m for m in sheet.get("developerMetadata", []) if m["metadataKey"] == RUN_KEY]
    return found[0] if found else None


def run_metadata(sheet_id: int, run: Run) -> Json:
    """A createDeveloperMetadata request recording the run on a data source sheet."""
    metadata = {
        "metadataKey": RUN_KEY,
        "metadataValue": run.id,
        "location": {"sheetId": sheet_id},
        "visibility": "DOCUMENT",
    }
    return {"createDeveloperMetadata": {"developerMetadata": metadata}}

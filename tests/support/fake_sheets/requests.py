"""The batchUpdate requests the fake implements, each on a working copy of the state.

Each handler follows the Sheets API reference for the fields the sync and the tests use
and refuses (400) what Sheets refuses: duplicate titles or ids, removing the last visible
tab, a paste outside the grid, refreshing a data source that has nothing left to refresh.
"""

from collections.abc import Callable

from tests.support.fake_sheets.state import Json, RejectedError, Sheet, State

GRID_FIELDS = {"rowCount": "rows", "columnCount": "columns", "frozenRowCount": "frozen_rows"}


def apply(request: Json, state: State) -> Json:
    """One request of a batch; its reply (an empty object when Sheets sends none)."""
    if len(request) != 1:
        raise RejectedError(f"A request must set exactly one kind; got {sorted(request)}")
    [(kind, body)] = request.items()
    handler = HANDLERS.get(kind)
    if handler is None:
        raise RejectedError(f"the fake does not implement {kind}")
    return handler(body, state)


def _new_sheet_id(wanted: object, state: State) -> int:
    if wanted is None:
        return state.new_id()
    if not isinstance(wanted, int) or state.taken(wanted):
        raise RejectedError(f"Invalid sheetId {wanted}: a sheet with this id already exists.")
    return wanted


def _add_sheet(body: Json, state: State) -> Json:
    wanted = body.get("properties", {})
    title = wanted.get("title", f"Sheet{len(state.sheets) + 1}")
    if any(s.title == title for s in state.sheets):
        raise RejectedError(f'A sheet with the name "{title}" already exists.')
    grid = wanted.get("gridProperties", {})
    index = wanted.get("index", len(state.sheets))
    for sheet in state.sheets:
        sheet.index += sheet.index >= index
    sheet = Sheet(
        _new_sheet_id(wanted.get("sheetId"), state),
        title,
        index,
        grid.get("rowCount", 1000),
        grid.get("columnCount", 26),
        wanted.get("hidden", False),
        frozen_rows=grid.get("frozenRowCount", 0),
    )
    state.sheets.append(sheet)
    return {"addSheet": {"properties": sheet.properties()}}


def _delete_sheet(body: Json, state: State) -> Json:
    sheet = state.by_id(body["sheetId"])
    if len([s for s in state.sheets if not s.hidden]) == 1 and not sheet.hidden:
        raise RejectedError("You can't remove all the visible sheets in a document.")
    state.sheets.remove(sheet)
    state.deleted.add(sheet.sheet_id)  # its data source, if any, stays (without a sheet)
    return {}


def _update_sheet_properties(body: Json, state: State) -> Json:
    wanted = body["properties"]
    sheet = state.by_id(wanted["sheetId"])
    fields = body.get("fields", "")
    if not fields:
        raise RejectedError("updateSheetProperties needs a fields mask")
    rows, columns = sheet.rows, sheet.columns
    for name in fields.split(","):
        if name == "title":
            if any(s.title == wanted["title"] and s is not sheet for s in state.sheets):
                raise RejectedError(f'A sheet with the name "{wanted["title"]}" already exists.')
            sheet.title = wanted["title"]
        elif name == "hidden":
            sheet.hidden = wanted.get("hidden", False)
        elif name.startswith("gridProperties.") and name[15:] in GRID_FIELDS:
            if sheet.sheet_type != "GRID":
                raise RejectedError("gridProperties apply only to grid sheets")
            value = wanted.get("gridProperties", {}).get(name[15:], 0)
            if name.endswith("rowCount"):
                rows = value
            elif name.endswith("columnCount"):
                columns = value
            else:
                sheet.frozen_rows = value
        else:
            raise RejectedError(f"the fake does not support updating {name!r}")
    if (rows, columns) != (sheet.rows, sheet.columns):
        if rows < 1 or columns < 1:
            raise RejectedError("a grid needs at least one row and one column")
        sheet.resize(rows, columns)
    if sheet.frozen_rows >= sheet.rows:
        raise RejectedError("You can't freeze all visible rows on the sheet.")
    if all(s.hidden for s in state.sheets):
        raise RejectedError("You can't hide all the sheets in a document.")
    return {}


def _bounds(grid: Json, sheet: Sheet) -> tuple[int, int, int, int]:
    """A GridRange as (top, left, bottom, right); unset ends mean the grid's edges."""
    top, left = grid.get("startRowIndex", 0), grid.get("startColumnIndex", 0)
    bottom = grid.get("endRowIndex", sheet.rows)
    right = grid.get("endColumnIndex", sheet.columns)
    if not (0 <= top < bottom <= sheet.rows and 0 <= left < right <= sheet.columns):
        raise RejectedError(
            f"Range ({sheet.title}!R{top + 1}C{left + 1}:R{bottom}C{right}) exceeds grid "
            f"limits. Max rows: {sheet.rows}, max columns: {sheet.columns}"
        )
    return top, left, bottom, right


def _copy_paste(body: Json, state: State) -> Json:
    """Values of one range over another of the same size (the only kind the fake models)."""
    if body.get("pasteType", "PASTE_NORMAL") not in ("PASTE_VALUES", "PASTE_NORMAL"):
        raise RejectedError(f"the fake does not model pasteType {body['pasteType']}")
    source = state.by_id(body["source"]["sheetId"])
    target = state.by_id(body["destination"]["sheetId"])
    top, left, bottom, right = _bounds(body["source"], source)
    to_top, to_left, to_bottom, to_right = _bounds(body["destination"], target)
    if (to_bottom - to_top, to_right - to_left) != (bottom - top, right - left):
        raise RejectedError("the fake models pastes onto a range of the source's size only")
    block = source.block(top, left, bottom, right)
    if (to_top, to_left, to_right) == (0, 0, target.columns):
        for offset, line in enumerate(block):  # whole rows: replace them
            while len(target.values) <= offset:
                target.values.append([])
            target.values[offset] = _trim(line)
        return {}
    for offset, line in enumerate(block):
        target.put(to_top + offset + 1, to_left + 1, [line])
    return {}


def _trim(line: list[object]) -> list[object]:
    end = len(line)
    while end and line[end - 1] is None:
        end -= 1
    return line[:end]


def _add_chart(body: Json, state: State) -> Json:
    chart = dict(body["chart"])
    wanted = chart.get("chartId")
    if wanted is not None and any(c["chartId"] == wanted for s in state.sheets for c in s.charts):
        raise RejectedError(f"Invalid chartId {wanted}: an object with this id already exists.")
    chart["chartId"] = state.new_id() if wanted is None else wanted
    sheet = state.by_id(chart["position"]["overlayPosition"]["anchorCell"]["sheetId"])
    sheet.charts.append(chart)
    return {"addChart": {"chart": chart}}


def _update_chart_spec(body: Json, state: State) -> Json:
    for sheet in state.sheets:
        for chart in sheet.charts:
            if chart["chartId"] == body["chartId"]:
                chart["spec"] = body["spec"]
                return {}
    raise RejectedError(f"No chart with id: {body['chartId']}")


def _add_data_source(body: Json, state: State) -> Json:
    source = dict(body["dataSource"])
    source_id = str(state.new_id())
    sheet = Sheet(
        _new_sheet_id(source.get("sheetId"), state),
        f"Data source {len(state.sources) + 1}",
        len(state.sheets),
        sheet_type="DATA_SOURCE",
        data_source_id=source_id,
    )
    state.sheets.append(sheet)
    source |= {"dataSourceId": source_id, "sheetId": sheet.sheet_id}
    state.sources.append(source)
    state.started.append((source_id, False))
    return {"addDataSource": {"dataSource": source, "dataExecutionStatus": {"state": "RUNNING"}}}


def pivot_key(sheet: Sheet, anchor: tuple[int, int]) -> str:
    """The execution key of a pivot table on a data source (its sheet and anchor cell)."""
    return f"pivot:{sheet.sheet_id}:{anchor[0]}:{anchor[1]}"


def _update_cells(body: Json, state: State) -> Json:
    """Only what the sync writes this way: a data source pivot table at one cell."""
    if body.get("fields") != "pivotTable" or "start" not in body:
        raise RejectedError("the fake models updateCells only for a pivotTable at a start cell")
    start = body["start"]
    sheet = state.by_id(start["sheetId"])
    [row] = body["rows"]
    [cell] = row["values"]
    table = cell["pivotTable"]
    if not any(s["dataSourceId"] == table.get("dataSourceId") for s in state.sources):
        raise RejectedError(f"No data source with id: {table.get('dataSourceId')}")
    anchor = (start.get("rowIndex", 0), start.get("columnIndex", 0))
    sheet.pivots[anchor] = table
    state.started.append((pivot_key(sheet, anchor), False))
    return {}


def _refresh_data_source(body: Json, state: State) -> Json:
    source_id = str(body.get("dataSourceId"))
    found = [s for s in state.sources if s["dataSourceId"] == source_id]
    if not found:
        raise RejectedError(f"No data source with id: {source_id}")
    if not any(s.data_source_id == source_id for s in state.sheets):
        raise RejectedError(f"No data source object to refresh for data source {source_id}")
    state.started.append((source_id, True))
    for sheet in state.sheets:  # every object on the data source is refreshed with it
        for anchor, table in sheet.pivots.items():
            if table["dataSourceId"] == source_id:
                state.started.append((pivot_key(sheet, anchor), True))
    reference = {"sheetId": str(found[0]["sheetId"])}
    status = {"reference": reference, "dataExecutionStatus": {"state": "RUNNING"}}
    return {"refreshDataSource": {"statuses": [status]}}


def _delete_data_source(body: Json, state: State) -> Json:
    source_id = body["dataSourceId"]
    if not any(s["dataSourceId"] == source_id for s in state.sources):
        raise RejectedError(f"No data source with id: {source_id}")
    state.sources = [s for s in state.sources if s["dataSourceId"] != source_id]
    for sheet in [s for s in state.sheets if s.data_source_id == source_id]:
        state.sheets.remove(sheet)
        state.deleted.add(sheet.sheet_id)
    return {}


def _create_developer_metadata(body: Json, state: State) -> Json:
    metadata = dict(body["developerMetadata"])
    wanted = metadata.get("metadataId")
    taken = {m["metadataId"] for s in state.sheets for m in s.metadata}
    if wanted is not None and (wanted < 1 or wanted in taken):
        raise RejectedError(f"Invalid metadataId {wanted}")
    metadata["metadataId"] = state.new_id() if wanted is None else wanted
    metadata["location"] = dict(metadata["location"], locationType="SHEET")
    state.by_id(metadata["location"]["sheetId"]).metadata.append(metadata)
    return {"createDeveloperMetadata": {"developerMetadata": metadata}}


def _matching(filters: list[Json], state: State) -> list[tuple[Sheet, int]]:
    wanted = {f["developerMetadataLookup"]["metadataId"] for f in filters}
    return [
        (sheet, index)
        for sheet in state.sheets
        for index, metadata in enumerate(sheet.metadata)
        if metadata["metadataId"] in wanted
    ]


def _update_developer_metadata(body: Json, state: State) -> Json:
    changed = []
    for sheet, index in _matching(body["dataFilters"], state):
        new = {k: body["developerMetadata"][k] for k in body["fields"].split(",")}
        sheet.metadata[index] = dict(sheet.metadata[index], **new)
        changed.append(sheet.metadata[index])
    if not changed:
        raise RejectedError("No developer metadata matches the data filters")
    return {"updateDeveloperMetadata": {"developerMetadata": changed}}


def _delete_developer_metadata(body: Json, state: State) -> Json:
    found = _matching([body["dataFilter"]], state)
    for sheet, index in sorted(found, key=lambda pair: -pair[1]):
        del sheet.metadata[index]
    return {"deleteDeveloperMetadata": {}}


HANDLERS: dict[str, Callable[[Json, State], Json]] = {
    "addSheet": _add_sheet,
    "deleteSheet": _delete_sheet,
    "updateSheetProperties": _update_sheet_properties,
    "copyPaste": _copy_paste,
    "updateCells": _update_cells,
    "addChart": _add_chart,
    "updateChartSpec": _update_chart_spec,
    "addDataSource": _add_data_source,
    "refreshDataSource": _refresh_data_source,
    "deleteDataSource": _delete_data_source,
    "createDeveloperMetadata": _create_developer_metadata,
    "updateDeveloperMetadata": _update_developer_metadata,
    "deleteDeveloperMetadata": _delete_developer_metadata,
}

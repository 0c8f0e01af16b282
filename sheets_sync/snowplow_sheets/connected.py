"""Connected tabs: a BigQuery data source per tab, added once, refreshed each run, checked.

Adding or refreshing a data source starts a data execution in the background: the reply
says RUNNING, and the DATA_SOURCE sheet's `dataExecutionStatus` later says SUCCEEDED or
FAILED, with an error code and message (Sheets API reference, DataExecutionStatus). The
sync polls that status until it ends or `Pacing.refresh_timeout` passes; FAILED, or still
running at the timeout, fails the run with the API's own words. Only a SUCCEEDED
execution records the run id and the refresh time on the sheet.

A refresh runs billed BigQuery queries and is not idempotent, so it is sent again only
after a 429 or a refused connection (neither reached Sheets); after a 5xx or a dropped
connection the run fails and says the refresh may or may not have run.

The DATA_SOURCE sheet is tagged (owned.py), so a renamed one is refreshed once, under its
new name. Everything that changes the tab's kind goes in one batchUpdate with the
addDataSource (whose sheet id the sync chooses): the values tab the connected tab
replaces, a data source whose sheet a person deleted (refreshing it would fail with
400), the title and the tag. No run can stop halfway through a conversion.
"""

from collections.abc import Callable

from googleapiclient.errors import HttpError

from snowplow_sheets import pivots
from snowplow_sheets.config import Tab
from snowplow_sheets.executions import wait_for
from snowplow_sheets.owned import (
    REFRESHED_KEY,
    RUN_KEY,
    TAB_KEY,
    Editor,
    View,
    is_data_source,
    sheet_id,
    tag,
)
from snowplow_sheets.pacing import TRANSPORT_ERRORS, status
from snowplow_sheets.sheets_api import Json
from snowplow_sheets.sheets_requests import (
    add_data_source,
    create_metadata,
    delete_data_source,
    delete_sheet,
    refresh_data_source,
    set_metadata,
    sheet_properties,
)
from snowplow_sheets.writer import RefusedError, Run, SyncError

ENDED = frozenset({"SUCCEEDED", "FAILED"})
STATUS_FIELDS = (
    "sheets(properties(sheetId,dataSourceSheetProperties(dataSourceId,dataExecutionStatus)))"
)
ONLY_REFUSED = (ConnectionRefusedError,)


def refused_message(tab: Tab, table: str, error: HttpError) -> str:
    return (
        f"{tab.tab}: Sheets refused to connect {table} (HTTP {error.resp.status}: "
        f"{_reason(error)}). Connected Sheets needs a Workspace edition that has it, the "
        f"bigquery.readonly scope and an identity with BigQuery access to the table (the "
        f"documented one is a person's OAuth login); otherwise set `mode: values` or "
        f"`on_refused: values` on this tab"
    )


def _reason(error: HttpError) -> str:
    return str(getattr(error, "reason", "") or error)


def connect(writer: Editor, tab: Tab, table: tuple[str, str, str], run: Run) -> str:
    """Create or refresh the tab's data source, wait for its execution, record the run."""
    project, dataset, table_id = table
    spec: Json = {"tableProjectId": project, "datasetId": dataset, "tableId": table_id}
    view = writer.view()
    owned = [s for s in view.owned(tab.tab) if is_data_source(s)]
    sheet = owned[0] if owned else _adoptable(view, spec)
    # a values tab this tab replaces: a former values tab, or a conversion left halfway
    replaced = [s for s in view.owned(tab.tab) if not is_data_source(s)]
    titled = view.values_tab(tab.tab)
    if titled is not None and titled not in replaced:
        replaced.append(titled)
    cleanup = [delete_sheet(sheet_id(s)) for s in replaced]
    if sheet is None:
        new = view.new_id()
        orphans = [
            delete_data_source(s["dataSourceId"])
            for s in view.sources_on(spec)
            if view.by_id(s.get("sheetId", -1)) is None  # its sheet was deleted
        ]
        requests = [*orphans, add_data_source(new, project, spec), *cleanup]
        requests += [
            sheet_properties(new, title=tab.tab),
            create_metadata(new, TAB_KEY, tab.tab),
        ]
        before = pivot_before = None
        _send(
            writer,
            tab,
            requests,
            ".".join(table),
            applied=lambda: writer.view().by_id(new) is not None,
        )
        target, action = new, "data source created"
    else:
        target = sheet_id(sheet)
        before = view.execution(sheet).get("lastRefreshTime")
        pivot_before = pivots.last_refresh(writer, view, tab)
        adopt = [] if tag(sheet, TAB_KEY) else [create_metadata(target, TAB_KEY, tab.tab)]
        source_id = sheet["properties"]["dataSourceSheetProperties"]["dataSourceId"]
        requests = [*adopt, *cleanup, refresh_data_source(source_id)]
        try:
            writer.api.batch_update(requests, frozenset({429}), ONLY_REFUSED)
        except (HttpError, *TRANSPORT_ERRORS) as error:
            code = (
                f"HTTP {error.resp.status}"
                if isinstance(error, HttpError)
                else type(error).__name__
            )
            raise SyncError(
                f"{tab.tab}: refreshing data source {source_id} failed ({code}); it may or "
                f"may not have run. Not retried: every refresh runs billed BigQuery queries. "
                f"Run the sync again to refresh it"
            ) from error
        action = "data source refreshed"

    def status() -> Json:
        found = View(writer.api.get(STATUS_FIELDS)).by_id(target)
        return View.execution(found) if found else {}

    label = f"{tab.tab}: the BigQuery data source"
    execution = wait_for(writer.api, label, status, before)
    refreshed = str(execution.get("lastRefreshTime", ""))
    if tab.pivot:
        pivots.bring_up_to_date(writer, tab, target, pivot_before, rewrite=before is None)
    done = writer.view().by_id(target) or {}
    writer.api.batch_update(
        [
            set_metadata(target, RUN_KEY, run.id, tag(done, RUN_KEY)),
            set_metadata(target, REFRESHED_KEY, refreshed, tag(done, REFRESHED_KEY)),
        ]
    )
    return f"{action}, data as of {refreshed}"


def _adoptable(view: View, spec: Json) -> Json | None:
    """An untagged data source sheet on the same table (added by hand, or by a run of an
    earlier version that stopped before tagging it): adopted rather than doubled."""
    for source in view.sources_on(spec):
        sheet = view.by_id(source.get("sheetId", -1))
        if sheet is not None and tag(sheet, TAB_KEY) is None:
            return sheet
    return None


def _send(
    writer: Editor, tab: Tab, requests: list[Json], table: str, applied: Callable[[], bool]
) -> None:
    """The conversion batch: retried like a tab swap, a refusal explained."""
    try:
        writer._batch_once(requests, applied)
    except HttpError as error:
        if status(error) in (400, 403):
            raise RefusedError(refused_message(tab, table, error)) from error
        raise

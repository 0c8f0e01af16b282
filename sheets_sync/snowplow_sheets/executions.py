"""Waiting for a Connected Sheets data execution to end, and what it ended in.

Adding a data source, refreshing it or adding a pivot table on it starts a data execution
in the background; its `dataExecutionStatus` (Sheets API reference) says RUNNING, then
SUCCEEDED (with `lastRefreshTime`) or FAILED (with `errorCode` and `errorMessage`).
"""

import time
from collections.abc import Callable

from snowplow_sheets.sheets_api import Json, SheetsApi
from snowplow_sheets.writer import SyncError


def wait_for(api: SheetsApi, label: str, read: Callable[[], Json], before: str | None) -> Json:
    """Poll `read` (a DataExecutionStatus) until it ends; SyncError on FAILED or timeout.

    `before` is the lastRefreshTime the object had before this run's execution: a
    SUCCEEDED status still showing it is the previous execution's, not this one's.
    """
    pacing = api.pacing
    started = time.monotonic()
    while True:
        execution = read()
        state = execution.get("state", "NOT_STARTED")
        fresh = before is None or execution.get("lastRefreshTime") != before
        shown = before or "no earlier refresh"
        if state == "FAILED":
            raise SyncError(
                f"{label} FAILED ({execution.get('errorCode', '')}): "
                f"{execution.get('errorMessage', '') or 'Sheets gave no message'}. The tab "
                f"still shows the data of {shown}"
            )
        if state == "SUCCEEDED" and fresh:
            return execution
        waited = time.monotonic() - started
        if waited + pacing.poll_seconds > pacing.refresh_timeout:
            raise SyncError(
                f"{label} is still {state} after {waited:.0f} s (timeout "
                f"{pacing.refresh_timeout:g} s); the run is failed, the tab shows the data "
                f"of {shown} until the execution ends"
            )
        pacing.deadline.check(pacing.poll_seconds, f"waiting for {label}")
        time.sleep(pacing.poll_seconds)

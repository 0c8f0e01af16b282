"""What one delivery did: the outcome and counts the function logs as one JSON line.

The outcome of a file that has a manifest row is the status that row records, logged
by one delivery only (``handler.CloudLoader._report``); every other delivery of it
says ``skipped``. ``log_delivery`` writes that line, for the handler and so for
reconcile's runs; the log-based loaded-files metric counts ``loaded`` lines.
"""

import time
from dataclasses import dataclass

from snowplow_loader.cloud import logs
from snowplow_loader.cloud.events import ObjectEvent
from snowplow_loader.results import FileStatus, NotLoaded

Outcome = FileStatus | NotLoaded  # what one delivery did (results.py defines both)
SEVERITY = {FileStatus.QUARANTINED: "WARNING", NotLoaded.GONE: "WARNING",
            NotLoaded.UNMATCHED: "WARNING", NotLoaded.RETRY: "WARNING",
            FileStatus.FAILED: "ERROR", NotLoaded.TOO_OLD: "ERROR",
            NotLoaded.BAD_EVENT: "ERROR"}  # fmt: skip


@dataclass(frozen=True)
class Report:
    """What one delivery did; logged as one JSON line."""

    outcome: Outcome
    key: str | None = None
    rows_in: int | None = None
    rows_loaded: int | None = None
    rows_bad: int | None = None
    blank_lines: int | None = None
    job_id: str | None = None
    reason: str | None = None


def log_delivery(report: Report, event: ObjectEvent | None, started: float) -> Report:
    """The one line per delivery: key, rows, bad rows, job id, outcome (and why)."""
    logs.emit(
        SEVERITY.get(report.outcome, "INFO"),
        f"{report.outcome}: {report.key or 'event'}",
        outcome=report.outcome,
        file_key=report.key,
        rows=report.rows_in,
        rows_loaded=report.rows_loaded,
        bad_rows=report.rows_bad,
        blank_lines=report.blank_lines,
        job_id=report.job_id,
        reason=report.reason,
        event_id=event.event_id if event else None,
        seconds=round(time.monotonic() - started, 3),
    )
    return report

"""What one delivery did: the outcome and counts the function logs as one JSON line.

The outcome of a file that has a manifest row is the status that row records, logged
by one delivery only (``handler.CloudLoader._report``); every other delivery of it
says ``skipped``. The log-based loaded-files metric counts ``loaded`` lines.
"""

from dataclasses import dataclass

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

"""What a load produced: per-file outcomes, bad-row reasons and the one-line summary.

Reasons mirror Snowplow's loader parsing errors (NotTSV, FieldNumberMismatch,
RowDecodingError) so people who know Snowplow's bad rows read ours without a guide.
"""

from dataclasses import dataclass
from enum import StrEnum


class BadRowReason(StrEnum):
    """Why one line did not become a raw_events row."""

    NOT_TSV = "not_tsv"  # not UTF-8 text, or holds NUL bytes
    FIELD_NUMBER_MISMATCH = "field_number_mismatch"  # not 131 tab-separated fields
    ROW_DECODING_ERROR = "row_decoding_error"  # fields that fail their rule (named)


class FileStatus(StrEnum):
    """What happened to a whole file, in both engines, their logs and the manifest.

    The manifest holds all but SKIPPED, which is what a second attempt at a file
    reports (the CLI's summary, the function's log line) and is never recorded.
    PARKED is the cloud's: reconcile stops replaying a file that failed too often.
    """

    LOADED = "loaded"  # rows in raw_events and/or bad rows
    EMPTY = "empty"  # no lines at all: recorded so it is not looked at again
    QUARANTINED = "quarantined"  # unreadable as a whole: nothing loaded, reason kept
    FAILED = "failed"  # an error no retry fixed: nothing loaded; replayable (cloud reconcile)
    SKIPPED = "skipped"  # already in the manifest: loading it again is a no-op
    PARKED = "parked"  # failed too often: replayed only when a person redrives it


# Statuses that settle a file: it is never loaded again. A FAILED row does not settle
# it; a replay may still load it, and then adds its own row.
SETTLED = frozenset({FileStatus.LOADED, FileStatus.EMPTY, FileStatus.QUARANTINED})


class NotLoaded(StrEnum):
    """Why the Cloud Function left an object alone without recording it in the manifest."""

    STALE = "stale"  # a newer generation of the object exists
    GONE = "gone"  # the object was deleted before it could be read
    TOO_OLD = "too_old"  # the event outlived its retries: reconcile finds the object
    IGNORED = "ignored"  # the loader's own staging/quarantine, or a writer's temporary object
    UNMATCHED = "unmatched"  # a name no pattern accepts: counted (metric) and warned, not loaded
    BAD_EVENT = "bad_event"  # not a storage finalize event
    RETRY = "retry"  # a transient error: the event (or the next reconcile) tries again


@dataclass(frozen=True)
class FileResult:
    """One file's outcome. Invariant: rows_in == rows_loaded + rows_bad."""

    key: str
    status: FileStatus
    rows_in: int = 0
    rows_loaded: int = 0
    rows_bad: int = 0
    blank_lines: int = 0
    reason: str | None = None
    seconds: float = 0.0

    def __post_init__(self) -> None:
        if self.rows_in != self.rows_loaded + self.rows_bad:
            raise AssertionError(
                f"{self.key}: {self.rows_in} rows in but {self.rows_loaded} loaded "
                f"+ {self.rows_bad} bad; refusing to record a load that lost rows"
            )


@dataclass(frozen=True)
class Summary:
    """Totals over one invocation, for the CLI's last line and its exit code."""

    results: tuple[FileResult, ...]
    seconds: float

    def count(self, status: FileStatus) -> int:
        return sum(r.status is status for r in self.results)

    @property
    def rows_loaded(self) -> int:
        return sum(r.rows_loaded for r in self.results)

    @property
    def rows_bad(self) -> int:
        return sum(r.rows_bad for r in self.results)

    @property
    def clean(self) -> bool:
        """No bad row and no quarantined or failed file: what `--strict` demands."""
        bad_files = self.count(FileStatus.QUARANTINED) + self.count(FileStatus.FAILED)
        return self.rows_bad == 0 and bad_files == 0

    def line(self) -> str:
        rate = self.rows_loaded / self.seconds if self.seconds else 0.0
        return (
            f"{len(self.results)} files ({self.count(FileStatus.LOADED)} loaded, "
            f"{self.count(FileStatus.SKIPPED)} already loaded, "
            f"{self.count(FileStatus.EMPTY)} empty, "
            f"{self.count(FileStatus.QUARANTINED)} quarantined, "
            f"{self.count(FileStatus.FAILED)} failed): "
            f"{self.rows_loaded:,} rows loaded, {self.rows_bad:,} bad rows "
            f"in {self.seconds:.1f} s ({rate:,.0f} rows/s)"
        )

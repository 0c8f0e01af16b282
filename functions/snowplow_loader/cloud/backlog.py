"""The manifest side of reconcile: what it says of a window's files, and parking.

``states`` reads only the rows of one chunk of folders written since the window's
start: ``file_key`` in the folders' key range (the manifest is clustered by file_key,
so BigQuery reads only those blocks) and ``load_tstamp >= since`` (a file's rows are
written after the object was, so rows of objects created in the window qualify). The
memory of a run follows the window, not the bucket.

A file that keeps failing is replayed with backoff (``backoff * 2^(failures-1)`` after
its last failure) and parked after ``max_attempts`` failed runs: reconcile records a
``parked`` row (one per file, its job id says so: two runs park it once) and logs one
ERROR line with outcome ``parked``, which the parked-files alert counts. A parked
file waits for a person: the redrive command (``snowplow-reconcile --prefix``) loads
it, once, as the next replay.
"""

from dataclasses import dataclass
from datetime import datetime, timedelta
from enum import StrEnum
from typing import TYPE_CHECKING

from snowplow_loader.cloud import logs
from snowplow_loader.cloud.deploy import REDRIVE_COMMAND
from snowplow_loader.cloud.events import ObjectEvent
from snowplow_loader.cloud.warehouse import LoadFacts
from snowplow_loader.results import SETTLED, FileStatus

if TYPE_CHECKING:
    from google.cloud import bigquery

    from snowplow_loader.cloud.handler import CloudLoader

_SETTLED = ", ".join(f"'{status}'" for status in sorted(SETTLED))


@dataclass(frozen=True)
class FileState:
    """What the manifest says of one file."""

    settled: bool
    failures: int
    last_failure: datetime | None
    parked: bool


class Action(StrEnum):
    """What reconcile does with one listed object."""

    LOAD = "load"  # no row, old enough: its event was missed
    REPLAY = "replay"  # failed, its backoff is over
    PARK = "park"  # failed max_attempts times: record it parked, alert once
    WAIT = "wait"  # too young, or failed and in its backoff: a later run decides
    DONE = "done"  # settled or parked: nothing to do


@dataclass(frozen=True)
class Policy:
    """When to load, replay and park (``SNOWPLOW_RECONCILE_*`` settings)."""

    min_age: timedelta
    backoff: timedelta
    max_attempts: int
    redrive: bool = False  # a person asked: parked files and backoffs do not hold it back

    def decide(self, state: FileState | None, created: datetime | None, now: datetime) -> Action:
        if state is None:
            young = created is not None and now - created < self.min_age
            return Action.WAIT if young else Action.LOAD
        if state.settled:
            return Action.DONE
        if self.redrive:
            return Action.REPLAY
        if state.parked:
            return Action.DONE
        if state.failures >= self.max_attempts:
            return Action.PARK
        wait = max(self.min_age, self.backoff * 2 ** (state.failures - 1))
        if state.last_failure is not None and now - state.last_failure < wait:
            return Action.WAIT
        return Action.REPLAY


def states_sql(manifest: str) -> str:
    """Per file in [@low, @high) with rows since @since: settled, failures, parked."""
    return f"""
SELECT file_key, LOGICAL_OR(status IN ({_SETTLED})) AS settled,
    COUNTIF(status = '{FileStatus.FAILED}') AS failures,
    MAX(IF(status = '{FileStatus.FAILED}', load_tstamp, NULL)) AS last_failure,
    LOGICAL_OR(status = '{FileStatus.PARKED}') AS parked
FROM `{manifest}`
WHERE file_key >= @low AND file_key < @high AND load_tstamp >= @since
GROUP BY file_key"""


def key_range(bucket: str, prefixes: list[str]) -> tuple[str, str]:
    """The file_key range holding every key under the (sorted) prefixes."""
    low, last = f"gs://{bucket}/{prefixes[0]}", f"gs://{bucket}/{prefixes[-1]}"
    return low, last[:-1] + chr(ord(last[-1]) + 1)  # the first string after the prefix


def states(
    client: "bigquery.Client",
    manifest: str,
    location: str | None,
    bucket: str,
    prefixes: list[str],
    since: datetime,
) -> dict[str, FileState]:
    """The manifest's word on the files under ``prefixes`` written since ``since``."""
    from google.cloud import bigquery

    low, high = key_range(bucket, sorted(prefixes))
    config = bigquery.QueryJobConfig(
        query_parameters=[
            bigquery.ScalarQueryParameter("low", "STRING", low),
            bigquery.ScalarQueryParameter("high", "STRING", high),
            bigquery.ScalarQueryParameter("since", "TIMESTAMP", since),
        ]
    )
    rows = client.query_and_wait(states_sql(manifest), job_config=config, location=location)
    return {
        row["file_key"]: FileState(
            bool(row["settled"]), int(row["failures"]), row["last_failure"], bool(row["parked"])
        )
        for row in rows
    }


def park(loader: "CloudLoader", event: ObjectEvent, state: FileState, deadline: float) -> bool:
    """Record the file ``parked`` and log the one ERROR line; False if another run did,
    or if the file got loaded meanwhile (the record script writes nothing then)."""
    reason = (
        f"failed {state.failures} times: parked until a person fixes the cause and redrives "
        f"it ({REDRIVE_COMMAND})"
    )
    parked = ObjectEvent(
        event.bucket, event.name, event.generation, event.size, replay=state.failures
    )
    submit = loader.warehouse.record(
        parked, FileStatus.PARKED, reason, LoadFacts(0, 0, event.size), 0.0
    )
    # one writer chain per generation (jobs.write): the park queues behind its other writers
    job = loader.jobs.write(event.generation_digest, parked.replay, submit, deadline, True)
    row = loader.warehouse.manifest_row(job)  # a commit that landed meanwhile settles it
    if row is not None and row.job_id == job.job_id and row.status == FileStatus.PARKED:
        logs.emit(
            "ERROR",
            f"parked: {event.key}",
            outcome=FileStatus.PARKED,
            file_key=event.key,
            failures=state.failures,
            reason=reason,
        )
        return True
    return False

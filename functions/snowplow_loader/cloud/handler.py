"""One finalize event in, one outcome out: the loader's policy on Google Cloud.

Policy (see functions/README.md):
- The newest generation of an object loads; each generation at most once. An event
  whose generation is no longer the live one is stale and skipped; raw_events is
  append-only, so a new generation's events are added (the models dedupe event_id).
- Nothing half-loaded: a file's rows, bad rows and manifest row commit in one
  transaction; an unreadable file is copied to the quarantine prefix and recorded.
- Raise only what a retry can fix (``errors.is_transient``: overload and quotas
  included); record and acknowledge the rest. A file recorded ``failed`` is not
  lost: ``reconcile`` replays it (a new run, ``ObjectEvent.replay``), and it finds
  the objects whose events expired (``max_event_age_seconds``, Eventarc's 24 h).
"""

import time
from collections.abc import Callable
from dataclasses import replace
from datetime import UTC, datetime
from typing import TYPE_CHECKING, Any, TypeGuard, cast

from snowplow_loader.cloud import logs, tables
from snowplow_loader.cloud.config import Config
from snowplow_loader.cloud.errors import PermanentJobError, TransientError, is_transient
from snowplow_loader.cloud.events import BadEventError, CloudEventLike, ObjectEvent
from snowplow_loader.cloud.gcs import ChainHints, GenerationGoneError, ObjectInfo, Storage
from snowplow_loader.cloud.jobs import WRITE, Jobs, needs_write
from snowplow_loader.cloud.report import Report as Report  # re-exported: reconcile uses it
from snowplow_loader.cloud.report import log_delivery
from snowplow_loader.cloud.warehouse import LoadFacts, ManifestRow, Warehouse
from snowplow_loader.framing import UnreadableFileError
from snowplow_loader.names import Verdict
from snowplow_loader.results import FileStatus, NotLoaded

if TYPE_CHECKING:
    from google.cloud import bigquery as bq

    from snowplow_loader.cloud.jobs import Job


class CloudLoader:
    def __init__(
        self,
        config: Config,
        bigquery: "bq.Client",
        storage: Any,
        checkpoint: Callable[[str], None] = lambda _: None,
    ) -> None:
        self.config = config
        self.project: str = config.project or bigquery.project
        self.storage = Storage(storage)
        self.warehouse = Warehouse(bigquery, tables.names(config, self.project), config.location)
        self.jobs = Jobs(bigquery, config.job_prefix, config.location, checkpoint)
        self.checkpoint = checkpoint

    def handle_cloud_event(self, cloud_event: CloudEventLike) -> Report:
        """Handle one delivery and log its line; raises TransientError to ask for a retry."""
        try:
            event = ObjectEvent.from_cloud_event(cloud_event)
        except BadEventError as error:
            report = Report(NotLoaded.BAD_EVENT, reason=str(error))
            return log_delivery(report, None, time.monotonic())
        report = self.run(event)
        if report.outcome is NotLoaded.RETRY:
            raise TransientError(report.reason)
        return report

    def run(self, event: ObjectEvent) -> Report:
        """Handle one object generation and log its line; a transient error is a RETRY."""
        started = time.monotonic()
        try:
            report = self.handle(event)
        except Exception as error:
            if not is_transient(error):
                raise  # handle() records permanent errors itself; this is a bug: crash loudly
            report = Report(NotLoaded.RETRY, event.key, reason=f"{type(error).__name__}: {error}")
        return log_delivery(report, event, started)

    def handle(self, event: ObjectEvent) -> Report:
        started = time.monotonic()
        if self.ignored(event):
            return Report(
                NotLoaded.IGNORED, event.key, reason="the loader's own or a temporary object"
            )
        if not self.config.names.accepts(event.name):
            reason = (
                f"the name matches none of SNOWPLOW_NAME_PATTERNS ({self.config.names.describe()})"
            )
            return Report(NotLoaded.UNMATCHED, event.key, reason=reason)
        if event.time is not None:
            age = (datetime.now(UTC) - event.time).total_seconds()
            if age > self.config.max_event_age_seconds:
                reason = (
                    f"event is {age:,.0f} s old (limit {self.config.max_event_age_seconds} s); "
                    "not loaded now: the next reconcile loads it"
                )
                return Report(NotLoaded.TOO_OLD, event.key, reason=reason)
        jobs = self._jobs(event)
        try:
            return self._load(jobs, event, started)
        except GenerationGoneError:  # overwritten or deleted while we read or copied it
            return Report(NotLoaded.STALE, event.key, reason="the generation went away")
        except Exception as error:
            if is_transient(error):
                raise
            return self._record_failure(jobs, event, error, started)

    def _deadline(self, started: float) -> float:
        """When this invocation stops waiting for jobs and asks for a retry instead."""
        return started + self.config.job_wait_seconds

    def _jobs(self, event: ObjectEvent) -> Jobs:
        """The job chains, noting long ones next to this event's staging objects."""
        bucket = self.config.staging_bucket or event.bucket
        return self.jobs.with_hints(
            ChainHints(self.storage.client, bucket, self.config.staging_prefix)
        )

    def ignored(self, event: ObjectEvent) -> bool:
        """The loader's own staging and quarantine copies, or a writer's temporary object
        (``names.Verdict.TEMPORARY``); a name no pattern accepts is not ignored but UNMATCHED."""
        own = (self.config.staging_prefix, self.config.quarantine_prefix)
        return event.name.startswith(own) or (
            self.config.names.verdict(event.name) is Verdict.TEMPORARY
        )

    def _load(self, jobs: Jobs, event: ObjectEvent, started: float) -> Report:
        staging = tables.staging_table(self.config, self.project, event.digest)
        writer, _ = jobs.latest(event.generation_digest, WRITE)
        if self._settles(writer, event):
            self._clean(event, staging)  # in case the first run died before it did
            return self._report(jobs, event, writer)
        live = self._live(event)
        if isinstance(live, Report):
            return live
        if live.size > self.config.max_file_bytes:
            reason = (
                f"{live.size:,} bytes: larger than the supported {self.config.max_file_bytes:,}"
            )
            return self._record(
                jobs,
                event,
                FileStatus.QUARANTINED,
                reason,
                LoadFacts(0, 0, live.size),
                started,
                quarantine=True,
            )
        load, _ = jobs.latest(event.digest, "load")
        if jobs.needs_attempt(load):
            result = self._stage_and_load(jobs, event, staging, started)
            if isinstance(result, Report):
                return result
            load = result
        else:  # running for another delivery, or done: never stage the file twice
            load = jobs.finish(cast("Job", load), self._deadline(started))  # not None here
        if isinstance(live := self._live(event), Report):  # overwritten while it loaded
            self._clean(event, staging)
            return live
        facts = LoadFacts.from_job(load)
        submit = self.warehouse.commit(event, staging, facts, time.monotonic() - started)
        commit = jobs.write(event.generation_digest, event.replay, submit, self._deadline(started))
        self.checkpoint("committed")
        self._clean(event, staging)
        return self._report(jobs, event, commit)

    @staticmethod
    def _settles(writer: "Job | None", event: ObjectEvent) -> TypeGuard["Job"]:
        """A writer finished without error, after which this run writes nothing more."""
        done = writer is not None and writer.state == "DONE" and writer.error_result is None
        return done and not needs_write(writer, event.replay)

    def _live(self, event: ObjectEvent) -> ObjectInfo | Report:
        """The object, when the event's generation is its live one; else why not.

        Checked before anything is read and again right before the commit, so a
        generation overwritten while it loads does not land after its replacement
        (one overwritten during the commit itself still can: functions/README.md).
        """
        live = self.storage.current(event.bucket, event.name)
        if live is None:
            return Report(NotLoaded.GONE, event.key, reason="the object no longer exists")
        if live.generation > event.generation:
            return Report(
                NotLoaded.STALE, event.key, reason=f"generation {live.generation} is newer"
            )
        if live.generation < event.generation:
            raise TransientError(
                f"{event.key}: the object still shows generation {live.generation}"
            )
        return live

    def _stage_and_load(
        self, jobs: Jobs, event: ObjectEvent, staging: str, started: float
    ) -> "Job | Report":
        """Stream the object to a staging object and load it: the load job, or a final Report."""
        bucket = self.config.staging_bucket or event.bucket
        try:
            staged = self.storage.stage(
                event, bucket, self.config.staging_prefix, self.config.max_file_bytes
            )
        except UnreadableFileError as error:
            facts = LoadFacts(0, 0, event.size)
            return self._record(
                jobs, event, FileStatus.QUARANTINED, str(error), facts, started, quarantine=True
            )
        facts = LoadFacts.of(staged.staged)
        live = self.storage.current(event.bucket, event.name)
        if live is None or live.generation != event.generation:  # overwritten while read
            self.storage.delete(staged.uri)
            return Report(NotLoaded.STALE, event.key, reason="overwritten while it was read")
        if facts.rows_in == 0:
            self.storage.delete(staged.uri)
            return self._record(jobs, event, FileStatus.EMPTY, None, facts, started)
        submit = self.warehouse.load(staged.uri, staging, facts)
        load, inserted = jobs.run(event.digest, "load", submit, self._deadline(started))
        if not inserted:  # another delivery's staging object won: ours is garbage
            self.storage.delete(staged.uri)
        return load

    def _record(
        self,
        jobs: Jobs,
        event: ObjectEvent,
        status: str,
        reason: str | None,
        facts: LoadFacts,
        started: float,
        quarantine: bool = False,
    ) -> Report:
        if quarantine:
            bucket = self.config.quarantine_bucket or event.bucket
            copy = self.storage.quarantine(event, bucket, self.config.quarantine_prefix)
            reason = f"{reason} (copied to {copy})"
        submit = self.warehouse.record(event, status, reason, facts, time.monotonic() - started)
        after_failure = status == FileStatus.FAILED
        job = jobs.write(
            event.generation_digest, event.replay, submit, self._deadline(started), after_failure
        )
        return self._report(jobs, event, job)

    def _record_failure(
        self, jobs: Jobs, event: ObjectEvent, error: Exception, started: float
    ) -> Report:
        """Record this run failed, unless a job of the generation still runs: then retry.

        A running load or commit may yet load the file (a redelivery that fails while
        the first delivery's commit runs must not leave a ``failed`` row beside the
        ``loaded`` one, nor start a replay); ``jobs.write`` waits for a running writer.
        """
        if running := jobs.running_load(
            [replace(event, replay=r).digest for r in range(event.replay + 1)]
        ):
            raise TransientError(
                f"{type(error).__name__}: {error}; not recorded failed: load job {running} runs"
            ) from error
        reason = f"{type(error).__name__}: {error}"[:1000]
        try:
            report = self._record(
                jobs, event, FileStatus.FAILED, reason, LoadFacts(0, 0, event.size), started
            )
        except PermanentJobError as record_error:  # cannot even record it: say so, acknowledge
            return Report(
                FileStatus.FAILED, event.key, reason=f"{reason}; not recorded: {record_error}"
            )
        return replace(report, reason=report.reason or reason)

    def _report(self, jobs: Jobs, event: ObjectEvent, writer: "Job") -> Report:
        """What the manifest holds for the file, and the outcome that follows it.

        The status its writer recorded is logged by exactly one delivery, the one that
        claims the writer's report (``Jobs.claim_report``): so the loaded-files metric
        counts each ``loaded`` row once, whichever delivery inserted the commit and
        whether or not it lived to log it. Every other delivery says ``skipped``.
        """
        row: ManifestRow | None = self.warehouse.manifest_row(writer)
        mine = row is not None and row.job_id == writer.job_id and jobs.claim_report(writer)
        if row is None:
            return Report(FileStatus.SKIPPED, event.key, job_id=writer.job_id)
        outcome = FileStatus(row.status) if mine else FileStatus.SKIPPED
        return Report(
            outcome,
            event.key,
            row.rows_in,
            row.rows_loaded,
            row.rows_bad,
            row.blank_lines,
            row.job_id,
            row.reason,
        )

    def _clean(self, event: ObjectEvent, staging: str) -> None:
        """Best effort: expiry and the bucket's lifecycle rule catch what this misses."""
        try:
            self.warehouse.drop_staging(staging)
            bucket = self.config.staging_bucket or event.bucket
            self.storage.delete_staged(bucket, self.config.staging_prefix, event)
        except Exception as error:
            logs.emit("WARNING", f"staging not cleaned: {error}", staging=staging)

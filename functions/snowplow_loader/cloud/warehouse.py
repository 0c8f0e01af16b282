"""The BigQuery side of one file: its load job, its commit or record query, the result.

Each method builds one job for ``Jobs.run`` (which supplies the deterministic id).
Facts a later delivery needs without re-reading the object (staged rows, blank
lines, object size) travel as labels of the load job, so a redelivery that finds
the load done goes straight to the commit.
"""

from dataclasses import dataclass
from datetime import UTC, datetime
from typing import TYPE_CHECKING, cast

from snowplow_loader import bigquery_sql as sql
from snowplow_loader.cloud.events import ObjectEvent
from snowplow_loader.cloud.stager import Staged

if TYPE_CHECKING:
    from google.cloud import bigquery

    from snowplow_loader.cloud.jobs import Job, Submit


@dataclass(frozen=True)
class ManifestRow:
    """The manifest entry of one file, as the commit or record job returned it."""

    status: str
    rows_in: int
    rows_loaded: int
    rows_bad: int
    blank_lines: int
    reason: str | None
    job_id: str


@dataclass(frozen=True)
class LoadFacts:
    """What the stager found, kept on the load job as labels."""

    rows_in: int
    blank_lines: int
    bytes: int

    def labels(self) -> dict[str, str]:
        return {
            "rows_in": str(self.rows_in),
            "blank_lines": str(self.blank_lines),
            "bytes": str(self.bytes),
        }

    @classmethod
    def of(cls, staged: Staged) -> "LoadFacts":
        return cls(staged.rows, staged.blank_lines, staged.bytes_in)

    @classmethod
    def from_job(cls, job: "Job") -> "LoadFacts":
        labels = job.labels or {}
        return cls(int(labels["rows_in"]), int(labels["blank_lines"]), int(labels["bytes"]))


class Warehouse:
    def __init__(self, client: "bigquery.Client", tables: sql.Tables, location: str | None) -> None:
        self.client = client
        self.tables = tables
        self.location = location

    def load(self, uri: str, staging: str, facts: LoadFacts) -> "Submit":
        """A submit function: the staging object into its table, created by this job alone."""
        from google.cloud import bigquery

        from snowplow_loader.cloud.tables import schema_fields

        config = bigquery.LoadJobConfig(
            source_format=bigquery.SourceFormat.NEWLINE_DELIMITED_JSON,
            schema=schema_fields(sql.STAGING_SCHEMA),
            create_disposition=bigquery.CreateDisposition.CREATE_IF_NEEDED,
            write_disposition=bigquery.WriteDisposition.WRITE_TRUNCATE,
            labels=facts.labels(),
        )

        def submit(job_id: str) -> bigquery.LoadJob:
            return self.client.load_table_from_uri(
                uri, staging, job_id=job_id, job_config=config, location=self.location
            )

        return submit

    def commit(
        self, event: ObjectEvent, staging: str, facts: LoadFacts, seconds: float
    ) -> "Submit":
        """A submit function: the transaction that moves the staged file into place."""
        script = sql.commit_script(self.tables, staging)
        return self._query(script, event, facts, seconds, "loaded", None)

    def record(
        self, event: ObjectEvent, status: str, reason: str | None, facts: LoadFacts, seconds: float
    ) -> "Submit":
        """A submit function: a manifest row for a file that loads no rows."""
        return self._query(sql.record_script(self.tables), event, facts, seconds, status, reason)

    def _query(
        self,
        script: str,
        event: ObjectEvent,
        facts: LoadFacts,
        seconds: float,
        status: str,
        reason: str | None,
    ) -> "Submit":
        from google.cloud import bigquery

        def submit(job_id: str) -> bigquery.QueryJob:
            values: list[tuple[str, str, str | int | float | datetime | None]] = [
                ("file_key", "STRING", event.key),
                ("path", "STRING", event.path),
                ("generation", "INT64", event.generation),
                ("bytes", "INT64", facts.bytes),
                ("rows_in", "INT64", facts.rows_in),
                ("blank_lines", "INT64", facts.blank_lines),
                ("load_tstamp", "TIMESTAMP", datetime.now(UTC)),
                ("seconds", "FLOAT64", round(seconds, 3)),
                ("job_id", "STRING", job_id),
                ("status", "STRING", status),
                ("reason", "STRING", reason),
            ]
            used = [v for v in values if f"@{v[0]}" in script]
            config = bigquery.QueryJobConfig(
                query_parameters=[bigquery.ScalarQueryParameter(*v) for v in used],
                labels={"run": str(event.replay), "status": status},  # see jobs.needs_write
            )
            return self.client.query(
                script, job_config=config, job_id=job_id, location=self.location, job_retry=None
            )

        return submit

    def manifest_row(self, job: "Job") -> ManifestRow | None:
        """The manifest row a finished commit/record job returned (None if it is gone)."""
        from google.api_core.exceptions import NotFound

        try:
            rows = list(cast("bigquery.QueryJob", job).result())  # writers are query jobs
        except NotFound:  # results of old jobs expire after a day
            return None
        if not rows:
            return None
        row = rows[0]
        return ManifestRow(
            row["status"],
            row["rows_in"],
            row["rows_loaded"],
            row["rows_bad"],
            row["blank_lines"],
            row["reason"],
            row["job_id"],
        )

    def drop_staging(self, staging: str) -> None:
        self.client.delete_table(staging, not_found_ok=True)

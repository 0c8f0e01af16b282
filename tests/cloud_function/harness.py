"""A test's view of the cloud: upload objects, deliver their events, read what landed."""

import os
import uuid
from dataclasses import dataclass, field, replace
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from cloudevents.conversion import to_binary
from cloudevents.http import CloudEvent
from functions_framework import create_app
from google.auth.credentials import AnonymousCredentials
from google.cloud import bigquery, storage
from snowplow_loader.cloud import entry, tables
from snowplow_loader.cloud.config import Config
from snowplow_loader.cloud.events import FINALIZED, ObjectEvent
from snowplow_loader.cloud.handler import CloudLoader


class SimulatedCrash(BaseException):
    """The instance died here: not an Exception, so no handler in the function sees it."""


@dataclass
class Cloud:
    bucket: str
    config: Config
    bigquery: Any
    storage: Any
    app: Any
    project: str
    names: Any = field(init=False)
    uploaded: list[ObjectEvent] = field(default_factory=list)
    started: datetime = field(default_factory=lambda: datetime.now(UTC))

    def __post_init__(self) -> None:
        self.names = tables.names(self.config, self.project)

    @classmethod
    def start(cls, bucket: str, main: Path) -> "Cloud":
        entry.reset()
        config = Config.from_env(os.environ)
        assert config.project is not None and config.bigquery_endpoint is not None
        client = bigquery.Client(
            project=config.project,
            credentials=AnonymousCredentials(),  # type: ignore[no-untyped-call]
            client_options={"api_endpoint": config.bigquery_endpoint},
        )
        gcs = storage.Client()
        gcs.create_bucket(bucket)
        tables.ensure(client, config, config.project)
        app = create_app(  # type: ignore[no-untyped-call]
            target="load_object", source=str(main), signature_type="cloudevent"
        )
        return cls(bucket, config, client, gcs, app, config.project)

    def close(self) -> None:
        entry.reset()
        self.bigquery.close()

    def loader(self) -> CloudLoader:
        """The function's own loader instance (built on first use, as on a cold start)."""
        return entry.loader()

    def upload(self, name: str, data: bytes) -> int:
        blob = self.storage.bucket(self.bucket).blob(name)
        blob.upload_from_string(data)
        self.uploaded.append(ObjectEvent(self.bucket, name, int(blob.generation), len(data)))
        return int(blob.generation)

    def deliver(self, name: str, generation: int, time: datetime | None = None) -> int:
        """POST the finalize event as Eventarc does (binary mode); the HTTP status."""
        headers, body = to_binary(self.event(name, generation, time))
        response = self.app.test_client().post("/", headers=headers, data=body)
        status: int = response.status_code
        return status

    def event(self, name: str, generation: int, time: datetime | None = None) -> CloudEvent:
        """The finalize event Cloud Storage sends for this object generation."""
        attributes = {
            "type": FINALIZED,
            "source": f"//storage.googleapis.com/projects/_/buckets/{self.bucket}",
            "subject": f"objects/{name}",
            "id": uuid.uuid4().hex,
            "time": (time or datetime.now(UTC)).isoformat().replace("+00:00", "Z"),
        }
        data = {
            "bucket": self.bucket,
            "name": name,
            "generation": str(generation),
            "metageneration": "1",
            "contentType": "text/tab-separated-values",
        }
        return CloudEvent(attributes, data)

    def rows(self, sql: str) -> list[tuple[Any, ...]]:
        return [tuple(row.values()) for row in self.bigquery.query_and_wait(sql)]

    def count(self, table: str, where: str = "TRUE") -> int:
        return int(self.rows(f"SELECT COUNT(*) FROM `{table}` WHERE {where}")[0][0])

    def manifest(self) -> dict[str, tuple[Any, ...]]:
        """file_key -> (status, rows_in, rows_loaded, rows_bad, blank_lines, reason)."""
        found = self.rows(
            "SELECT file_key, status, rows_in, rows_loaded, rows_bad, blank_lines, reason "
            f"FROM `{self.names.manifest}`"
        )
        return {row[0]: row[1:] for row in found}

    def job_ids(self) -> list[str]:
        """Every top-level job the function created for this test's objects (first runs
        and two replays): job ids name the file's digest."""
        digests = {replace(event, replay=n).digest for event in self.uploaded for n in range(3)}
        # Only this test's jobs: the emulator parses every job it lists, and a session
        # holds thousands.
        jobs = self.bigquery.list_jobs(all_users=True, min_creation_time=self.started)
        return [job.job_id for job in jobs if digests.intersection(job.job_id.split("_"))]

    def key(self, name: str, generation: int) -> str:
        return f"gs://{self.bucket}/{name}#{generation}"

    def object_names(self, prefix: str) -> list[str]:
        return [blob.name for blob in self.storage.list_blobs(self.bucket, prefix=prefix)]

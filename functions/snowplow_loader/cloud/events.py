"""What a GCS finalize CloudEvent names, and the ids derived from it.

The idempotency key is ``gs://bucket/name#generation``: the same bytes at the same
place. Every BigQuery job id and staging name is derived from its digest, so any
number of deliveries of one event meet at the same jobs instead of starting new ones.
"""

import hashlib
from dataclasses import dataclass, replace
from datetime import datetime
from typing import Protocol

from snowplow_loader.names import gzipped

FINALIZED = "google.cloud.storage.object.v1.finalized"


class BadEventError(ValueError):
    """The CloudEvent is not a storage finalize event this function can act on."""


class CloudEventLike(Protocol):
    """The part of ``cloudevents.http.CloudEvent`` the loader reads."""

    @property
    def data(self) -> object: ...

    def __getitem__(self, key: str) -> object: ...

    def get(self, key: str, default: object = None) -> object: ...


@dataclass(frozen=True)
class ObjectEvent:
    """One object generation, as announced by its finalize event."""

    bucket: str
    name: str
    generation: int
    size: int
    event_id: str = ""
    time: datetime | None = None
    replay: int = 0  # 0 for the first run; n for the n-th replay of a file recorded failed

    @property
    def path(self) -> str:
        return f"gs://{self.bucket}/{self.name}"

    @property
    def key(self) -> str:
        return f"{self.path}#{self.generation}"

    @property
    def digest(self) -> str:
        """40 hex digits of sha256(key, replay): unique enough, and short enough for any id.

        A replay is a fresh run (new staging, new job ids) because the first run's
        jobs are finished and found again by every delivery of the original event.
        """
        run = self.key if self.replay == 0 else f"{self.key}#replay{self.replay}"
        return hashlib.sha256(run.encode()).hexdigest()[:40]

    @property
    def generation_digest(self) -> str:
        """The digest of the generation itself, whatever the run: it names the one chain
        of jobs that write this generation's manifest rows (``jobs.WRITE``)."""
        return replace(self, replay=0).digest

    @property
    def gzipped(self) -> bool:
        return gzipped(self.name)

    @classmethod
    def from_cloud_event(cls, event: CloudEventLike) -> "ObjectEvent":
        kind = event["type"]
        if kind != FINALIZED:
            raise BadEventError(f"event type {kind!r} is not {FINALIZED}")
        data = event.data
        if not isinstance(data, dict):
            raise BadEventError("event data is not a JSON object")
        try:
            bucket, name = str(data["bucket"]), str(data["name"])
            generation = int(data["generation"])
            size = int(data.get("size", 0))
        except (KeyError, TypeError, ValueError) as error:
            raise BadEventError(
                f"event data lacks a valid bucket/name/generation: {error!r}"
            ) from None
        if not bucket or not name:
            raise BadEventError("event data names no bucket or object")
        return cls(bucket, name, generation, size, str(event.get("id") or ""), _time(event))


def _time(event: CloudEventLike) -> datetime | None:
    """The event's own time (RFC 3339), used to drop events retried for too long."""
    text = event.get("time")
    if not text:
        return None
    try:
        return datetime.fromisoformat(str(text).replace("Z", "+00:00"))
    except ValueError:
        return None


FILE_JOBS = "snowplow_file"  # the prefix of commit and record jobs, whatever the deployment


def job_id(prefix: str, digest: str, step: str, attempt: int) -> str:
    """A BigQuery job id that every delivery of the same event computes alike."""
    return f"{prefix}_{digest}_{step}_{attempt}"

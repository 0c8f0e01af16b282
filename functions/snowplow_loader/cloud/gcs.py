"""The Cloud Storage side: generations, the streaming pass, staging and quarantine objects.

The object is never held whole: ``download_to_file`` streams it (one GET, resumed
by the client after a dropped connection) into the ``Stager``, which writes NDJSON
to a resumable upload in ``UPLOAD_CHUNK_BYTES`` pieces. An upload interrupted by an
exception is cancelled, so no half-written staging object is ever finalized.

Staging names carry a random part: two concurrent deliveries of one event each
write their own object, and only the one whose load job wins is ever loaded.
"""

import contextlib
import uuid
from dataclasses import dataclass
from typing import Any

from snowplow_loader.cloud.events import ObjectEvent
from snowplow_loader.cloud.stager import Staged, Stager

UPLOAD_CHUNK_BYTES = 8 * 1024 * 1024  # resumable uploads want multiples of 256 KiB
NDJSON = "application/x-ndjson"


class GenerationGoneError(Exception):
    """The event's generation was overwritten or deleted while it was being read."""


@dataclass(frozen=True)
class ObjectInfo:
    generation: int
    size: int


@dataclass(frozen=True)
class StagedObject:
    uri: str
    staged: Staged


def split_uri(uri: str) -> tuple[str, str]:
    bucket, _, name = uri.removeprefix("gs://").partition("/")
    return bucket, name


class Storage:
    """Thin, typed wrapper over ``google.cloud.storage.Client`` for what the loader does."""

    def __init__(self, client: Any) -> None:
        self.client = client

    def current(self, bucket: str, name: str) -> ObjectInfo | None:
        """The live generation of an object, or None when it no longer exists."""
        blob = self.client.bucket(bucket).get_blob(name)
        if blob is None:
            return None
        return ObjectInfo(int(blob.generation), int(blob.size or 0))

    def stage(
        self, event: ObjectEvent, bucket: str, prefix: str, max_text_bytes: int
    ) -> StagedObject:
        """Stream one generation through a Stager into a new staging object.

        Raises ``UnreadableFileError`` (the upload is cancelled) when the file cannot be
        enriched TSV, ``GenerationGoneError`` when the generation disappeared.
        """
        from google.api_core.exceptions import NotFound, PreconditionFailed

        name = f"{prefix}{event.digest}/{uuid.uuid4().hex}.ndjson"
        source = self.client.bucket(event.bucket).blob(event.name, generation=event.generation)
        target = self.client.bucket(bucket).blob(name)
        try:
            with target.open(
                "wb", chunk_size=UPLOAD_CHUNK_BYTES, ignore_flush=True, content_type=NDJSON
            ) as out:
                stager = Stager(event.gzipped, out, max_text_bytes)
                source.download_to_file(stager, raw_download=True)
                staged = stager.finish()
        except (NotFound, PreconditionFailed) as error:
            raise GenerationGoneError(str(error)) from error
        return StagedObject(f"gs://{bucket}/{name}", staged)

    def quarantine(self, event: ObjectEvent, bucket: str, prefix: str) -> str:
        """Copy the generation under the quarantine prefix (server-side, any size)."""
        from google.api_core.exceptions import NotFound

        name = f"{prefix}{event.generation}/{event.name}"
        source = self.client.bucket(event.bucket).blob(event.name, generation=event.generation)
        target = self.client.bucket(bucket).blob(name)
        try:
            token, _, _ = target.rewrite(source)
            while token is not None:  # large objects take several calls
                token, _, _ = target.rewrite(source, token=token)
        except NotFound as error:
            raise GenerationGoneError(str(error)) from error
        return f"gs://{bucket}/{name}"

    def delete_staged(self, bucket: str, prefix: str, event: ObjectEvent) -> None:
        """Every staging object of this generation: the loaded one and lost races'."""
        for blob in self.client.list_blobs(bucket, prefix=f"{prefix}{event.digest}/"):
            self.delete(f"gs://{bucket}/{blob.name}")

    def delete(self, uri: str) -> None:
        from google.api_core.exceptions import NotFound

        bucket, name = split_uri(uri)
        with contextlib.suppress(NotFound):  # already gone: what we wanted
            self.client.bucket(bucket).blob(name).delete()


class ChainHints:
    """``jobs.Hints`` kept as tiny objects ``<prefix>chains/<chain>`` in the staging bucket.

    Written only when a chain grows past its first attempt (overload), read only when a
    delivery finds a second attempt; the staging prefix's lifecycle rule removes them
    after a day, and a missing or stale hint only costs a few more job look-ups.
    """

    def __init__(self, client: Any, bucket: str, prefix: str) -> None:
        self.client = client
        self.bucket = bucket
        self.prefix = prefix

    def read(self, chain: str) -> int:
        from google.api_core.exceptions import NotFound

        try:
            return int(self._blob(chain).download_as_bytes())
        except (NotFound, ValueError):
            return 0

    def write(self, chain: str, attempt: int) -> None:
        self._blob(chain).upload_from_string(str(attempt), content_type="text/plain")

    def _blob(self, chain: str) -> Any:
        return self.client.bucket(self.bucket).blob(f"{self.prefix}chains/{chain}")

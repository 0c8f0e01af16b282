"""Where the daily job keeps dbt's artifacts: a Cloud Storage bucket, or a local folder.

Each run writes under its own run id (``runs/<run id>/`` in the bucket, ``<dir>/<run id>/``
locally), so a failed run's manifest and results stay beside the good ones for comparison,
and the docs site (index.html + manifest.json + catalog.json) opens from that folder.
"""

import mimetypes
import shutil
from pathlib import Path
from typing import Protocol

from google.cloud import storage

# what dbt writes that the job keeps: source freshness, build, docs site
ARTIFACTS = ("sources.json", "manifest.json", "run_results.json", "index.html", "catalog.json")


class Destination(Protocol):
    def put(self, run_id: str, source: Path) -> str:
        """Store one file of a run; return where it went."""
        ...


class LocalFolder:
    """A folder standing in for the bucket (embedded mode, SNOWPLOW_ARTIFACTS_DIR)."""

    def __init__(self, root: Path) -> None:
        self.root = root

    def put(self, run_id: str, source: Path) -> str:
        target = self.root / run_id / source.name
        target.parent.mkdir(parents=True, exist_ok=True)
        shutil.copyfile(source, target)
        return str(target)


class Bucket:
    """A Cloud Storage bucket (SNOWPLOW_ARTIFACTS_BUCKET), through the job's identity."""

    def __init__(self, name: str, client: storage.Client | None = None) -> None:
        self.bucket = (client or storage.Client()).bucket(name)

    def put(self, run_id: str, source: Path) -> str:
        blob = self.bucket.blob(f"runs/{run_id}/{source.name}")
        content_type = mimetypes.guess_type(source.name)[0] or "application/octet-stream"
        blob.upload_from_filename(str(source), content_type=content_type)
        return f"gs://{self.bucket.name}/{blob.name}"


def destination(bucket: str | None, folder: Path) -> Destination:
    """The bucket when one is named, the local folder otherwise."""
    return Bucket(bucket) if bucket else LocalFolder(folder)

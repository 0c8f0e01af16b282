"""A landing bucket of millions of objects, faked at the Cloud Storage client's boundary.

Only the listing is fake (``list_blobs`` yields objects computed from their index, so
a bucket of 10 M objects costs no memory), and the cursor object reconcile keeps
(``bucket().blob()``, in memory). The manifest stays real: ``fill_manifest`` writes
the rows of the same objects into BigQuery (the emulator) with one statement.

The bucket holds ``PER_HOUR`` objects an hour (10 a minute), in Snowplow's hourly
folders ``YYYY/MM/dd/HH/``; object ``i`` is written ``i`` minutes/10 after ``START``.
In the manifest, every object is loaded except the first of each hour (its event was
missed), so each hour reconcile looks at has exactly one file to load.
"""

from collections.abc import Iterator
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

from google.api_core.exceptions import NotFound

START = datetime(2026, 1, 1, tzinfo=UTC)
PER_HOUR = 600
SECONDS_APART = 3600 // PER_HOUR


@dataclass(frozen=True)
class FakeBlob:
    name: str
    generation: int
    size: int
    time_created: datetime


def name_of(index: int) -> str:
    hour = START + timedelta(hours=index // PER_HOUR)
    return f"{hour:%Y/%m/%d/%H}/output-{index % PER_HOUR:05}-of-{PER_HOUR:05}.txt"


def blob(index: int) -> FakeBlob:
    created = START + timedelta(seconds=index * SECONDS_APART + 1)
    return FakeBlob(name_of(index), index + 1, 1000, created)


def missed(index: int) -> bool:
    """The objects without a manifest row: the first of each hour."""
    return index % PER_HOUR == 0


class _Cursor:
    def __init__(self, store: dict[str, bytes], name: str) -> None:
        self.store, self.name = store, name

    def download_as_bytes(self) -> bytes:
        if self.name not in self.store:
            raise NotFound(self.name)  # type: ignore[no-untyped-call]
        return self.store[self.name]

    def upload_from_string(self, data: str, content_type: str = "") -> None:
        self.store[self.name] = data.encode()


class _Bucket:
    def __init__(self, store: dict[str, bytes], name: str) -> None:
        self.store, self.name = store, name

    def blob(self, name: str) -> _Cursor:
        return _Cursor(self.store, f"{self.name}/{name}")


class FakeListing:
    """``storage.Client`` as reconcile uses it, over ``objects`` objects (grows with ``now``)."""

    def __init__(self, objects: int) -> None:
        self.objects = objects
        self.prefixes: list[str] = []  # every prefix listed, in order
        self.cursors: dict[str, bytes] = {}

    def bucket(self, name: str) -> _Bucket:
        return _Bucket(self.cursors, name)

    def list_blobs(self, bucket: str, prefix: str = "") -> Iterator[FakeBlob]:
        self.prefixes.append(prefix)
        try:
            hour = datetime.strptime(prefix, "%Y/%m/%d/%H/").replace(tzinfo=UTC)
        except ValueError:  # not one hour's folder: the whole bucket, filtered
            yield from (b for i in range(self.objects) if (b := blob(i)).name.startswith(prefix))
            return
        first = int((hour - START).total_seconds()) // 3600 * PER_HOUR
        for index in range(max(first, 0), min(first + PER_HOUR, self.objects)):
            yield blob(index)


def fill_manifest(client: object, manifest: str, objects: int, bucket: str) -> None:
    """The manifest rows of every object but the missed ones, written in one statement."""
    sql = f"""
INSERT INTO `{manifest}` (file_key, path, generation, bytes, status, rows_in, rows_loaded,
    rows_bad, blank_lines, reason, load_tstamp, seconds, job_id)
SELECT CONCAT('gs://{bucket}/', FORMAT_TIMESTAMP('%Y/%m/%d/%H', hour), '/output-',
        LPAD(CAST(MOD(i, {PER_HOUR}) AS STRING), 5, '0'), '-of-{PER_HOUR:05}.txt#',
        CAST(i + 1 AS STRING)),
    'p', i + 1, 1000, 'loaded', 1, 1, 0, 0, CAST(NULL AS STRING),
    TIMESTAMP_ADD(created, INTERVAL 30 SECOND), 0.1, 'bench'
FROM (
    SELECT i,
        TIMESTAMP_ADD(TIMESTAMP '{START:%Y-%m-%d %H:%M:%S}+00', INTERVAL DIV(i, {PER_HOUR}) HOUR)
            AS hour,
        TIMESTAMP_ADD(TIMESTAMP '{START:%Y-%m-%d %H:%M:%S}+00',
            INTERVAL i * {SECONDS_APART} + 1 SECOND) AS created
    FROM UNNEST(GENERATE_ARRAY(0, {objects - 1})) AS i)
WHERE MOD(i, {PER_HOUR}) <> 0"""
    client.query_and_wait(sql)  # type: ignore[attr-defined]

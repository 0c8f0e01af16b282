"""Which landing folders a scheduled reconcile lists, in which order, and where it resumes.

A bucket of 10 M objects cannot be listed every hour, nor its manifest read whole. So a
scheduled run looks only at a window of object creation times:

- ``since``: objects created earlier are done. It is the cursor the previous run left
  (kept in a small object, ``CursorStore``); without one (the first run, or a cursor
  lost after a day without runs) it is ``lookback`` ago, which the landing bucket's
  lifecycle must exceed (objects must still be there to be loaded).
- ``until`` = now - ``min_age``: younger objects may still have their event in flight.

Snowplow's writers partition by date (the GCS Loader: ``<dir>/YYYY/MM/dd/HH/``), so the
window maps to folders (``partitions``): one per hour of the template, from ``since``
less ``lateness`` (a late pane lands in its window's folder, up to that much later) to
now. The newest folders are listed first, so files that just came of age are reached on
every run whatever the backlog; then the rest, oldest first, until the time budget is
spent. The cursor then moves to the creation time of the oldest object still waiting
(too young, a failure in its backoff, a retry), or to the first folder not listed.
"""

import json
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Any

HOUR = timedelta(hours=1)


@dataclass(frozen=True)
class Partition:
    """One folder to list: the first hour it holds and its prefix (``2026/10/01/13/``)."""

    hour: datetime
    prefix: str


def floor_hour(when: datetime) -> datetime:
    return when.replace(minute=0, second=0, microsecond=0)


def partitions(template: str, first: datetime, last: datetime) -> list[Partition]:
    """The folders of ``template`` (strftime, e.g. ``enriched/%Y/%m/%d/%H/``) over hours
    ``first`` to ``last``, oldest first; a day template gives one folder per day, a
    template without a date field one folder (the whole prefix)."""
    found: list[Partition] = []
    hour = floor_hour(first)
    while hour <= last:
        prefix = hour.strftime(template)
        if not found or found[-1].prefix != prefix:
            found.append(Partition(hour, prefix))
        hour += HOUR
    return found


@dataclass(frozen=True)
class Window:
    """The creation times one scheduled run decides on: [since, until)."""

    since: datetime
    until: datetime
    now: datetime

    @classmethod
    def of(
        cls, cursor: datetime | None, now: datetime, min_age: timedelta, lookback: timedelta
    ) -> "Window":
        since = now - lookback if cursor is None else cursor  # a backlog is never skipped
        return cls(since, now - min_age, now)

    def order(self, template: str, lateness: timedelta) -> list[Partition]:
        """The folders to list: those where objects just came of age first, then the
        others oldest first (the newest never wait behind a backlog)."""
        every = partitions(template, self.since - lateness, self.now)
        newest_from = floor_hour(self.until - HOUR)
        newest = [p for p in every if p.hour >= newest_from]
        if not newest and every:
            newest = every[-1:]
        return newest + [p for p in every if p not in newest]

    def next_cursor(self, waiting: list[datetime], unlisted: list[Partition]) -> datetime:
        """Where the next run starts: the oldest creation time not yet decided."""
        candidates = [self.until, *waiting, *(p.hour for p in unlisted)]
        return max(self.since, min(candidates))


def chunks(
    ordered: list[Partition], span: timedelta = timedelta(hours=24)
) -> Iterator[list[Partition]]:
    """Consecutive folders covering at most ``span``: one manifest query each (bounded)."""
    chunk: list[Partition] = []
    for partition in ordered:
        if chunk and (partition.hour < chunk[-1].hour or partition.hour - chunk[0].hour >= span):
            yield chunk
            chunk = []
        chunk.append(partition)
    if chunk:
        yield chunk


class CursorStore:
    """The cursor as a small JSON object (``gs://bucket/name``) written at each run's end.

    It lives under the loader's staging prefix, which the function ignores and whose
    lifecycle rule deletes objects after a day: a run rewrites it every hour, and a
    cursor lost after a day without runs only makes the next run start at the lookback.
    """

    def __init__(self, client: Any, bucket: str, name: str) -> None:
        self.blob = client.bucket(bucket).blob(name)
        self.uri = f"gs://{bucket}/{name}"

    def load(self) -> datetime | None:
        from google.api_core.exceptions import NotFound

        try:
            text = self.blob.download_as_bytes()
        except NotFound:
            return None
        return datetime.fromisoformat(json.loads(text)["since"]).astimezone(UTC)

    def save(self, since: datetime) -> None:
        body = json.dumps({"since": since.isoformat()})
        self.blob.upload_from_string(body, content_type="application/json")

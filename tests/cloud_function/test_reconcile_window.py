"""Reconcile in bounded memory and time: a window of creation times, date-partitioned
folders newest first, a cursor kept between runs, a manifest query bounded to the window.

The large-bucket test fakes only the listing (``tests/support/fake_listing.py``); the
manifest is the emulator's. ``functions/bench_reconcile.py`` runs the same at 1 M objects.
"""

from datetime import UTC, datetime, timedelta
from typing import Any

import pytest
from snowplow_loader.cloud import backlog, reconcile, sweep
from snowplow_loader.cloud.backlog import Action, FileState, Policy
from snowplow_loader.cloud.config import Config
from snowplow_loader.cloud.events import ObjectEvent
from snowplow_loader.cloud.handler import CloudLoader, Report
from snowplow_loader.results import FileStatus

from tests.cloud_function.harness import Cloud
from tests.support.fake_listing import PER_HOUR, START, FakeListing, fill_manifest, name_of

NOW = datetime(2026, 10, 1, 13, 30, tzinfo=UTC)


def test_folders_follow_the_template() -> None:
    hourly = sweep.partitions("enriched/%Y/%m/%d/%H/", NOW - timedelta(hours=2), NOW)
    assert [p.prefix for p in hourly] == [f"enriched/2026/10/01/{h}/" for h in (11, 12, 13)]
    daily = sweep.partitions("%Y/%m/%d/", NOW - timedelta(days=1), NOW)
    assert [p.prefix for p in daily] == ["2026/09/30/", "2026/10/01/"]
    assert [p.prefix for p in sweep.partitions("", NOW - timedelta(days=3), NOW)] == [""]


def test_the_newest_folders_come_first_then_the_rest_oldest_first() -> None:
    window = sweep.Window.of(NOW - timedelta(hours=5), NOW, timedelta(hours=1), timedelta(days=7))
    order = [p.prefix[-3:-1] for p in window.order("%Y/%m/%d/%H/", timedelta(hours=2))]
    assert order == ["11", "12", "13", "06", "07", "08", "09", "10"]
    assert [len(c) for c in sweep.chunks(window.order("%Y/%m/%d/%H/", timedelta(hours=2)))] == [
        3,
        5,
    ]


def test_the_cursor_stops_at_the_oldest_undecided_object() -> None:
    window = sweep.Window.of(None, NOW, timedelta(hours=1), timedelta(hours=48))
    assert window.since == NOW - timedelta(hours=48)  # no cursor: the lookback
    assert window.next_cursor([], []) == window.until  # all decided: up to the min age
    held = NOW - timedelta(hours=30)
    assert window.next_cursor([held], []) == held
    unlisted = sweep.Partition(NOW - timedelta(hours=40), "x/")
    assert window.next_cursor([held], [unlisted]) == unlisted.hour
    behind = sweep.Window.of(NOW - timedelta(days=3), NOW, timedelta(hours=1), timedelta(hours=48))
    assert behind.since == NOW - timedelta(days=3)  # a backlog older than the lookback stays


def test_failures_back_off_then_park_and_a_redrive_replays_at_once() -> None:
    policy = Policy(timedelta(hours=1), timedelta(hours=1), max_attempts=3)
    created = NOW - timedelta(days=1)

    def failed(times: int, hours_ago: float) -> FileState:
        return FileState(False, times, NOW - timedelta(hours=hours_ago), False)

    assert policy.decide(None, NOW - timedelta(minutes=5), NOW) is Action.WAIT
    assert policy.decide(None, created, NOW) is Action.LOAD
    assert policy.decide(FileState(True, 2, None, False), created, NOW) is Action.DONE
    assert policy.decide(failed(1, 0.5), created, NOW) is Action.WAIT
    assert policy.decide(failed(1, 1.5), created, NOW) is Action.REPLAY
    assert policy.decide(failed(2, 1.5), created, NOW) is Action.WAIT  # 2 h after the 2nd
    assert policy.decide(failed(2, 2.5), created, NOW) is Action.REPLAY
    assert policy.decide(failed(3, 0.1), created, NOW) is Action.PARK
    assert policy.decide(FileState(False, 3, NOW, True), created, NOW) is Action.DONE
    redrive = Policy(timedelta(0), timedelta(hours=1), 3, redrive=True)
    assert redrive.decide(FileState(False, 3, NOW, True), created, NOW) is Action.REPLAY


def _large_bucket(cloud: Cloud, objects: int, **settings: str) -> tuple[CloudLoader, FakeListing]:
    base = {"SNOWPLOW_DATASET": cloud.config.dataset, "SNOWPLOW_PROJECT": cloud.project}
    config = Config.from_env({**base, "SNOWPLOW_LOCATION": "US", **settings})
    fill_manifest(cloud.bigquery, cloud.names.manifest, objects + 3 * PER_HOUR, cloud.bucket)
    listing = FakeListing(objects)
    return CloudLoader(config, cloud.bigquery, listing), listing


def test_reconcile_on_a_large_bucket_reads_a_bounded_window_and_reaches_the_newest_hour(
    cloud: Cloud, monkeypatch: pytest.MonkeyPatch
) -> None:
    hours = 48  # 28,800 objects; the run looks back 12 h, late panes 2 h
    settings = {"SNOWPLOW_RECONCILE_LOOKBACK_HOURS": "12", "SNOWPLOW_RECONCILE_LATENESS_HOURS": "2"}
    loader, listing = _large_bucket(cloud, hours * PER_HOUR, **settings)
    rows_read: list[int] = []
    loaded: list[str] = []  # every load, all runs
    recorded: dict[str, FileState] = {}  # what those loads would have written
    states = backlog.states

    def manifest(*args: Any) -> dict[str, FileState]:
        found = states(*args)
        rows_read.append(len(found))
        return found | recorded

    monkeypatch.setattr(backlog, "states", manifest)

    def load(event: ObjectEvent) -> Report:
        loaded.append(event.name)
        recorded[event.key] = FileState(True, 0, None, False)
        return Report(FileStatus.LOADED, event.key)

    now = START + timedelta(hours=hours, minutes=30)
    first_since = now - timedelta(hours=12)
    for run in range(3):
        before = len(loaded)
        reconcile.windowed(loader, cloud.bucket, budget_seconds=0.0, now=now, load=load)
        # No budget at all: the files that came of age load anyway, the backlog waits.
        came_of_age = (hours - 2, hours - 1) if run == 0 else (hours - 1 + run,)
        assert loaded[before:] == [name_of(hour * PER_HOUR) for hour in came_of_age]

        now += timedelta(hours=1)
        listing.objects += PER_HOUR
    reconcile.windowed(loader, cloud.bucket, now=now, load=load)  # no budget: the rest

    # Every missed file of the window loaded once, nothing older than the first window.
    assert sorted(loaded) == [name_of(hour * PER_HOUR) for hour in range(hours - 11, hours + 3)]
    oldest = (first_since - timedelta(hours=3)).strftime("%Y/%m/%d/%H/")
    assert min(listing.prefixes) >= oldest and "" not in listing.prefixes
    # Bounded: no manifest query returned more than a day of folders, nor the whole manifest.
    assert 0 < max(rows_read) <= 24 * PER_HOUR < hours * PER_HOUR

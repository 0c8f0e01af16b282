"""Finding what events missed: landing objects the manifest does not settle, loaded now.

Eventarc drops an event after 24 h of retries, and the function drops events older
than ``max_event_age_seconds``; a file recorded ``failed`` waits for a replay. So
this compares the landing bucket with the manifest and loads, through the same
``CloudLoader``, every live enriched object that

- has no manifest row and was written more than ``min_age`` seconds ago (younger
  ones may still have their event in flight), or
- has only ``failed`` rows and its backoff is over: it is replayed as a new run
  (``ObjectEvent.replay`` = how many runs failed), which loads it once; after
  ``max_attempts`` failed runs it is parked instead (``backlog``) until a person
  redrives it.

The scheduled run (``scheduled``) works in bounded memory and time whatever the size
of the bucket: a window of creation times, the date-partitioned folders that hold
them, newest first, and a cursor kept between runs (``sweep``); one manifest query
per day of folders, bounded to the window (``backlog.states``). A run given a prefix
(the redrive command) lists that prefix alone and replays failed and parked files
at once.

A run that finds the object being loaded by its event meets the same jobs (the ids
depend on the file, not on who runs it), so nothing loads twice; a second reconcile
finds every file settled and does nothing.

Run it: ``python -m snowplow_loader.cloud.reconcile [--prefix P] [--min-age-seconds N]``
(console script ``snowplow-reconcile``), or the ``reconcile`` HTTP entry point of
``functions/main.py`` that Cloud Scheduler calls hourly.
"""

import argparse
import json
import os
import sys
import time
from collections import Counter
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field, replace
from datetime import UTC, datetime, timedelta
from typing import Protocol

from snowplow_loader.cloud import backlog, deploy, sweep
from snowplow_loader.cloud.backlog import Action, Policy
from snowplow_loader.cloud.clients import build
from snowplow_loader.cloud.config import Config
from snowplow_loader.cloud.events import ObjectEvent
from snowplow_loader.cloud.handler import CloudLoader, Report
from snowplow_loader.names import Verdict
from snowplow_loader.results import FileStatus, NotLoaded


class Listed(Protocol):
    """What reconcile reads of a listed object (``google.cloud.storage.Blob``)."""

    @property
    def name(self) -> str | None: ...

    @property
    def generation(self) -> int | None: ...

    @property
    def size(self) -> int | None: ...

    @property
    def time_created(self) -> datetime | None: ...


CURSOR_NAME = "reconcile/cursor.json"  # under the staging prefix (see sweep.CursorStore)
Load = Callable[[ObjectEvent], Report]


@dataclass
class Run:
    """What one reconcile run did: reports of the files it started, and counts."""

    reports: list[Report] = field(default_factory=list)
    counts: Counter[str] = field(default_factory=Counter)
    waiting: list[datetime] = field(default_factory=list)  # creation times left undecided
    listed: list[sweep.Partition] = field(default_factory=list)


class Reconciler:
    """One run over a bucket: lists folders, asks the manifest, loads, replays, parks."""

    def __init__(
        self,
        loader: CloudLoader,
        bucket: str,
        policy: Policy,
        budget_seconds: float = float("inf"),
        load: Load | None = None,
    ) -> None:
        self.loader = loader
        self.bucket = bucket
        self.policy = policy
        self.started = time.monotonic()
        self.budget_seconds = budget_seconds
        self.load = load or loader.run
        self.names = loader.config.names  # parsed once per run, not per object
        self.run = Run()

    def spent(self) -> bool:
        return time.monotonic() - self.started > self.budget_seconds

    def folders(
        self, prefixes: list[str], since: datetime, now: datetime, budgeted: bool = True
    ) -> None:
        """Decide on every object under ``prefixes`` created since ``since``; past the
        budget, ``budgeted`` folders leave their files for the next run."""
        warehouse = self.loader.warehouse
        manifest, location = warehouse.tables.manifest, warehouse.location
        states = backlog.states(warehouse.client, manifest, location, self.bucket, prefixes, since)
        for prefix in prefixes:
            blobs = self.loader.storage.client.list_blobs(self.bucket, prefix=prefix)
            self.objects(blobs, states, since, now, budgeted)

    def objects(
        self,
        blobs: Iterable[Listed],
        states: dict[str, backlog.FileState],
        since: datetime,
        now: datetime,
        budgeted: bool = True,
    ) -> None:
        for blob in blobs:
            created = blob.time_created
            if created is not None and created < since:
                continue  # decided by an earlier run
            name = str(blob.name)
            event = ObjectEvent(self.bucket, name, int(blob.generation or 0), int(blob.size or 0))
            if self.loader.ignored(event):
                continue
            if self.names.verdict(name) is Verdict.UNMATCHED:
                self.run.counts[NotLoaded.UNMATCHED] += 1  # the event's WARNING said which
                continue
            state = states.get(event.key)
            action = self.policy.decide(state, created, now)
            if action is Action.WAIT or (action is not Action.DONE and budgeted and self.spent()):
                self.run.waiting.append(created or now)
            elif action is Action.PARK and state is not None:
                deadline = time.monotonic() + self.loader.config.job_wait_seconds
                if backlog.park(self.loader, event, state, deadline):
                    self.run.counts[FileStatus.PARKED] += 1
            elif action in (Action.LOAD, Action.REPLAY):
                replay = state.failures if state is not None else 0
                report = self.load(replace(event, replay=replay))
                self.run.reports.append(report)
                self.run.counts[str(report.outcome)] += 1
                if report.outcome in (NotLoaded.RETRY, FileStatus.FAILED):
                    self.run.waiting.append(created or now)


def policy_of(config: Config, min_age_seconds: int | None = None, redrive: bool = False) -> Policy:
    min_age = config.reconcile_min_age_seconds if min_age_seconds is None else min_age_seconds
    return Policy(
        timedelta(seconds=min_age),
        timedelta(seconds=config.reconcile_backoff_seconds),
        config.reconcile_max_attempts,
        redrive,
    )


def cursor_store(loader: CloudLoader, bucket: str) -> sweep.CursorStore:
    config = loader.config
    name = f"{config.staging_prefix}{CURSOR_NAME}"
    return sweep.CursorStore(loader.storage.client, config.staging_bucket or bucket, name)


def windowed(
    loader: CloudLoader,
    bucket: str,
    budget_seconds: float = float("inf"),
    now: datetime | None = None,
    load: Load | None = None,
) -> Run:
    """The scheduled run: the window since the cursor, newest folders first (see ``sweep``)."""
    config = loader.config
    now = now or datetime.now(UTC)
    store = cursor_store(loader, bucket)
    policy = policy_of(config)
    window = sweep.Window.of(
        store.load(), now, policy.min_age, timedelta(hours=config.reconcile_lookback_hours)
    )
    ordered = window.order(
        config.reconcile_partitions, timedelta(hours=config.reconcile_lateness_hours)
    )
    reconciler = Reconciler(loader, bucket, policy, budget_seconds, load)
    for chunk in sweep.chunks(ordered):
        newest = not reconciler.run.listed  # the first chunk: never left for the next run
        if reconciler.spent() and not newest:
            break  # the next run goes on from the cursor
        reconciler.folders([p.prefix for p in chunk], window.since, now, budgeted=not newest)
        reconciler.run.listed.extend(chunk)
    unlisted = [p for p in ordered if p not in reconciler.run.listed]
    store.save(window.next_cursor(reconciler.run.waiting, unlisted))
    return reconciler.run


def reconcile(
    loader: CloudLoader,
    bucket: str,
    prefix: str = "",
    min_age_seconds: int = 3600,
    budget_seconds: float = float("inf"),
    redrive: bool = True,
) -> list[Report]:
    """Everything under ``prefix`` (no window, no cursor): what a person runs to redrive."""
    reconciler = Reconciler(
        loader, bucket, policy_of(loader.config, min_age_seconds, redrive), budget_seconds
    )
    reconciler.folders([prefix], datetime(1970, 1, 1, tzinfo=UTC), datetime.now(UTC))
    return reconciler.run.reports


def summary(run: Run) -> dict[str, int]:
    """How many files ended in each outcome (``retry``: a transient error, tried again later)."""
    return dict(run.counts)


def healthy(reports: list[Report]) -> bool:
    """No file is left waiting for a retry."""
    return all(report.outcome is not NotLoaded.RETRY for report in reports)


def scheduled(
    loader: CloudLoader, budget_seconds: float = deploy.RECONCILE_BUDGET_SECONDS
) -> dict[str, int]:
    """The scheduled run (``entry.reconcile``, with the instance's loader): per-outcome counts.

    The loader comes in as an argument so this module never imports ``entry``: the
    entry point depends on reconcile, not the other way round.
    """
    bucket = loader.config.landing_bucket
    if bucket is None:
        raise ValueError("SNOWPLOW_LANDING_BUCKET is required to reconcile: the bucket to list")
    run = windowed(loader, bucket, budget_seconds)
    return summary(run) | {"healthy": int(healthy(run.reports))}


def main(argv: list[str] | None = None) -> int:
    """CLI: the exit status is 1 when a file is left waiting for a retry."""
    parser = argparse.ArgumentParser(
        prog="snowplow-reconcile",
        description="Load landing objects the manifest does not settle: missed events and "
        "files recorded failed or parked. Settings: the function's SNOWPLOW_* variables.",
    )
    parser.add_argument("--bucket", help="landing bucket (default: SNOWPLOW_LANDING_BUCKET)")
    parser.add_argument(
        "--prefix",
        help="only objects under it (a day, one file), replaying failed and parked files "
        "now; without it, the scheduled run (window, cursor, backoff, parking)",
    )
    parser.add_argument(
        "--min-age-seconds",
        type=int,
        help="skip objects younger than this (default: "
        "SNOWPLOW_RECONCILE_MIN_AGE_SECONDS, 3600); 0 redrives now",
    )
    args = parser.parse_args(argv)
    loader = build(Config.from_env(os.environ))
    bucket = args.bucket or loader.config.landing_bucket
    if bucket is None:
        parser.error("give --bucket or set SNOWPLOW_LANDING_BUCKET")
    if args.prefix is None:
        run = windowed(loader, bucket)
        reports, counts = run.reports, summary(run)
    else:
        min_age = args.min_age_seconds
        if min_age is None:
            min_age = loader.config.reconcile_min_age_seconds
        reports = reconcile(loader, bucket, args.prefix, min_age)
        counts = dict(Counter(str(report.outcome) for report in reports))
    print(json.dumps({"reconciled": counts}), file=sys.stderr)
    return 0 if healthy(reports) else 1


if __name__ == "__main__":
    sys.exit(main())

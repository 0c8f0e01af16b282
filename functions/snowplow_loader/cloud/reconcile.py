"""Finding what events missed: landing objects the manifest does not settle, loaded now.

Eventarc drops an event after 24 h of retries, and the function drops events older
than ``max_event_age_seconds``; a file recorded ``failed`` waits for a replay. So
this compares the landing bucket with the manifest and loads, through the same
``CloudLoader``, every live enriched object that

- has no manifest row and was written more than ``min_age`` seconds ago (younger
  ones may still have their event in flight), or
- has only ``failed`` rows, the newest older than ``min_age``: it is replayed as a
  new run (``ObjectEvent.replay`` = how many runs failed), which loads it once.

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
from collections.abc import Iterator
from dataclasses import replace
from datetime import UTC, datetime

from snowplow_loader.cloud import deploy
from snowplow_loader.cloud.config import Config
from snowplow_loader.cloud.events import ObjectEvent
from snowplow_loader.cloud.handler import CloudLoader, Report, build
from snowplow_loader.results import NotLoaded


def pending(
    loader: CloudLoader, bucket: str, prefix: str, min_age_seconds: int
) -> Iterator[ObjectEvent]:
    """The objects under ``prefix`` to load now, each as the run to start."""
    states = loader.warehouse.file_states(f"gs://{bucket}/{prefix}")
    now = datetime.now(UTC)
    for blob in loader.storage.client.list_blobs(bucket, prefix=prefix):
        event = ObjectEvent(bucket, blob.name, int(blob.generation), int(blob.size or 0))
        if loader.ignored(event):
            continue
        state = states.get(event.key)
        if state is None:
            written: datetime | None = blob.time_created
            if written is None or (now - written).total_seconds() >= min_age_seconds:
                yield event
        elif not state.settled:
            last = state.last_failure
            if last is None or (now - last).total_seconds() >= min_age_seconds:
                yield replace(event, replay=state.failures)


def reconcile(
    loader: CloudLoader,
    bucket: str,
    prefix: str = "",
    min_age_seconds: int = 3600,
    budget_seconds: float = float("inf"),
) -> list[Report]:
    """Load what is pending, one file at a time, until the budget is spent; their reports."""
    started = time.monotonic()
    reports = []
    for event in pending(loader, bucket, prefix, min_age_seconds):
        if time.monotonic() - started > budget_seconds:
            break  # the next run goes on from here
        reports.append(loader.run(event))
    return reports


def summary(reports: list[Report]) -> dict[str, int]:
    """How many files ended in each outcome (``retry``: a transient error, tried again later)."""
    return dict(Counter(str(report.outcome) for report in reports))


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
    reports = reconcile(loader, bucket, "", loader.config.reconcile_min_age_seconds, budget_seconds)
    return summary(reports) | {"healthy": int(healthy(reports))}


def main(argv: list[str] | None = None) -> int:
    """CLI: the exit status is 1 when a file is left waiting for a retry."""
    parser = argparse.ArgumentParser(
        prog="snowplow-reconcile",
        description="Load landing objects the manifest does not settle: missed events and "
        "files recorded failed. Settings: the function's SNOWPLOW_* variables.",
    )
    parser.add_argument("--bucket", help="landing bucket (default: SNOWPLOW_LANDING_BUCKET)")
    parser.add_argument("--prefix", default="", help="only objects under it: a day, one file")
    parser.add_argument(
        "--min-age-seconds",
        type=int,
        help="skip objects and failures younger than this (default: "
        "SNOWPLOW_RECONCILE_MIN_AGE_SECONDS, 3600); 0 redrives now",
    )
    args = parser.parse_args(argv)
    loader = build(Config.from_env(os.environ))
    bucket = args.bucket or loader.config.landing_bucket
    if bucket is None:
        parser.error("give --bucket or set SNOWPLOW_LANDING_BUCKET")
    min_age = args.min_age_seconds
    if min_age is None:
        min_age = loader.config.reconcile_min_age_seconds
    reports = reconcile(loader, bucket, args.prefix, min_age)
    print(json.dumps({"reconciled": summary(reports)}), file=sys.stderr)
    return 0 if healthy(reports) else 1


if __name__ == "__main__":
    sys.exit(main())

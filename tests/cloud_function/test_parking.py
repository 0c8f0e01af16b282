"""A file that fails permanently is replayed with backoff, then parked: visible in the
manifest, one ERROR line (the parked-files alert), no more replays until a person
redrives it; the documented redrive, after the fix, loads it once, and neither a second
redrive nor the original event, late, loads it again."""

import time
from datetime import UTC, datetime

import pytest
from snowplow_loader.cloud import entry, reconcile, tables

from tests.cloud_function.checks import log_lines, small_file
from tests.cloud_function.harness import Cloud


def test_a_file_failing_permanently_is_parked_alerted_once_and_a_redrive_loads_it_once(
    cloud: Cloud, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    for name, value in {
        "SNOWPLOW_LANDING_BUCKET": cloud.bucket,
        "SNOWPLOW_RECONCILE_MIN_AGE_SECONDS": "0",
        "SNOWPLOW_RECONCILE_BACKOFF_SECONDS": "1",
        "SNOWPLOW_RECONCILE_MAX_ATTEMPTS": "2",
        "SNOWPLOW_RECONCILE_PARTITIONS": "enriched/%Y/%m/%d/%H/",
    }.items():
        monkeypatch.setenv(name, value)
    entry.reset()
    name = f"enriched/{datetime.now(UTC):%Y/%m/%d/%H}/output-x-pane-0-last-00000-of-00001.txt"
    cloud.bigquery.delete_table(cloud.names.raw_events)  # a mistake no retry fixes
    generation = cloud.upload(name, small_file(1) + b"broken\n")
    key = cloud.key(name, generation)
    assert cloud.deliver(name, generation) == 200  # failure 1: recorded, acknowledged

    counts: list[dict[str, int]] = []

    def scheduled() -> list[dict[str, object]]:
        counts.append(entry.reconcile()[0])  # the HTTP entry point's code, as Scheduler runs it
        return log_lines(capsys)

    def history() -> list[str]:
        rows = cloud.rows(
            f"SELECT status FROM `{cloud.names.manifest}` WHERE file_key = '{key}' "
            "ORDER BY load_tstamp"
        )
        return [row[0] for row in rows]

    cloud.upload(name.rsplit("/", 1)[0] + "/notes.md", b"not ours")  # counted, not loaded
    capsys.readouterr()
    time.sleep(1.1)  # the backoff after one failure (test_reconcile_window checks its growth)
    assert [line["outcome"] for line in scheduled()] == ["failed"]  # failure 2: the replay
    assert counts[-1] == {"failed": 1, "unmatched": 1, "healthy": 1}
    [parked] = scheduled()  # 2 of 2 attempts failed: parked, one ERROR line
    assert (parked["severity"], parked["outcome"], parked["file_key"]) == ("ERROR", "parked", key)
    assert history() == ["failed", "failed", "parked"]
    time.sleep(1.1)
    assert scheduled() == [] and scheduled() == []  # parked: no replay, no second alert
    assert history() == ["failed", "failed", "parked"]

    tables.ensure(cloud.bigquery, cloud.config, cloud.project)  # the mistake is fixed
    redrive = ["--bucket", cloud.bucket, "--prefix", name, "--min-age-seconds", "0"]
    assert reconcile.main(redrive) == 0  # functions/README.md: "Redrive one file"
    [loaded] = log_lines(capsys)
    assert (loaded["outcome"], loaded["file_key"], loaded["rows"]) == ("loaded", key, 4)
    assert (loaded["rows_loaded"], loaded["bad_rows"]) == (3, 1)
    assert cloud.count(cloud.names.raw_events, f"load_file_key = '{key}'") == 3
    assert cloud.count(cloud.names.bad_rows, f"file_key = '{key}'") == 1
    assert history() == ["failed", "failed", "parked", "loaded"]

    jobs = sorted(cloud.job_ids())
    assert reconcile.main(redrive) == 0 and scheduled() == []  # settled: nothing more
    assert cloud.deliver(name, generation) == 200  # the original event, late: skipped
    assert [line["outcome"] for line in log_lines(capsys)] == ["skipped"]
    assert sorted(cloud.job_ids()) == jobs and cloud.count(cloud.names.raw_events) == 3

"""A generation's manifest writes exclude each other, whatever run or deployment starts
them; nothing is recorded failed while a job of the generation runs; the logged
outcome follows the manifest, once per row."""

import os
import threading
from collections import Counter
from concurrent.futures import ThreadPoolExecutor
from dataclasses import replace

import pytest
from google.api_core.exceptions import Forbidden
from snowplow_loader.cloud import reconcile, tables
from snowplow_loader.cloud.clients import build
from snowplow_loader.cloud.config import Config

from tests.cloud_function.checks import log_lines, small_file, steps
from tests.cloud_function.harness import Cloud
from tests.support.bigquery_faults import held


@pytest.mark.parametrize("other_deployment", [False, True], ids=["same", "two_deployments"])
def test_a_redelivery_failing_while_the_commit_runs_then_the_redrive_load_once(
    cloud: Cloud,
    capsys: pytest.CaptureFixture[str],
    monkeypatch: pytest.MonkeyPatch,
    other_deployment: bool,
) -> None:
    name = "2026/10/05/slow-commit.tsv"
    generation = cloud.upload(name, small_file(1) + b"broken\n")
    key = cloud.key(name, generation)
    cloud.loader()  # the first instance, built with the fixture's 60 s wait
    monkeypatch.setenv("SNOWPLOW_JOB_WAIT_SECONDS", "1")  # what is built from now on
    if other_deployment:
        monkeypatch.setenv("SNOWPLOW_JOB_PREFIX", "green_deployment")
    second = build(Config.from_env(os.environ))  # another instance (or deployment)

    def denied(bucket: str, name: str) -> None:
        raise Forbidden("storage.objects.get denied")  # type: ignore[no-untyped-call]

    second.storage.current = denied  # type: ignore[method-assign]
    first_commit = lambda job_id, _: job_id.endswith("_commit_0")  # noqa: E731
    with held(first_commit) as (holding, release), ThreadPoolExecutor(1) as pool:
        first = pool.submit(cloud.deliver, name, generation)
        assert holding.wait(60)  # the first delivery's commit is RUNNING
        report = second.run(cloud.uploaded[-1])
        assert report.outcome == "retry"  # failed, but not recorded: the commit runs
        redrive = ["--bucket", cloud.bucket, "--prefix", name, "--min-age-seconds", "0"]
        assert reconcile.main(redrive) == 1  # documented redrive meets the running commit
        assert cloud.manifest() == {}
        release.set()
        assert first.result() == 200
    assert reconcile.main(redrive) == 0  # the documented redrive, after: nothing to do
    history = cloud.rows(f"SELECT status FROM `{cloud.names.manifest}` WHERE file_key = '{key}'")
    assert history == [("loaded",)]
    assert cloud.count(cloud.names.raw_events, f"load_file_key = '{key}'") == 3
    assert cloud.count(cloud.names.bad_rows, f"file_key = '{key}'") == 1
    outcomes = Counter(line["outcome"] for line in log_lines(capsys))
    assert outcomes["loaded"] == 1 and outcomes["failed"] == 0
    assert steps(cloud)["commit"] == 1  # one writer: no failure record, no replay commit


def test_a_replay_meets_the_generation_s_writers_and_the_outcome_is_logged_once(
    cloud: Cloud, capsys: pytest.CaptureFixture[str]
) -> None:
    """A failed run, its replay through two loaders at once: one writer each, one line."""
    name = "2026/10/05/replayed.tsv"
    cloud.bigquery.delete_table(cloud.names.raw_events)  # a deployment mistake
    generation = cloud.upload(name, small_file(2) + b"broken\n")
    assert cloud.deliver(name, generation) == 200
    key = cloud.key(name, generation)
    assert cloud.manifest()[key][0] == "failed"
    tables.ensure(cloud.bigquery, cloud.config, cloud.project)  # fixed
    replay = replace(cloud.uploaded[-1], replay=1)  # what reconcile starts after one failure
    loaders = [cloud.loader(), build(Config.from_env(os.environ))]
    barrier = threading.Barrier(2, timeout=60)
    with ThreadPoolExecutor(2) as pool:
        reports = list(pool.map(lambda loader: (barrier.wait(), loader.run(replay))[1], loaders))
    assert sorted(r.outcome for r in reports) == ["loaded", "skipped"]
    history = cloud.rows(
        f"SELECT status FROM `{cloud.names.manifest}` WHERE file_key = '{key}' ORDER BY load_tstamp"
    )
    assert history == [("failed",), ("loaded",)]
    assert cloud.count(cloud.names.raw_events, f"load_file_key = '{key}'") == 3
    outcomes = Counter(line["outcome"] for line in log_lines(capsys))
    assert (outcomes["failed"], outcomes["loaded"]) == (1, 1)
    # the commit that failed, its failure record, the replay's commit: one after another
    assert steps(cloud)["commit"] == 3


def test_a_generation_overwritten_while_it_loads_does_not_land_after_its_replacement(
    cloud: Cloud, capsys: pytest.CaptureFixture[str]
) -> None:
    name = "2026/10/05/rewritten.tsv"
    first = cloud.upload(name, small_file(3))
    with (
        held(lambda _, job_type: job_type == "load") as (holding, release),
        ThreadPoolExecutor(1) as pool,
    ):
        delivery = pool.submit(cloud.deliver, name, first)
        assert holding.wait(60)  # staged and loading
        second = cloud.upload(name, small_file(4))  # the object is rewritten meanwhile
        release.set()
        assert delivery.result() == 200
    [line] = [entry for entry in log_lines(capsys) if entry.get("file_key")]
    assert (line["outcome"], line["reason"]) == ("stale", f"generation {second} is newer")
    assert cloud.manifest() == {} and steps(cloud)["commit"] == 0  # checked before the commit
    assert cloud.object_names("staging/") == []
    assert cloud.deliver(name, second) == 200
    assert {row[0] for row in cloud.manifest().values()} == {"loaded"}
    assert list(cloud.manifest()) == [cloud.key(name, second)]

"""Every file ends loaded exactly once or in a state a person can see and redrive:
a failure replays, concurrent deployments and redeliveries meet at the same jobs.
(Overload and reconcile: test_overload_and_reconcile.py; a failed file replayed, parked
and redriven: test_parking.py.)"""

import os
import threading
import time
from collections import Counter
from concurrent.futures import ThreadPoolExecutor
from typing import Any

from snowplow_loader.cloud.clients import build
from snowplow_loader.cloud.config import Config

from tests.cloud_function.checks import assert_no_duplicate_events, small_file, steps
from tests.cloud_function.harness import Cloud
from tests.support.bigquery_faults import held_loads


def test_one_generation_delivered_to_two_deployments_at_once_commits_once(cloud: Cloud) -> None:
    blue = cloud.loader()  # the deployed function (main.py)
    green = build(Config.from_env({**os.environ, "SNOWPLOW_JOB_PREFIX": "green_deployment"}))
    barrier = threading.Barrier(2, timeout=60)

    def together(point: str) -> None:  # both loads are in: race to the commit
        if point == "load_inserted":
            barrier.wait()

    blue.jobs.checkpoint = green.jobs.checkpoint = together
    outcomes: Counter[str] = Counter()
    with ThreadPoolExecutor(max_workers=2) as pool:
        for i in range(6):
            name = f"2026/10/04/part-{i}.tsv"
            generation = cloud.upload(name, small_file(i))
            barrier.reset()
            status = pool.submit(cloud.deliver, name, generation)
            report = pool.submit(green.handle_cloud_event, cloud.event(name, generation))
            assert status.result() == 200
            outcomes[report.result().outcome] += 1
    assert_no_duplicate_events(cloud, 18)
    assert {row[0] for row in cloud.manifest().values()} == {"loaded"}
    assert len(cloud.manifest()) == 6
    assert steps(cloud) == Counter({"load": 12, "commit": 6})  # two loads, one commit each
    assert set(outcomes) <= {"loaded", "skipped"}


def test_a_redelivery_while_the_load_job_runs_stages_nothing_again(cloud: Cloud) -> None:
    loader = cloud.loader()
    writes: list[str] = []
    stage, finish = loader.storage.stage, loader.jobs.finish
    waiting = threading.Semaphore(0)

    def counted_stage(*args: Any, **kwargs: Any) -> Any:
        writes.append("staging object")
        return stage(*args, **kwargs)

    def observed_finish(job: Any, deadline: float) -> Any:
        if job.state != "DONE":
            waiting.release()  # a delivery waits for a running load
        return finish(job, deadline)

    loader.storage.stage = counted_stage  # type: ignore[method-assign]
    loader.jobs.finish = observed_finish  # type: ignore[method-assign]
    generation = cloud.upload("big.tsv", small_file(1))
    with held_loads() as release, ThreadPoolExecutor(max_workers=2) as pool:
        first = pool.submit(cloud.deliver, "big.tsv", generation)
        assert waiting.acquire(timeout=60)  # the first delivery's load job is running
        second = pool.submit(cloud.deliver, "big.tsv", generation)
        assert waiting.acquire(timeout=60)  # the redelivery found it running and waits too
        time.sleep(0.2)
        release.set()
        assert first.result() == second.result() == 200
    assert writes == ["staging object"]  # the redelivery staged nothing
    assert steps(cloud) == Counter({"load": 1, "commit": 1})
    assert_no_duplicate_events(cloud, 3)

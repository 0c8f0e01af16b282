"""At-least-once and out-of-order delivery: each object generation loads exactly once.

The 100-file storm is the suite's longest test; its module sorts first so that
pytest-xdist's first batch gives it to one worker and the other long tests
(test_fault_injection.py) to the other.
"""

import random
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor

import pytest

from tests.cloud_function.checks import (
    assert_no_duplicate_events,
    deliver_until_acknowledged,
    small_file,
    steps,
)
from tests.cloud_function.harness import Cloud


@pytest.mark.slow
def test_100_files_delivered_3_times_some_concurrently_load_once(cloud: Cloud) -> None:
    files = {f"2026/10/01/part-{i:03}.tsv": small_file(i) for i in range(100)}
    generations = {name: cloud.upload(name, data) for name, data in files.items()}
    deliveries = [name for name in files for _ in range(3)]
    random.Random(7).shuffle(deliveries)
    with ThreadPoolExecutor(max_workers=4) as pool:  # duplicates race each other
        statuses = list(
            pool.map(
                lambda name: deliver_until_acknowledged(cloud, name, generations[name]), deliveries
            )
        )
    assert all(seen[-1] == 200 for seen in statuses)
    assert_no_duplicate_events(cloud, 300)
    manifest = cloud.manifest()
    assert len(manifest) == 100 and {row[0] for row in manifest.values()} == {"loaded"}
    jobs = steps(cloud)
    assert jobs["load"] <= 100 and jobs["commit"] <= 100 and jobs["fail"] == 0


@pytest.mark.parametrize("order", ["reverse", "with_reload"])
def test_an_overwritten_object_loads_its_newest_generation_once(cloud: Cloud, order: str) -> None:
    """Policy: the live generation loads; an older one delivered later is stale."""
    deliver: Callable[[int], int] = lambda generation: cloud.deliver("day.tsv", generation)  # noqa: E731
    first = cloud.upload("day.tsv", small_file(1))
    if order == "with_reload":  # gen 1 loads before gen 2 exists, then both: append-only
        assert deliver(first) == 200
    second = cloud.upload("day.tsv", small_file(2))
    assert second > first
    assert deliver(second) == 200
    assert deliver(first) == 200  # late, out of order
    assert deliver(first) == 200 and deliver(second) == 200  # and again
    manifest = cloud.manifest()
    loaded = {key.rsplit("#", 1)[1] for key, row in manifest.items() if row[0] == "loaded"}
    if order == "reverse":
        assert loaded == {str(second)}
        assert_no_duplicate_events(cloud, 3)
    else:
        assert loaded == {str(first), str(second)}
        assert_no_duplicate_events(cloud, 6)
    assert steps(cloud)["commit"] == len(loaded)

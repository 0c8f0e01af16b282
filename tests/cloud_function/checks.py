"""Deliveries and checks shared by the fault-injection tests."""

import json
from collections import Counter
from typing import Any

import pytest

from tests.cloud_function.harness import Cloud
from tests.support.enriched import lines


def small_file(index: int, rows: int = 3) -> bytes:
    return ("\n".join(lines(rows, start=1000 * index)) + "\n").encode()


def deliver_until_acknowledged(
    cloud: Cloud, name: str, generation: int, most: int = 5
) -> list[int]:
    """Deliver as Eventarc does: again after a failure (at most ``most`` times here)."""
    statuses = [cloud.deliver(name, generation)]
    while statuses[-1] >= 500 and len(statuses) < most:
        statuses.append(cloud.deliver(name, generation))
    return statuses


def steps(cloud: Cloud, reports: bool = False) -> Counter[str]:
    """How many jobs of each step the function created (load, commit), and with
    ``reports`` the report claims (one trivial query per finished writer)."""
    found = Counter(job_id.rsplit("_", 2)[1] for job_id in cloud.job_ids())
    if not reports:
        del found["report"]
    return found


def assert_no_duplicate_events(cloud: Cloud, expected: int) -> None:
    [(total, distinct)] = cloud.rows(
        f"SELECT COUNT(*), COUNT(DISTINCT event_id) FROM `{cloud.names.raw_events}`"
    )
    assert total == distinct == expected


def log_lines(capsys: pytest.CaptureFixture[str]) -> list[dict[str, Any]]:
    """The function's JSON log lines printed since the last call."""
    out = capsys.readouterr().out
    return [json.loads(text) for text in out.splitlines() if text.startswith("{")]

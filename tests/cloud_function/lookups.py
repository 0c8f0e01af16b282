"""Counting ``jobs.get`` look-ups per delivery, on the function's own BigQuery client.

A look-up names a job by its id (``Jobs.lookup``: finding a chain's newest attempt);
the client also calls ``get_job`` with a job object to poll one that is still
running, which depends on how long the job runs, not on attempts: not counted.
"""

import contextlib
import threading
from collections.abc import Iterator
from typing import Any

from tests.cloud_function.harness import Cloud


@contextlib.contextmanager
def lookups_per_delivery(cloud: Cloud) -> Iterator[list[int]]:
    """The number of ``get_job`` calls each ``cloud.deliver`` made, while inside."""
    client = cloud.loader().jobs.client
    get_job, local, counts = client.get_job, threading.local(), list[int]()
    original = cloud.deliver

    def counted(job: Any, *args: Any, **kwargs: Any) -> Any:
        if isinstance(job, str):
            local.calls = getattr(local, "calls", 0) + 1
        return get_job(job, *args, **kwargs)

    def deliver(name: str, generation: int, time: Any = None) -> int:
        local.calls = 0
        try:
            return original(name, generation, time)
        finally:
            counts.append(local.calls)

    client.get_job = counted
    cloud.deliver = deliver  # type: ignore[method-assign]
    try:
        yield counts
    finally:
        client.get_job = get_job
        cloud.deliver = original  # type: ignore[method-assign]

"""Faults injected inside the BigQuery emulator, below the real client and the loader.

``overloaded`` makes a share of new load and commit jobs end as BigQuery ends them
under load: DONE with ``resourcesExceeded`` ("Too many DML statements outstanding
against table", a full DML queue) or ``rateLimitExceeded`` (too many table updates),
without running. ``held`` keeps chosen jobs RUNNING until released (``held_loads``: the
load jobs), the state a redelivery meets while a large file loads or commits. Both
patch local-bigquery's job runner (``runner.submit``, ``runner._execute``), the same
seam ``tests.emulators`` uses to make job-id checks atomic; the loader and the Google
client run unchanged.
"""

import contextlib
import random
import re
import threading
from collections import Counter
from collections.abc import Callable, Iterator
from typing import Any

LOADER_JOB = re.compile(r"_(load|commit)_\d+$")
OVERLOAD = {
    "resourcesExceeded": "Too many DML statements outstanding against table {table}, limit is 100",
    "rateLimitExceeded": "Exceeded rate limits: too many table update operations for this table",
}


@contextlib.contextmanager
def _execute_wrapped(wrapper: Callable[[Callable[..., Any], Any, str], bool]) -> Iterator[None]:
    """Run ``wrapper(execute, job, job_type)`` instead of each job; True means it handled it."""
    from local_bigquery.jobs import runner  # type: ignore[import-untyped]

    execute = runner._execute

    def wrapped(job: Any, job_type: str, *args: Any) -> Any:
        if not wrapper(execute, job, job_type):
            execute(job, job_type, *args)

    runner._execute = wrapped
    try:
        yield
    finally:
        runner._execute = execute


def _fail(job: Any, job_type: str, reason: str, message: str) -> None:
    """Store the job as DONE with this error, as the runner stores a failed job."""
    from local_bigquery.errors import BigQueryError  # type: ignore[import-untyped]
    from local_bigquery.jobs import runner, store
    from local_bigquery.models import JobStatistics  # type: ignore[import-untyped]

    statistics = JobStatistics.model_validate({job_type: {}})
    store.save(runner._done(job, statistics, BigQueryError(reason, message)))
    runner._running.pop((job.jobReference.projectId, job.jobReference.jobId), None)


@contextlib.contextmanager
def overloaded(share: float, seed: int = 0) -> Iterator[Counter[str]]:
    """Fail ``share`` of the loader's load and commit jobs; counts the errors per reason."""
    rng, lock, injected = random.Random(seed), threading.Lock(), Counter[str]()

    def maybe_fail(execute: Callable[..., Any], job: Any, job_type: str) -> bool:
        job_id = job.jobReference.jobId
        if not LOADER_JOB.search(job_id):
            return False
        with lock:
            if rng.random() >= share:
                return False
            reason = rng.choice(sorted(OVERLOAD))
            injected[reason] += 1
        _fail(job, job_type, reason, OVERLOAD[reason].format(table=job_id))
        return True

    with _execute_wrapped(maybe_fail):
        yield injected


@contextlib.contextmanager
def held(match: Callable[[str, str], bool]) -> Iterator[tuple[threading.Event, threading.Event]]:
    """Jobs for which ``match(job_id, job_type)`` holds stay RUNNING until released.

    Yields (held, release): ``held`` is set once such a job is RUNNING, ``release``
    lets every held job run for real.
    """
    holding, release = threading.Event(), threading.Event()

    def hold(execute: Callable[..., Any], job: Any, job_type: str) -> bool:
        if not match(job.jobReference.jobId, job_type):
            return False
        from local_bigquery.jobs import store

        store.save(job.replace(status={"state": "RUNNING"}))
        holding.set()
        release.wait(60)
        return False  # now run it for real

    with _execute_wrapped(hold):
        try:
            yield holding, release
        finally:
            release.set()


@contextlib.contextmanager
def held_loads() -> Iterator[threading.Event]:
    """Load jobs stay RUNNING until the yielded event is set."""
    with held(lambda _, job_type: job_type == "load") as (_, release):
        yield release

"""BigQuery jobs with deterministic ids: inserted once, found again by every redelivery.

A step of one file (``load``, ``commit``, ``fail``) has a chain of job ids,
``<prefix>_<digest>_<step>_<attempt>``. Every delivery walks the same chain:

- insert attempt 0; a 409 means another delivery (or a crashed earlier run) already
  did, so look the job up and act on its state instead:
- DONE without error: the step is done; use that job.
- RUNNING or PENDING: wait, until the invocation's deadline; then raise
  TransientError so the trigger retries later and finds the job again.
- DONE with a transient error (backendError, quota...): if this delivery inserted
  it, raise so the event is retried with backoff; a later delivery that finds it
  failed moves on to the next attempt id.
- DONE with any other error: PermanentJobError, recorded and acknowledged.

So at most one job per step runs at a time, and a step that succeeded is never
run twice, however many deliveries there are and wherever a run crashed.
"""

import time
from collections.abc import Callable
from typing import Any

from snowplow_loader.cloud.errors import PermanentJobError, TransientError, job_error_is_transient
from snowplow_loader.cloud.events import job_id

Submit = Callable[[str], Any]  # job id -> the inserted job (raises Conflict on a 409)


class Jobs:
    def __init__(
        self,
        client: Any,
        prefix: str,
        location: str | None,
        max_attempts: int,
        checkpoint: Callable[[str], None] = lambda _: None,
        sleep: Callable[[float], None] = time.sleep,
    ) -> None:
        self.client = client
        self.prefix = prefix
        self.location = location
        self.max_attempts = max_attempts
        self.checkpoint = checkpoint  # fault injection in tests; a no-op in production
        self.sleep = sleep

    def lookup(self, job: str) -> Any | None:
        from google.api_core.exceptions import NotFound

        try:
            return self.client.get_job(job, location=self.location)
        except NotFound:
            return None

    def succeeded(self, digest: str, step: str) -> Any | None:
        """The job that completed this step in an earlier delivery, without inserting any."""
        for attempt in range(self.max_attempts):
            job = self.lookup(job_id(self.prefix, digest, step, attempt))
            if job is None or job.state != "DONE":
                return None
            if job.error_result is None:
                return job
            if not job_error_is_transient(job.error_result):
                return None
        return None

    def run(self, digest: str, step: str, submit: Submit, deadline: float) -> tuple[Any, bool]:
        """The finished, successful job of this step, and whether this call inserted it.

        ``deadline`` (time.monotonic) bounds the waiting: all steps of one invocation
        share it, so the function gives up and asks for a retry before it times out.
        """
        from google.api_core.exceptions import Conflict

        for attempt in range(self.max_attempts):
            name = job_id(self.prefix, digest, step, attempt)
            try:
                job, inserted = submit(name), True
                self.checkpoint(f"{step}_inserted")
            except Conflict:
                job, inserted = self.lookup(name), False
                if job is None:  # 409 then 404: the job list is eventually consistent
                    raise TransientError(f"job {name} exists but cannot be read yet") from None
            job = self._wait(job, deadline)
            error = job.error_result
            if error is None:
                return job, inserted
            if not job_error_is_transient(error):
                raise PermanentJobError(name, error)
            if inserted:
                raise TransientError(f"job {name} failed transiently: {error}")
        raise PermanentJobError(
            job_id(self.prefix, digest, step, self.max_attempts - 1),
            f"{self.max_attempts} attempts failed transiently",
        )

    def _wait(self, job: Any, deadline: float) -> Any:
        pause = 0.05
        while job.state != "DONE":
            if time.monotonic() >= deadline:
                raise TransientError(f"job {job.job_id} still {job.state}: retry later")
            self.sleep(pause)
            pause = min(pause * 2, 2.0)
            job.reload()
        return job

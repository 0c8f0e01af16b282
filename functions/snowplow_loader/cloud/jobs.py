"""BigQuery jobs with deterministic ids: inserted once, found again by every redelivery.

A step of one file run (``load``, ``commit``, ``fail``) has a chain of job ids,
``<prefix>_<digest>_<step>_<attempt>``. Every delivery walks the same chain to its
newest job and acts on that job's state:

- no job yet, or the newest failed transiently (backendError, rateLimitExceeded,
  resourcesExceeded...): insert the next attempt. A 409 means another delivery got
  there first: look that job up and carry on with it.
- RUNNING or PENDING: wait, until the invocation's deadline; then raise
  TransientError so the trigger retries later and finds the job again.
- DONE without error: the step is done; use that job.
- DONE with a transient error after waiting: raise TransientError; the next delivery
  (Eventarc backs off from 10 s to 10 min, for 24 h) inserts the next attempt. There
  is no cap on attempts: overload passes, and a cap would turn it into a failure.
- DONE with any other error: PermanentJobError, recorded and acknowledged.

A new attempt is inserted only after the previous one finished, so at most one job of
a step runs at a time. Commit and record jobs use the fixed prefix ``FILE_JOBS``, not
the deployment's: job ids are unique per project and the tables' project runs the
jobs, so two deployments (any prefixes) meet at the same commit jobs. That, not the
SQL, is what makes a generation commit once (BigQuery's snapshot isolation does not
make two insert-only transactions conflict).
"""

import time
from collections.abc import Callable
from typing import Any

from snowplow_loader.cloud.errors import PermanentJobError, TransientError, job_error_is_transient
from snowplow_loader.cloud.events import FILE_JOBS, job_id

Submit = Callable[[str], Any]  # job id -> the inserted job (raises Conflict on a 409)


class Jobs:
    def __init__(
        self,
        client: Any,
        load_prefix: str,
        location: str | None,
        checkpoint: Callable[[str], None] = lambda _: None,
        sleep: Callable[[float], None] = time.sleep,
    ) -> None:
        self.client = client
        self.load_prefix = load_prefix
        self.location = location
        self.checkpoint = checkpoint  # fault injection in tests; a no-op in production
        self.sleep = sleep

    def name(self, digest: str, step: str, attempt: int) -> str:
        return job_id(self.load_prefix if step == "load" else FILE_JOBS, digest, step, attempt)

    def lookup(self, job: str) -> Any | None:
        from google.api_core.exceptions import NotFound

        try:
            return self.client.get_job(job, location=self.location)
        except NotFound:
            return None

    def latest(self, digest: str, step: str) -> tuple[Any | None, int]:
        """The newest job of the step's chain and its attempt number (None, -1 if none)."""
        found, attempt = None, 0
        while (job := self.lookup(self.name(digest, step, attempt))) is not None:
            found, attempt = job, attempt + 1
        return found, attempt - 1

    def succeeded(self, digest: str, step: str) -> Any | None:
        """The job that completed this step in an earlier delivery, without inserting any."""
        job, _ = self.latest(digest, step)
        if job is None or job.state != "DONE" or job.error_result is not None:
            return None
        return job

    @staticmethod
    def needs_attempt(job: Any | None) -> bool:
        """No job yet, or the newest one failed in a way a new attempt can get past."""
        if job is None:
            return True
        error = job.error_result if job.state == "DONE" else None
        return error is not None and job_error_is_transient(error)

    def run(self, digest: str, step: str, submit: Submit, deadline: float) -> tuple[Any, bool]:
        """The finished, successful job of this step, and whether this call inserted it.

        ``deadline`` (time.monotonic) bounds the waiting: all steps of one invocation
        share it, so the function gives up and asks for a retry before it times out.
        """
        from google.api_core.exceptions import Conflict

        job, attempt = self.latest(digest, step)
        inserted = False
        if self.needs_attempt(job):
            name = self.name(digest, step, attempt + 1)
            try:
                job, inserted = submit(name), True
                self.checkpoint(f"{step}_inserted")
            except Conflict:
                job = self.lookup(name)
                if job is None:  # 409 then 404: the job list is eventually consistent
                    raise TransientError(f"job {name} exists but cannot be read yet") from None
        return self.finish(job, deadline), inserted

    def finish(self, job: Any, deadline: float) -> Any:
        """Wait for the job; it, when it succeeded, else the error that says what to do."""
        job = self._wait(job, deadline)
        error = job.error_result
        if error is None:
            return job
        if job_error_is_transient(error):
            raise TransientError(f"job {job.job_id} failed transiently: {error}")
        raise PermanentJobError(job.job_id, error)

    def _wait(self, job: Any, deadline: float) -> Any:
        pause = 0.05
        while job.state != "DONE":
            if time.monotonic() >= deadline:
                raise TransientError(f"job {job.job_id} still {job.state}: retry later")
            self.sleep(pause)
            pause = min(pause * 2, 2.0)
            job.reload()
        return job

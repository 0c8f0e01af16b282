"""BigQuery jobs with deterministic ids: inserted once, found again by every redelivery.

A chain of job ids, ``<prefix>_<digest>_<step>_<attempt>``, holds the attempts of one
step. Every delivery finds the chain's newest job and acts on its state:

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

Two chains per file run. Load jobs (``load``) are the deployment's and the run's.
Every job that writes the manifest (the commit script, or the record of an empty,
quarantined or failed file) is an attempt of ONE chain per generation (``commit``,
prefix ``FILE_JOBS``), whatever the deployment, its prefix or the run (a replay of a
failed file included): a new attempt is inserted only after the newest one finished,
so a generation's writes exclude each other and each sees the one before it. That,
not the SQL, is what makes a generation commit once (BigQuery's snapshot isolation
does not make two insert-only transactions conflict). Writers carry labels ``run``
(the replay number) and ``status`` (what they write), which say whether a finished
writer settles the run that meets it (``needs_write``).

Finding the newest job costs a constant number of ``jobs.get`` calls, not one per
attempt: attempt 0 and 1 are probed; only a longer chain (overload) reads the newest
attempt from a ``Hints`` store (a small object per chain, written on each insert past
attempt 0) and gallops forward from it, so a stale or lost hint costs O(log n) calls,
never a wrong answer.
"""

import copy
import time
from collections.abc import Callable, Mapping
from typing import Any, Protocol, cast

from snowplow_loader.cloud.errors import PermanentJobError, TransientError, job_error_is_transient
from snowplow_loader.cloud.events import FILE_JOBS, job_id
from snowplow_loader.results import SETTLED


class Job(Protocol):
    """What the loader reads of a BigQuery job (``bigquery.LoadJob``, ``bigquery.QueryJob``).

    A Protocol rather than their union: the tests' jobs walk through states on reload.
    """

    @property
    def job_id(self) -> str: ...

    @property
    def state(self) -> str | None: ...

    @property
    def error_result(self) -> Mapping[str, object] | None: ...

    @property
    def labels(self) -> Mapping[str, str]: ...

    def reload(self) -> object: ...


Submit = Callable[[str], Job]  # job id -> the inserted job (raises Conflict on a 409)
WRITE = "commit"  # the chain of a generation's manifest writers
REPORT = "report"  # one per writer: whoever inserts it logs the writer's outcome
PARKED = "parked"  # the record of a file reconcile stops replaying (the parking work)
_KNOWN_CHAINS = 10_000  # per instance: newest attempts seen, a lower bound for the next look


class Hints(Protocol):
    """Where a chain's newest attempt is noted for the next delivery (0 when unknown)."""

    def read(self, chain: str) -> int: ...

    def write(self, chain: str, attempt: int) -> None: ...


class NoHints:
    def read(self, chain: str) -> int:
        return 0

    def write(self, chain: str, attempt: int) -> None:
        return None


def job_run(job: Job) -> int:
    """The run (replay number) a writer job belongs to."""
    return int((job.labels or {}).get("run", 0))


def needs_write(job: Job | None, run: int, after_failure: bool = False) -> bool:
    """Whether run ``run`` inserts a new writer after ``job``, the chain's newest (finished).

    Yes when there is none, when it failed transiently, when it belongs to an earlier
    run that failed (a replay starts after a recorded, parked or permanent failure:
    any record whose status does not settle the file), and, to
    record this run's own permanent failure (``after_failure``), after that failure.
    Never after a writer that settled the file, nor after this run's recorded failure.
    """
    if job is None:
        return True
    error = job.error_result
    if error is not None:
        if job_error_is_transient(error):
            return True
        return job_run(job) < run or (after_failure and job_run(job) == run)
    status = (job.labels or {}).get("status")
    if status == PARKED:  # a redrive replays a parked file as the run it was parked at
        return job_run(job) <= run
    return status not in SETTLED and job_run(job) < run  # after a failed run's record


class Jobs:
    def __init__(
        self,
        client: Any,  # bigquery.Client; tests pass a fake and count its get_job calls
        load_prefix: str,
        location: str | None,
        checkpoint: Callable[[str], None] = lambda _: None,
        sleep: Callable[[float], None] = time.sleep,
        hints: Hints | None = None,
    ) -> None:
        self.client = client
        self.load_prefix = load_prefix
        self.location = location
        self.checkpoint = checkpoint  # fault injection in tests; a no-op in production
        self.sleep = sleep
        self.hints: Hints = hints or NoHints()
        self._known: dict[str, int] = {}

    def with_hints(self, hints: Hints) -> "Jobs":
        """This instance for one delivery, noting chains in ``hints`` (shares the cache)."""
        bound = copy.copy(self)
        bound.hints = hints
        return bound

    def chain(self, digest: str, step: str) -> str:
        """The ids of a step's attempts without the attempt number."""
        return self.name(digest, step, 0).removesuffix("_0")

    def name(self, digest: str, step: str, attempt: int) -> str:
        return job_id(self.load_prefix if step == "load" else FILE_JOBS, digest, step, attempt)

    def lookup(self, job: str) -> Job | None:
        from google.api_core.exceptions import NotFound

        try:
            return cast(Job, self.client.get_job(job, location=self.location))
        except NotFound:
            return None

    def latest(self, digest: str, step: str) -> tuple[Job | None, int]:
        """The newest job of the step's chain and its attempt number (None, -1 if none)."""
        chain = self.chain(digest, step)
        start = self._known.get(chain, 0)
        found = self.lookup(f"{chain}_{start}")
        if found is None:
            return (None, -1) if start == 0 else self._gallop(chain, None, -1, 0)
        following = self.lookup(f"{chain}_{start + 1}")
        if following is None:
            return found, start
        hint = self.hints.read(chain)
        if hint > start + 1 and (noted := self.lookup(f"{chain}_{hint}")) is not None:
            return self._gallop(chain, noted, hint, hint)
        return self._gallop(chain, following, start + 1, hint)

    def _gallop(self, chain: str, found: Job | None, at: int, hint: int) -> tuple[Job | None, int]:
        """From a known attempt ``at`` (-1: none), the last one: doubling steps, then halving."""
        stride = 1
        while (job := self.lookup(f"{chain}_{at + stride}")) is not None:
            found, at, stride = job, at + stride, stride * 2
        low, high = at, at + stride  # low exists (or is -1), high does not
        while high - low > 1:
            middle = (low + high) // 2
            if (job := self.lookup(f"{chain}_{middle}")) is not None:
                found, low = job, middle
            else:
                high = middle
        self._note(chain, low, shared=low > max(hint, 1))  # the next look starts here
        return found, low

    def _note(self, chain: str, attempt: int, shared: bool) -> None:
        if len(self._known) >= _KNOWN_CHAINS:
            self._known.clear()
        self._known[chain] = max(attempt, self._known.get(chain, 0))
        if shared:
            self.hints.write(chain, attempt)

    def running_load(self, digests: list[str]) -> str | None:
        """The id of a load job of these runs that is not finished, if any."""
        for digest in digests:
            job, _ = self.latest(digest, "load")
            if job is not None and job.state != "DONE":
                return str(job.job_id)
        return None

    def succeeded(self, digest: str, step: str) -> Job | None:
        """The job that completed this step in an earlier delivery, without inserting any."""
        job, _ = self.latest(digest, step)
        if job is None or job.state != "DONE" or job.error_result is not None:
            return None
        return job

    @staticmethod
    def needs_attempt(job: Job | None) -> bool:
        """No job yet, or the newest one failed in a way a new attempt can get past."""
        if job is None:
            return True
        error = job.error_result if job.state == "DONE" else None
        return error is not None and job_error_is_transient(error)

    def run(self, digest: str, step: str, submit: Submit, deadline: float) -> tuple[Job, bool]:
        """The finished, successful job of this step, and whether this call inserted it.

        ``deadline`` (time.monotonic) bounds the waiting: all steps of one invocation
        share it, so the function gives up and asks for a retry before it times out.
        """
        job, attempt = self.latest(digest, step)
        inserted = False
        if self.needs_attempt(job):
            job, inserted = self._insert(digest, step, attempt + 1, submit), True
        return self.finish(cast("Job", job), deadline), inserted  # None needs an attempt

    def write(
        self, digest: str, run: int, submit: Submit, deadline: float, after_failure: bool = False
    ) -> Job:
        """The generation's writer that settles run ``run``: found, or inserted once the
        newest one finished (never beside a running one). Raises as ``finish``."""
        job, attempt = self.latest(digest, WRITE)
        if job is not None:
            job = self._wait(job, deadline)
        if needs_write(job, run, after_failure):
            job = self._insert(digest, WRITE, attempt + 1, submit)
        return self.finish(cast("Job", job), deadline)  # None needs a write

    def _insert(self, digest: str, step: str, attempt: int, submit: Submit) -> Job:
        from google.api_core.exceptions import Conflict

        name = self.name(digest, step, attempt)
        try:
            job = submit(name)
        except Conflict:
            found = self.lookup(name)
            if found is None:  # 409 then 404: the job list is eventually consistent
                raise TransientError(f"job {name} exists but cannot be read yet") from None
            job = found
        else:
            self.checkpoint(f"{step}_inserted")
        self._note(self.chain(digest, step), attempt, shared=attempt > 0)
        return job

    def claim_report(self, writer: Job) -> bool:
        """Whether this delivery is the one that logs ``writer``'s outcome (once per writer).

        The claim is a job id, like every lock here: a trivial query that references no
        table (nothing billed), named after the writer; a 409 says another delivery
        has it. A delivery that dies between its claim and its log line loses that line.
        """
        from google.api_core.exceptions import Conflict

        name = writer.job_id.replace(f"_{WRITE}_", f"_{REPORT}_")
        try:
            self.client.query("SELECT 1", job_id=name, location=self.location, job_retry=None)
        except Conflict:
            return False
        return True

    def finish(self, job: Job, deadline: float) -> Job:
        """Wait for the job; it, when it succeeded, else the error that says what to do."""
        job = self._wait(job, deadline)
        error = job.error_result
        if error is None:
            return job
        if job_error_is_transient(error):
            raise TransientError(f"job {job.job_id} failed transiently: {error}")
        raise PermanentJobError(job.job_id, error)

    def _wait(self, job: Job, deadline: float) -> Job:
        pause = 0.05
        while job.state != "DONE":
            if time.monotonic() >= deadline:
                raise TransientError(f"job {job.job_id} still {job.state}: retry later")
            self.sleep(pause)
            pause = min(pause * 2, 2.0)
            job.reload()
        return job

"""The job state machine: 409s are looked up, running jobs waited for within a deadline,
transient failures retried under the next attempt id (without end), permanent ones
reported."""

import time
from collections.abc import Callable
from typing import Any

import pytest
from google.api_core.exceptions import BadRequest, Conflict, Forbidden, NotFound
from snowplow_loader.cloud.errors import (
    PermanentJobError,
    TransientError,
    is_transient,
    job_error_is_transient,
)
from snowplow_loader.cloud.events import ObjectEvent, job_id
from snowplow_loader.cloud.jobs import Jobs, needs_write

BACKEND = {"reason": "backendError", "message": "try later"}
DML_QUEUE = {
    "reason": "resourcesExceeded",
    "message": "Too many DML statements outstanding against table t, limit is 100",
}
INVALID = {"reason": "invalidQuery", "message": "Unrecognized name: x"}


class FakeJob:
    """A job that goes through the given states, one per reload."""

    def __init__(
        self,
        job_id: str,
        states: list[str],
        error: dict[str, str] | None,
        labels: dict[str, str] | None = None,
    ) -> None:
        self.job_id, self._states, self._error = job_id, states, error
        self.labels = labels or {}

    @property
    def state(self) -> str:
        return self._states[0]

    @property
    def error_result(self) -> dict[str, str] | None:
        return self._error if self.state == "DONE" else None

    def reload(self) -> None:
        if len(self._states) > 1:
            self._states.pop(0)


class FakeClient:
    def __init__(self) -> None:
        self.jobs: dict[str, FakeJob] = {}
        self.inserts = 0
        self.lookups = 0

    def get_job(self, name: str, location: str | None = None) -> FakeJob:
        self.lookups += 1
        if name not in self.jobs:
            raise NotFound(name)  # type: ignore[no-untyped-call]
        return self.jobs[name]

    def submitter(
        self, outcomes: list[tuple[list[str], dict[str, str] | None]]
    ) -> Callable[[str], Any]:
        """Each insert creates the next job of ``outcomes``; a known id raises Conflict."""

        def submit(name: str) -> FakeJob:
            if name in self.jobs:
                raise Conflict(name)  # type: ignore[no-untyped-call]
            states, error = outcomes[min(self.inserts, len(outcomes) - 1)]
            self.inserts += 1
            self.jobs[name] = FakeJob(name, list(states), error)
            return self.jobs[name]

        return submit


DIGEST = ObjectEvent("b", "a.tsv", 7, 0).digest


def jobs(client: FakeClient) -> Jobs:
    return Jobs(client, "p", None, sleep=lambda _: None)


def later(seconds: float = 60) -> float:
    return time.monotonic() + seconds


def test_job_ids_are_the_same_for_every_delivery() -> None:
    again = ObjectEvent("b", "a.tsv", 7, 99, event_id="another delivery")
    assert job_id("p", again.digest, "load", 0) == job_id("p", DIGEST, "load", 0)
    assert job_id("p", ObjectEvent("b", "a.tsv", 8, 0).digest, "load", 0) != job_id(
        "p", DIGEST, "load", 0
    )


def test_a_second_delivery_finds_the_job_instead_of_inserting() -> None:
    client = FakeClient()
    submit = client.submitter([(["RUNNING", "DONE"], None)])
    first, inserted = jobs(client).run(DIGEST, "load", submit, later())
    again, inserted_again = jobs(client).run(DIGEST, "load", submit, later())
    assert (inserted, inserted_again, client.inserts) == (True, False, 1)
    assert first is again and jobs(client).succeeded(DIGEST, "load") is first


def test_a_running_job_is_waited_for_until_the_deadline_then_retried() -> None:
    client = FakeClient()
    submit = client.submitter([(["RUNNING"] * 1000, None)])
    with pytest.raises(TransientError, match="still RUNNING"):
        jobs(client).run(DIGEST, "commit", submit, later(0.01))
    assert jobs(client).succeeded(DIGEST, "commit") is None


def test_a_transient_failure_is_retried_under_the_next_attempt_id() -> None:
    client = FakeClient()
    submit = client.submitter([(["DONE"], BACKEND), (["DONE"], None)])
    with pytest.raises(TransientError, match="backendError"):
        jobs(client).run(DIGEST, "commit", submit, later())
    job, inserted = jobs(client).run(DIGEST, "commit", submit, later())
    assert inserted and job.job_id == jobs(client).name(DIGEST, "commit", 1)
    assert jobs(client).succeeded(DIGEST, "commit") is job


def test_a_permanent_failure_is_reported_not_retried() -> None:
    client = FakeClient()
    submit = client.submitter([(["DONE"], INVALID)])
    for _ in range(2):
        with pytest.raises(PermanentJobError, match="invalidQuery: Unrecognized name"):
            jobs(client).run(DIGEST, "commit", submit, later())
    assert client.inserts == 1


def test_overload_is_retried_for_as_long_as_it_lasts() -> None:
    client = FakeClient()
    submit = client.submitter([(["DONE"], DML_QUEUE)] * 12 + [(["DONE"], None)])
    for _ in range(12):
        with pytest.raises(TransientError, match="Too many DML statements"):
            jobs(client).run(DIGEST, "commit", submit, later())
    job, inserted = jobs(client).run(DIGEST, "commit", submit, later())
    assert inserted and job.job_id == jobs(client).name(DIGEST, "commit", 12)


def test_commit_ids_depend_on_the_file_alone_and_a_replay_starts_a_new_chain() -> None:
    mine, theirs = Jobs(FakeClient(), "blue", None), Jobs(FakeClient(), "green", None)
    assert mine.name(DIGEST, "load", 0) != theirs.name(DIGEST, "load", 0)
    assert mine.name(DIGEST, "commit", 0) == theirs.name(DIGEST, "commit", 0)
    replay = ObjectEvent("b", "a.tsv", 7, 0, replay=1).digest
    assert mine.name(replay, "commit", 0) != mine.name(DIGEST, "commit", 0)


def test_overload_and_quota_answers_are_transient_and_bad_requests_are_not() -> None:
    assert job_error_is_transient(DML_QUEUE) and not job_error_is_transient(INVALID)
    assert is_transient(BadRequest("queue full", errors=[DML_QUEUE]))  # type: ignore[no-untyped-call]
    assert is_transient(Forbidden("quota", errors=[{"reason": "quotaExceeded"}]))  # type: ignore[no-untyped-call]
    assert not is_transient(BadRequest("bad", errors=[INVALID]))  # type: ignore[no-untyped-call]


class DictHints:
    def __init__(self) -> None:
        self.noted: dict[str, int] = {}

    def read(self, chain: str) -> int:
        return self.noted.get(chain, 0)

    def write(self, chain: str, attempt: int) -> None:
        self.noted[chain] = attempt


def test_finding_the_newest_job_costs_the_same_few_lookups_however_long_the_chain() -> None:
    """Each delivery walked the chain from attempt 0: O(n) per delivery, O(n^2) per file."""
    client, hints = FakeClient(), DictHints()
    submit = client.submitter([(["DONE"], DML_QUEUE)])
    costs = []
    for attempt in range(40):  # 40 overloaded attempts, each seen by a fresh instance
        client.lookups = 0
        with pytest.raises(TransientError):
            jobs(client).with_hints(hints).run(DIGEST, "commit", submit, later())
        costs.append(client.lookups)
        assert client.inserts == attempt + 1
    assert max(costs) <= 4 and costs[-1] == costs[10]
    client.lookups = 0  # the hint lost (the staging lifecycle): O(log n), still right
    job, attempt = jobs(client).latest(DIGEST, "commit")
    assert attempt == 39 and job is client.jobs[jobs(client).name(DIGEST, "commit", 39)]
    assert client.lookups <= 2 * 6 + 2


def test_a_stale_hint_is_only_a_starting_point() -> None:
    client, hints = FakeClient(), DictHints()
    submit = client.submitter([(["DONE"], DML_QUEUE)])
    for _ in range(9):
        with pytest.raises(TransientError):
            jobs(client).run(DIGEST, "commit", submit, later())  # no hints written
    hints.write(jobs(client).chain(DIGEST, "commit"), 3)
    _, attempt = jobs(client).with_hints(hints).latest(DIGEST, "commit")
    assert attempt == 8 and hints.read(jobs(client).chain(DIGEST, "commit")) == 8


def writer(error: dict[str, str] | None, run: int, status: str = "loaded") -> FakeJob:
    return FakeJob("w", ["DONE"], error, {"run": str(run), "status": status})


def test_a_generation_s_writers_follow_each_other_across_runs() -> None:
    assert needs_write(None, 0)
    assert needs_write(writer(DML_QUEUE, 0), 0)  # overload: the next attempt
    assert not needs_write(writer(None, 0), 0)  # loaded: settled for every run
    assert not needs_write(writer(None, 0), 3)
    assert not needs_write(writer(None, 0, "failed"), 0)  # this run's failure is recorded
    assert needs_write(writer(None, 0, "failed"), 1)  # a replay follows a recorded failure
    assert needs_write(writer(None, 2, "parked"), 2)  # a redrive replays a parked file
    assert not needs_write(writer(None, 2, "parked"), 0)  # its late original event does not
    assert not needs_write(writer(None, 0, "quarantined"), 1)
    assert not needs_write(writer(INVALID, 0), 0)  # a permanent error: report it
    assert needs_write(writer(INVALID, 0), 0, after_failure=True)  # then record it
    assert needs_write(writer(INVALID, 0), 1)  # a replay follows it
    assert not needs_write(writer(INVALID, 2), 1, after_failure=True)  # a later run's

"""Staying inside the Sheets quotas and the run's time: a rate limiter, backoff, a deadline.

Sheets allows 60 write requests per minute per user (a service account is one user).
The limiter counts every attempt, retries included, and records a request when its
response arrives: the server saw it no later than that, so no window of the server's
clock can hold more requests than the quota. 429 and 5xx answers, and network failures
(a refused or reset connection, a timeout), are retried after an exponentially growing,
fully jittered pause, so parallel writers do not retry in step; a `Retry-After` header
sets the least pause. No pause or wait may end past the run's deadline.
"""

import datetime as dt
import email.utils
import http.client
import random
import threading
import time
from collections import deque
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field

import httplib2  # type: ignore[import-untyped]  # ships no types; its error classes suffice
from googleapiclient.errors import HttpError

RETRYABLE = frozenset({429, 500, 502, 503, 504})
# what a network failure looks like through httplib2: OSError covers refused, reset,
# broken pipe and timeouts; the others are a connection closed mid-answer
TRANSPORT_ERRORS = (OSError, http.client.HTTPException, httplib2.HttpLib2Error)


class DeadlineError(RuntimeError):
    """The run's deadline came before the work was done."""


@dataclass
class Deadline:
    """A point in monotonic time the run must end by (None: no deadline)."""

    at: float | None = None
    clock: Callable[[], float] = time.monotonic

    @classmethod
    def after(cls, seconds: float | None) -> "Deadline":
        return cls(None if seconds is None else time.monotonic() + seconds)

    def check(self, wait: float, doing: str) -> None:
        """Raise DeadlineError when waiting `wait` more seconds would pass the deadline."""
        if self.at is not None and self.clock() + wait > self.at:
            raise DeadlineError(f"the run's deadline came while {doing}")


class RateLimiter:
    """At most `quota` requests in any `window` seconds."""

    def __init__(
        self,
        quota: int,
        window: float = 60.0,
        clock: Callable[[], float] = time.monotonic,
        sleep: Callable[[float], None] = time.sleep,
        deadline: Deadline | None = None,
    ) -> None:
        if quota < 1 or window <= 0:
            raise ValueError("a rate limit needs a quota of at least 1 and a positive window")
        self.quota, self.window = quota, window
        self._clock, self._sleep = clock, sleep
        self.deadline = deadline or Deadline()
        self._done: deque[float] = deque()
        self._lock = threading.Lock()
        self.waited = 0.0

    @contextmanager
    def slot(self) -> Iterator[None]:
        """Wait until a request fits, let the caller send it, count it when it returns."""
        with self._lock:
            while True:
                now = self._clock()
                while self._done and self._done[0] + self.window <= now:
                    self._done.popleft()
                if len(self._done) < self.quota:
                    break
                pause = self._done[0] + self.window - now
                self.deadline.check(pause, "waiting for the per-minute quota")
                self.waited += pause
                self._sleep(pause)
                self._done.popleft()  # the oldest request has now left the window
            try:
                yield
            finally:
                self._done.append(self._clock())


@dataclass
class Backoff:
    """Pauses of random(0, base * 2**attempt) seconds, capped, for `attempts` tries."""

    base: float = 1.0
    cap: float = 64.0
    attempts: int = 8
    sleep: Callable[[float], None] = time.sleep
    rng: random.Random = field(default_factory=random.Random)
    deadline: Deadline = field(default_factory=Deadline)
    retries: int = 0
    network_errors: int = 0

    def pause(self, attempt: int, at_least: float = 0.0) -> None:
        seconds = max(at_least, self.rng.uniform(0, min(self.cap, self.base * 2**attempt)))
        self.deadline.check(seconds, f"pausing {seconds:.1f} s before retry {attempt + 1}")
        self.retries += 1
        self.sleep(seconds)


def status(error: HttpError) -> int:
    """The HTTP status of a failed call (httplib2 gives it as a number or a string)."""
    return int(error.resp.status)


def retry_after(error: HttpError) -> float:
    """The pause a `Retry-After` header asks for: seconds or an HTTP date; 0 without one."""
    value = str(error.resp.get("retry-after", "")).strip()
    if not value:
        return 0.0
    try:
        return max(0.0, float(value))
    except ValueError:
        pass
    try:
        when = email.utils.parsedate_to_datetime(value)
    except (TypeError, ValueError):
        return 0.0
    return max(0.0, (when - dt.datetime.now(dt.UTC)).total_seconds())


def retrying[T](
    call: Callable[[], T],
    backoff: Backoff,
    limiter: RateLimiter,
    retry_on: frozenset[int] = RETRYABLE,
    network: type[BaseException] | tuple[type[BaseException], ...] = TRANSPORT_ERRORS,
) -> T:
    """Run `call` in a quota slot; retry the statuses in `retry_on` and the `network`
    errors (only a refused connection for a request that must not run twice), then give
    up loudly."""
    for attempt in range(backoff.attempts):
        backoff.deadline.check(0, "sending a request")
        try:
            with limiter.slot():
                return call()
        except HttpError as error:
            if status(error) not in retry_on or attempt == backoff.attempts - 1:
                raise
            backoff.pause(attempt, retry_after(error))
        except network:
            backoff.network_errors += 1
            if attempt == backoff.attempts - 1:
                raise
            backoff.pause(attempt)
    raise AssertionError("unreachable: the last attempt returns or raises")

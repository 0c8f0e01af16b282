"""Staying inside the Sheets quotas: a sliding-window rate limiter and backoff with jitter.

Sheets allows 60 write requests per minute per user (a service account is one user).
The limiter counts every attempt, retries included, and records a request when its
response arrives: the server saw it no later than that, so no window of the server's
clock can hold more requests than the quota. 429 and 5xx answers are retried after an
exponentially growing, fully jittered pause, so parallel writers do not retry in step.
"""

import random
import threading
import time
from collections import deque
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field

from googleapiclient.errors import HttpError

RETRYABLE = frozenset({429, 500, 502, 503, 504})


class RateLimiter:
    """At most `quota` requests in any `window` seconds."""

    def __init__(
        self,
        quota: int,
        window: float = 60.0,
        clock: Callable[[], float] = time.monotonic,
        sleep: Callable[[float], None] = time.sleep,
    ) -> None:
        if quota < 1 or window <= 0:
            raise ValueError("a rate limit needs a quota of at least 1 and a positive window")
        self.quota, self.window = quota, window
        self._clock, self._sleep = clock, sleep
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
    retries: int = 0

    def pause(self, attempt: int) -> None:
        self.retries += 1
        self.sleep(self.rng.uniform(0, min(self.cap, self.base * 2**attempt)))


def status(error: HttpError) -> int:
    """The HTTP status of a failed call (httplib2 gives it as a number or a string)."""
    return int(error.resp.status)


def retrying[T](
    call: Callable[[], T],
    backoff: Backoff,
    limiter: RateLimiter,
    retry_on: frozenset[int] = RETRYABLE,
) -> T:
    """Run `call` in a quota slot; retry the statuses in `retry_on`, then give up loudly."""
    for attempt in range(backoff.attempts):
        try:
            with limiter.slot():
                return call()
        except HttpError as error:
            if status(error) not in retry_on or attempt == backoff.attempts - 1:
                raise
            backoff.pause(attempt)
    raise AssertionError("unreachable: the last attempt returns or raises")

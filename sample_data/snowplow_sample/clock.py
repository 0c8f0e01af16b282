"""Simulated time: when sessions start, and how instants are written.

Times are integer milliseconds since the Unix epoch (UTC) throughout: cheap to add
and compare, exact to the millisecond the TSV keeps.
"""

from bisect import bisect_right
from collections.abc import Callable
from datetime import UTC, date, datetime
from itertools import accumulate

SECOND = 1_000
MINUTE = 60 * SECOND
HOUR = 60 * MINUTE
DAY = 24 * HOUR

# Relative traffic by UTC hour: a European morning and a US afternoon overlapping.
_HOURLY = (0.35, 0.28, 0.24, 0.22, 0.25, 0.35, 0.55, 0.80, 1.00, 1.10, 1.15, 1.15,
           1.10, 1.15, 1.25, 1.30, 1.30, 1.25, 1.15, 1.00, 0.85, 0.70, 0.55, 0.45)  # fmt: skip
_WEEKEND = 0.7


def epoch_ms(day: date) -> int:
    """Midnight UTC of `day`, in epoch milliseconds."""
    return int(datetime(day.year, day.month, day.day, tzinfo=UTC).timestamp()) * SECOND


_ENDINGS = tuple(f"{s:02d}.{m:03d}" for s in range(60) for m in range(1000))
_CACHE_LIMIT = 500_000  # minutes: about a year of them, then start again


def stamper() -> Callable[[int], str]:
    """A function writing epoch ms as `yyyy-MM-dd HH:mm:ss.SSS`, Snowplow's TSV form.

    Five timestamps per event make this the hottest code of the generator. The text
    is a cached minute prefix plus one of 60,000 precomputed `ss.SSS` endings: one
    dict look-up and one concatenation instead of a trip through datetime. A closure,
    not a class with __call__, because calling it is measurably cheaper.
    """
    minutes: dict[int, str] = {}

    def prefix(minute: int) -> str:
        if len(minutes) >= _CACHE_LIMIT:
            minutes.clear()
        day, rest = divmod(minute, 24 * 60)
        day_text = date.fromordinal(day + 719_163).isoformat()  # 719_163: 1970-01-01
        minutes[minute] = text = f"{day_text} {rest // 60:02d}:{rest % 60:02d}:"
        return text

    def stamp(ms: int) -> str:
        minute, rest = divmod(ms, MINUTE)
        return (minutes.get(minute) or prefix(minute)) + _ENDINGS[rest]

    return stamp


class Calendar:
    """Maps progress through the event budget (0 to 1) to a session start time.

    Tying time to the share of events already planned is what lets the generator
    write exactly the number of events asked for and still cover the whole period
    with a daily and weekly rhythm: the inverse of the cumulative hourly traffic
    curve turns evenly spread progress into realistically bunched start times.
    No session starts in the first `lead_ms` or the last `quiet_ms` of the period, so
    every timestamp of every session (a device clock that is off included) falls
    inside the period.
    """

    def __init__(self, start: date, days: int, lead_ms: int, quiet_ms: int) -> None:
        if days < 1:
            raise ValueError("days must be at least 1")
        self.start_ms = epoch_ms(start)
        self.end_ms = self.start_ms + days * DAY
        self._first_hour = -(-lead_ms // HOUR)
        last_hour = (days * DAY - quiet_ms) // HOUR
        if last_hour <= self._first_hour:
            raise ValueError("the period is too short to hold a session")
        weekday = start.weekday()
        weights = [
            _HOURLY[h % 24] * (_WEEKEND if (weekday + h // 24) % 7 >= 5 else 1.0)
            for h in range(self._first_hour, last_hour)
        ]
        self._cumulative = [0.0, *accumulate(weights)]
        self._total = self._cumulative[-1]

    def at(self, progress: float) -> int:
        """The instant reached after `progress` (0 to 1) of the period's traffic."""
        target = min(max(progress, 0.0), 1.0) * self._total
        hour = min(bisect_right(self._cumulative, target) - 1, len(self._cumulative) - 2)
        low, high = self._cumulative[hour], self._cumulative[hour + 1]
        within = (target - low) / (high - low) if high > low else 0.0
        return self.start_ms + (self._first_hour + hour) * HOUR + int(within * HOUR)

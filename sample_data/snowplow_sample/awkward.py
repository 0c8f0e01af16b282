"""The awkward cases real Snowplow data holds, injected at small, configurable rates.

Each case exists because a model downstream must survive it (see the design's model
rules): duplicates of event_id (exact re-deliveries, and tracker retries that reach
the collector later), events that arrive days after they happened, page pings whose
page view was lost, events without a session or user id, a session whose
domain_userid changes half way, and a session that goes on for more than three days.

Rates are shares of opportunities, not coin flips: each case is due again after
1/rate opportunities (give or take half), and first due after half of that. So
every case appears in any file big enough for `0.5 / rate` opportunities (a
2,000-event sample holds each of them) and the counts stay close to the rates
instead of varying from seed to seed. A case that needs room (a late event must
still reach the collector inside the period) waits, armed, for an event that has it.
"""

import math
import random
from dataclasses import dataclass, fields, replace

from snowplow_sample import rows
from snowplow_sample.clock import DAY, HOUR, SECOND
from snowplow_sample.rows import Event

# Tags: what an event was made into. generate.GenerationStats counts them.
EXACT_DUPLICATE = "exact_duplicate"
RETRIED_DUPLICATE = "retried_duplicate"
LATE = "late"
STRAY_PING = "stray_ping"
NULL_SESSION_ID = "null_session_id"
NULL_USER_ID = "null_user_id"
ROTATED_USER_ID = "rotated_user_id"
LONG_SESSION = "long_session"

LATE_MIN, LATE_MAX = 3 * DAY + HOUR, 5 * DAY  # beyond the models' 3-day cut-off
LONG_BURSTS = ((20 * HOUR, 30 * HOUR), (44 * HOUR, 52 * HOUR), (74 * HOUR, 80 * HOUR))
LONG_SPAN = LONG_BURSTS[-1][1] + 2 * HOUR  # room a long session needs before the period ends


@dataclass(frozen=True)
class Awkwardness:
    """How often each awkward case occurs, as a share of its opportunities.

    Late events need more than three days between the event and the period's end,
    long sessions about three and a half: in periods of four days or less they are
    rare or absent.
    """

    exact_duplicates: float = 0.002  # of events: the line is written twice, byte for byte
    retried_duplicates: float = 0.002  # of events: sent again, later collector_tstamp
    late_events: float = 0.002  # of events: reach the collector 3 to 5 days after creation
    stray_pings: float = 0.01  # of page views with pings: their page_view event is lost
    null_session_ids: float = 0.001  # of events: empty domain_sessionid
    null_user_ids: float = 0.001  # of events: empty domain_userid
    rotating_user_ids: float = 0.01  # of multi-page sessions: a new domain_userid half way
    long_sessions: float = 0.01  # of sessions: activity on the same session id over 3+ days

    @classmethod
    def none(cls) -> "Awkwardness":
        return cls(**{f.name: 0.0 for f in fields(cls)})

    @property
    def any(self) -> bool:
        return any(getattr(self, f.name) > 0 for f in fields(self))


class _Due:
    """When the next occurrence of one case is due, in opportunities counted so far.

    A threshold compared inline, not a method called per event: the check runs for
    every event and every case, so it has to cost next to nothing.
    """

    def __init__(self, rate: float, rng: random.Random) -> None:
        self.rate = rate
        self.rng = rng
        self.at = 0.5 / rate if rate > 0 else math.inf

    def fire(self, now: float) -> None:
        self.at = now + (0.5 + self.rng.random()) / self.rate


class Quirks:
    """Decides, deterministically from the generator's stream, where each case goes."""

    def __init__(self, rates: Awkwardness, rng: random.Random, end_ms: int) -> None:
        self.rng = rng
        self.end_ms = end_ms
        self._exact = _Due(rates.exact_duplicates, rng)
        self._retried = _Due(rates.retried_duplicates, rng)
        self._late = _Due(rates.late_events, rng)
        self._stray = _Due(rates.stray_pings, rng)
        self._null_session = _Due(rates.null_session_ids, rng)
        self._null_user = _Due(rates.null_user_ids, rng)
        self._rotating = _Due(rates.rotating_user_ids, rng)
        self._long = _Due(rates.long_sessions, rng)
        # Opportunities seen so far, one count per kind of opportunity.
        self._events = self._pinged_views = self._sessions = self._multi_page_sessions = 0

    def rotation_page(self, pages: int) -> int | None:
        """The page view from which the session's domain_userid changes, if any."""
        if pages < 2:
            return None
        self._multi_page_sessions += 1
        if self._multi_page_sessions < self._rotating.at:
            return None
        self._rotating.fire(self._multi_page_sessions)
        return self.rng.randint(1, pages - 1)

    def long_session(self, start_ms: int) -> bool:
        """Whether this session goes on for days (only when the period has room)."""
        self._sessions += 1
        if self._sessions < self._long.at or start_ms + LONG_SPAN >= self.end_ms:
            return False
        self._long.fire(self._sessions)
        return True

    def apply(self, events: list[Event]) -> list[Event]:
        """The session's events with per-event cases applied (events are time-ordered)."""
        pinged = {id(e.base) for e in events if e.type is rows.PAGE_PING}
        lost_views: set[int] = set()
        out: list[Event] = []
        late, exact, retried = self._late, self._exact, self._retried
        null_session, null_user = self._null_session, self._null_user
        for event in events:
            if event.tag:
                out.append(event)
                continue
            if event.type is rows.PAGE_VIEW and id(event.base) in pinged:
                self._pinged_views += 1
                if self._pinged_views >= self._stray.at:
                    self._stray.fire(self._pinged_views)
                    lost_views.add(id(event.base))
                    continue
            self._events += 1
            n = self._events
            if event.type is rows.PAGE_PING and id(event.base) in lost_views:
                lost_views.discard(id(event.base))  # the first ping of a lost page view
                event.tag = STRAY_PING
            elif n >= late.at and event.t + LATE_MIN + HOUR < self.end_ms:
                late.fire(n)
                self._make_late(event)
            elif n >= exact.at:
                exact.fire(n)
                out.append(event)
                event = replace(event, tag=EXACT_DUPLICATE)
            elif n >= retried.at:
                retried.fire(n)
                out.append(event)
                event = self._retry(event)
            elif n >= null_session.at:
                null_session.fire(n)
                event.extra += rows.cleared("domain_sessionid")
                event.tag = NULL_SESSION_ID
            elif n >= null_user.at:
                null_user.fire(n)
                event.extra += rows.cleared("domain_userid")
                event.tag = NULL_USER_ID
            out.append(event)
        return out

    def _make_late(self, event: Event) -> None:
        """The device was offline: the event waited days in the tracker's outbox."""
        latest = min(LATE_MAX, self.end_ms - HOUR - event.t)
        lag = event.etl - event.collector
        event.collector = event.t + self.rng.randint(LATE_MIN, latest)
        event.sent = event.collector - self.rng.randint(40, 400) + (event.created - event.t)
        event.sent = max(event.sent, event.created)
        event.etl = event.collector + lag
        event.tag = LATE

    def _retry(self, event: Event) -> Event:
        """No acknowledgement reached the tracker, so it sent the same event again later."""
        delay = self.rng.randint(2 * SECOND, 600 * SECOND)
        return replace(
            event,
            sent=event.sent + delay,
            collector=event.collector + delay,
            etl=event.etl + delay,
            tag=RETRIED_DUPLICATE,
        )

"""Writing the traffic out: exactly N events, in collector order, to one file or several.

Generation streams: sessions are planned one at a time and their lines wait in a
heap keyed by collector_tstamp only until no later session can produce an earlier
line, so memory holds the sessions in flight (plus the few late events), never the
file. Output is byte-identical for the same arguments: one seeded random stream and
no wall clock (see ``output`` for the files themselves).
"""

import heapq
import random
from collections import Counter
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path

from snowplow_sample import awkward, incidents, rows
from snowplow_sample.awkward import Awkwardness, Quirks
from snowplow_sample.clock import HOUR, Calendar, stamper
from snowplow_sample.incidents import Incidents
from snowplow_sample.output import SlicedWriter
from snowplow_sample.rows import Event
from snowplow_sample.traffic import Session, Traffic

DEFAULT_START = date(2026, 10, 1)
# No session starts this close to the period's edges: room for a device clock that is
# off by up to visitors.MAX_SKEW, a session of up to ~2 h, a retry 10 min later.
LEAD, QUIET = HOUR, 3 * HOUR
_JITTER_EVENTS = 12.0  # spreads session starts over about one session's worth of progress


@dataclass
class GenerationStats:
    """What was written, counted over the lines actually in the output.

    `users` are browser cookies (a crawler is a new one each visit; the second id of
    a rotating session is not counted). Awkward counts are of the extra or altered
    lines (`stray_pings`: page views whose page_view event is missing) or, for the
    last two, of sessions.
    """

    events: int = 0
    users: int = 0
    sessions: int = 0
    bot_sessions: int = 0
    returning_sessions: int = 0
    page_views: int = 0
    page_pings: int = 0
    link_clicks: int = 0
    struct_events: int = 0
    exact_duplicates: int = 0
    retried_duplicates: int = 0
    late: int = 0
    stray_pings: int = 0
    null_session_ids: int = 0
    null_user_ids: int = 0
    rotating_user_sessions: int = 0
    long_sessions: int = 0
    files: list[Path] = field(default_factory=list)

    @property
    def duplicates(self) -> int:
        return self.exact_duplicates + self.retried_duplicates

    def line(self) -> str:
        return (
            f"{self.events:,} events in {len(self.files)} file(s): {self.users:,} users, "
            f"{self.sessions:,} sessions ({self.bot_sessions:,} bots, "
            f"{self.returning_sessions:,} returning), {self.page_views:,} page views, "
            f"{self.page_pings:,} pings; awkward: {self.exact_duplicates} exact + "
            f"{self.retried_duplicates} retried duplicates, {self.late} late, "
            f"{self.stray_pings} stray pings, {self.null_session_ids} null session ids, "
            f"{self.null_user_ids} null user ids, {self.rotating_user_sessions} rotating "
            f"user ids, {self.long_sessions} long sessions"
        )


_TYPE_COUNTERS = {
    rows.PAGE_VIEW.name: "page_views", rows.PAGE_PING.name: "page_pings",
    rows.LINK_CLICK.name: "link_clicks", rows.STRUCT.name: "struct_events",
}  # fmt: skip
_TAG_COUNTERS = {
    awkward.EXACT_DUPLICATE: "exact_duplicates", awkward.RETRIED_DUPLICATE: "retried_duplicates",
    awkward.LATE: "late", awkward.STRAY_PING: "stray_pings",
    awkward.NULL_SESSION_ID: "null_session_ids", awkward.NULL_USER_ID: "null_user_ids",
    awkward.ROTATED_USER_ID: "rotating_user_sessions", awkward.LONG_SESSION: "long_sessions",
}  # fmt: skip


@dataclass(frozen=True)
class Options:
    """What the default traffic leaves out: incidents on chosen days, and users who differ
    in a latent interest (traffic.py). Both off by default, so the default bytes stay."""

    incidents: Incidents = field(default_factory=Incidents)
    interest: bool = False


def _run(
    paths: list[Path],
    events: int,
    seed: int,
    start: date,
    days: int,
    gzip: bool,
    awkwardness: Awkwardness,
    options: Options | None = None,
) -> GenerationStats:
    if events < 0:
        raise ValueError("events must not be negative")
    options = options or Options()
    injected = options.incidents if options.incidents.any else None
    rng = random.Random(seed)
    calendar = Calendar(start, days, LEAD, QUIET)
    quirks = Quirks(awkwardness, rng, calendar.end_ms) if awkwardness.any else None
    traffic = Traffic(rng, quirks, interest=options.interest)
    stamp = stamper()
    stats = GenerationStats(files=paths)
    types: Counter[str] = Counter()
    tags: Counter[str] = Counter()
    pending: list[tuple[int, int, str]] = []
    output = SlicedWriter(paths, calendar.start_ms, calendar.end_ms, gzip)
    planned = seq = written = 0

    def keep(session: Session, kept: list[Event], start_ms: int) -> None:
        nonlocal seq, written
        if injected is not None:
            agent = session.user.agent
            kept = incidents.apply(injected, rng, start_ms, agent.device, agent.robot, kept)
            if not kept:
                return
        written += len(kept)
        stats.sessions += 1
        if session.user.agent.robot:
            stats.bot_sessions += 1
        elif not session.new_user:
            stats.returning_sessions += 1
        if not session.user.counted:
            session.user.counted = True
            stats.users += 1
        for event in kept:
            types[event.type.name] += 1
            if event.tag:
                tags[event.tag] += 1
            seq += 1
            heapq.heappush(pending, (event.collector, seq, rows.render(event, stamp)))

    try:
        while planned < events:
            # No session from here on starts before `floor`, so earlier lines are final.
            floor = calendar.at(planned / events)
            while pending and pending[0][0] < floor:
                collector, _, line = heapq.heappop(pending)
                output.write(collector, line)
            start_ms = max(calendar.at((planned + rng.random() * _JITTER_EVENTS) / events), floor)
            session = traffic.session(start_ms)
            kept = session.events[: events - planned]
            if not kept:
                continue
            planned += len(kept)
            keep(session, kept, start_ms)
            if injected is not None and incidents.floods(
                injected, start_ms, session.user.agent.robot
            ):
                crawler = traffic.session(start_ms, robot=True)  # beyond the event budget
                keep(crawler, crawler.events, start_ms)
        while pending:
            collector, _, line = heapq.heappop(pending)
            output.write(collector, line)
    finally:
        output.close()
    stats.events = written  # `planned` unless incidents removed or added events
    for name, attribute in _TYPE_COUNTERS.items():
        setattr(stats, attribute, types[name])
    for tag, attribute in _TAG_COUNTERS.items():
        setattr(stats, attribute, tags[tag])
    return stats


def _rates(awkward: bool | Awkwardness) -> Awkwardness:
    if isinstance(awkward, Awkwardness):
        return awkward
    return Awkwardness() if awkward else Awkwardness.none()


def generate(
    path: Path,
    events: int,
    seed: int = 1,
    start: date = DEFAULT_START,
    days: int = 30,
    gzip: bool = False,
    awkward: bool | Awkwardness = True,
    options: Options | None = None,
) -> GenerationStats:
    """Write `events` enriched events to one file (gzip-compressed if `gzip`).

    `awkward` is True for the default rates of the awkward cases, False for none, or
    an `Awkwardness` with rates of your own. `options` adds incidents or latent interest;
    incidents make the count written differ from `events` (lost lines, a crawler flood).
    """
    if gzip != path.name.endswith(".gz"):
        # The loader goes by the name: gzip under .tsv (or text under .gz) is quarantined.
        raise ValueError(f"{path.name}: name it *.tsv.gz with gzip, *.tsv without")
    path.parent.mkdir(parents=True, exist_ok=True)
    return _run([path], events, seed, start, days, gzip, _rates(awkward), options)


def generate_many(
    folder: Path,
    events: int,
    files: int,
    seed: int = 1,
    start: date = DEFAULT_START,
    days: int = 30,
    gzip: bool = False,
    awkward: bool | Awkwardness = True,
    options: Options | None = None,
) -> GenerationStats:
    """Split the same traffic over `files` files by collector time, for incremental loads.

    File k (events-0001.tsv first) holds the events whose collector_tstamp falls in
    the k-th equal slice of the period; a slice without events gives an empty file.
    The lines, in order, are those `generate` writes with the same arguments.
    """
    if files < 1:
        raise ValueError("files must be at least 1")
    folder.mkdir(parents=True, exist_ok=True)
    suffix = ".tsv.gz" if gzip else ".tsv"
    paths = [folder / f"events-{k:04d}{suffix}" for k in range(1, files + 1)]
    return _run(paths, events, seed, start, days, gzip, _rates(awkward), options)

"""Broken tracking on chosen days, so the anomaly detector is measured, not assumed.

Each kind is what teams running Snowplow see when tracking breaks silently:

    ping_drop       80 % of the page pings of that day are lost (a tag manager change)
    missing_device  no event of one device class (dvce_type) arrives that day (a release
                    that stops one platform's tracker; the sample's `platform` is always
                    `web`, so the device class is its platform split)
    crawler_flood   for every human session of that day, a crawler session too
    bounce_jump     60 % of the human sessions of that day end after their first page view
                    (a broken page or a slow site)

An incident applies to the sessions that start on its day (UTC). Nothing here runs, and
no random number is drawn, unless an incident is set: the default output is unchanged.
"""

import random
from dataclasses import dataclass
from datetime import date

from snowplow_sample import rows
from snowplow_sample.clock import DAY, epoch_ms
from snowplow_sample.rows import Event

PING_LOSS = 0.8
BOUNCE_SHARE = 0.6
DEVICES = ("Computer", "Mobile", "Tablet")


@dataclass(frozen=True)
class Incidents:
    """The days (if any) of each kind of incident."""

    ping_drop: date | None = None
    missing_device: tuple[date, str] | None = None
    crawler_flood: date | None = None
    bounce_jump: date | None = None

    def __post_init__(self) -> None:
        if self.missing_device is not None and self.missing_device[1] not in DEVICES:
            raise ValueError(
                f"missing device {self.missing_device[1]!r}: one of {', '.join(DEVICES)}"
            )

    @property
    def any(self) -> bool:
        return any(
            day is not None
            for day in (self.ping_drop, self.missing_device, self.crawler_flood, self.bounce_jump)
        )

    def days(self) -> dict[str, date]:
        """Each incident set, by kind: what a test expects the detector to flag."""
        found = {
            "ping_drop": self.ping_drop,
            "missing_device": self.missing_device[0] if self.missing_device else None,
            "crawler_flood": self.crawler_flood,
            "bounce_jump": self.bounce_jump,
        }
        return {kind: day for kind, day in found.items() if day is not None}


def _on(day: date | None, start_ms: int) -> bool:
    return day is not None and epoch_ms(day) <= start_ms < epoch_ms(day) + DAY


def apply(
    incidents: Incidents,
    rng: random.Random,
    start_ms: int,
    device: str,
    robot: bool,
    events: list[Event],
) -> list[Event]:
    """The events of one session (starting at `start_ms`) that survive the incidents."""
    missing = incidents.missing_device
    if missing and _on(missing[0], start_ms) and device == missing[1]:
        return []
    if _on(incidents.ping_drop, start_ms):
        events = [e for e in events if e.type is not rows.PAGE_PING or rng.random() >= PING_LOSS]
    if not robot and _on(incidents.bounce_jump, start_ms) and rng.random() < BOUNCE_SHARE:
        events = events[:1]
    return events


def floods(incidents: Incidents, start_ms: int, robot: bool) -> bool:
    """Whether a crawler session joins this (human) session's start."""
    return not robot and _on(incidents.crawler_flood, start_ms)

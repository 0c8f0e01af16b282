"""Turning modelled events into enriched TSV lines.

Field positions come from the loader's contract (``ENRICHED_FIELDS``), by name, so this
module never restates the layout. A line is built in three layers, each a list of the
131 field texts: per user and session (``session_row``), per page view (``page_row``,
a copy with the page's fields) and per event (``render``, a copy with the few fields
that differ between the events of one page view). Copying a list and joining it is
what keeps the generator at tens of thousands of events per second.
"""

import json
from collections.abc import Callable
from dataclasses import dataclass, field
from functools import lru_cache
from urllib.parse import urlsplit

from snowplow_loader.contract import ENRICHED_FIELDS

from snowplow_sample import agents, catalog
from snowplow_sample.agents import Agent
from snowplow_sample.catalog import City

INDEX: dict[str, int] = {f.name: i for i, f in enumerate(ENRICHED_FIELDS)}

_ETL, _COLLECTOR, _CREATED, _SENT, _DERIVED, _EVENT_ID, _FINGERPRINT = (
    INDEX[n]
    for n in (
        "etl_tstamp",
        "collector_tstamp",
        "dvce_created_tstamp",
        "dvce_sent_tstamp",
        "derived_tstamp",
        "event_id",
        "event_fingerprint",
    )
)


def fill(base: list[str], values: dict[str, str]) -> list[str]:
    """A copy of `base` with the named fields set (a KeyError names an unknown field)."""
    row = base.copy()
    for name, value in values.items():
        row[INDEX[name]] = value
    return row


def slots(values: dict[str, str]) -> tuple[tuple[int, str], ...]:
    """Named field values resolved to positions once, for per-event use."""
    return tuple((INDEX[name], value) for name, value in values.items())


@dataclass(frozen=True)
class EventType:
    """The fields that say what kind of event a line is."""

    event: str
    vendor: str
    name: str
    version: str
    fields: tuple[tuple[int, str], ...] = field(init=False)

    def __post_init__(self) -> None:
        values = {
            "event": self.event,
            "event_vendor": self.vendor,
            "event_name": self.name,
            "event_format": "jsonschema",
            "event_version": self.version,
        }
        object.__setattr__(self, "fields", slots(values))


_SNOWPLOW = "com.snowplowanalytics.snowplow"
PAGE_VIEW = EventType("page_view", _SNOWPLOW, "page_view", "1-0-0")
PAGE_PING = EventType("page_ping", _SNOWPLOW, "page_ping", "1-0-0")
LINK_CLICK = EventType("unstruct", _SNOWPLOW, "link_click", "1-0-1")
STRUCT = EventType("struct", "com.google.analytics", "event", "1-0-0")


@dataclass(slots=True)
class Event:
    """One event, timed; `tag` names the awkward case it was made into, if any."""

    type: EventType
    t: int  # the true instant (ms); device and pipeline clocks are derived from it
    created: int
    sent: int
    collector: int
    etl: int
    event_id: str
    fingerprint: str
    base: list[str]  # the page view's row
    extra: tuple[tuple[int, str], ...] = ()
    tag: str = ""


def render(event: Event, stamp: Callable[[int], str]) -> str:
    """The event's TSV line, without its line end."""
    row = event.base.copy()
    row[_ETL] = stamp(event.etl)
    row[_COLLECTOR] = stamp(event.collector)
    row[_CREATED] = stamp(event.created)
    row[_SENT] = stamp(event.sent)
    # Snowplow's definition: the device's creation time, corrected by how far the
    # device clock was off when it sent the event (as seen from the collector).
    row[_DERIVED] = stamp(event.collector - (event.sent - event.created))
    row[_EVENT_ID] = event.event_id
    row[_FINGERPRINT] = event.fingerprint
    for index, value in event.type.fields:
        row[index] = value
    for index, value in event.extra:
        row[index] = value
    return "\t".join(row)


_CONSTANT = fill(
    [""] * len(ENRICHED_FIELDS),
    {
        "platform": "web",
        "name_tracker": catalog.NAME_TRACKER,
        "v_collector": catalog.V_COLLECTOR,
        "v_etl": catalog.V_ETL,
        "doc_charset": "UTF-8",
        "br_cookies": "1",
    },
)


def _agent_fields(agent: Agent) -> dict[str, str]:
    names = ("br_name", "br_family", "br_version", "br_type", "br_renderengine")
    return {
        "useragent": agent.useragent,
        **dict(zip(names, agent.browser, strict=True)),
        "os_name": agent.os[0],
        "os_family": agent.os[1],
        "os_manufacturer": agent.os[2],
        "dvce_type": agent.device,
        "dvce_ismobile": "1" if agent.mobile else "0",
        "br_colordepth": agent.colordepth,
        "derived_contexts": agent.derived_contexts,
    }


def _city_fields(city: City) -> dict[str, str]:
    return {
        "geo_country": city.country,
        "geo_region": city.region,
        "geo_city": city.name,
        "geo_zipcode": city.zipcode,
        "geo_latitude": city.latitude,
        "geo_longitude": city.longitude,
        "geo_region_name": city.region_name,
        "geo_timezone": city.timezone,
        "os_timezone": city.timezone,
        "br_lang": city.lang,
    }


_AGENT_ROWS = {id(a): fill(_CONSTANT, _agent_fields(a)) for a in agents.AGENTS + agents.BOTS}
_CITY_FIELDS = {id(c): _city_fields(c) for c in (*catalog.CITIES, catalog.CRAWLER_HOME)}


def session_row(
    agent: Agent,
    city: City,
    screen: tuple[int, int],
    viewport: tuple[int, int],
    values: dict[str, str],
) -> list[str]:
    """The fields every event of one session shares (ids, device, place)."""
    row = fill(_AGENT_ROWS[id(agent)], _CITY_FIELDS[id(city)])
    return fill(
        row,
        {
            "dvce_screenwidth": str(screen[0]),
            "dvce_screenheight": str(screen[1]),
            "br_viewwidth": str(viewport[0]),
            "br_viewheight": str(viewport[1]),
            **values,
        },
    )


_WEB_PAGE = (
    '{"schema":"iglu:com.snowplowanalytics.snowplow/contexts/jsonschema/1-0-0","data":[{"schema":'
    '"iglu:com.snowplowanalytics.snowplow/web_page/jsonschema/1-0-0","data":{"id":"'
)


@lru_cache(maxsize=4096)  # page URLs repeat; only campaign click ids make new ones
def _url_fields(url: str, prefix: str) -> dict[str, str]:
    """A URL's parts as enrich splits them: default ports written out, no `?` or `#`.

    The result is shared between callers: read it, never change it.
    """
    if not url:
        return {}
    parts = urlsplit(url)
    port = parts.port or (443 if parts.scheme == "https" else 80)
    return {
        f"{prefix}scheme": parts.scheme,
        f"{prefix}host": parts.hostname or "",
        f"{prefix}port": str(port),
        f"{prefix}path": parts.path or "/",
        f"{prefix}query": parts.query,
        f"{prefix}fragment": parts.fragment,
    }


def page_row(
    session: list[str],
    *,
    app_id: str,
    url: str,
    title: str,
    page_view_id: str,
    doc_size: tuple[int, int],
    referrer: str,
    marketing: dict[str, str],
) -> list[str]:
    """The fields every event of one page view shares: page, referrer, web_page context.

    `marketing` holds refr_medium/refr_source/refr_term and the mkt_* fields, which
    enrich derives from the referrer and the landing URL's query.
    """
    return fill(
        session,
        {
            "app_id": app_id,
            "page_url": url,
            "page_title": title,
            "page_referrer": referrer,
            **_url_fields(url, "page_url"),
            **_url_fields(referrer, "refr_url"),
            **marketing,
            "contexts": f'{_WEB_PAGE}{page_view_id}"}}}}]}}',
            "doc_width": str(doc_size[0]),
            "doc_height": str(doc_size[1]),
        },
    )


_PING_NAMES = ("pp_xoffset_min", "pp_xoffset_max", "pp_yoffset_min", "pp_yoffset_max")
_PING_SLOTS = tuple(INDEX[n] for n in _PING_NAMES)
_STRUCT_SLOTS = tuple(
    INDEX[f"se_{n}"] for n in ("category", "action", "label", "property", "value")
)
_UNSTRUCT = INDEX["unstruct_event"]


def ping_extra(y_min: int, y_max: int) -> tuple[tuple[int, str], ...]:
    """A page ping's scroll range over its heartbeat (pages here never scroll sideways)."""
    return tuple(zip(_PING_SLOTS, ("0", "0", str(y_min), str(y_max)), strict=True))


def struct_extra(values: tuple[str, str, str, str, str]) -> tuple[tuple[int, str], ...]:
    return tuple(zip(_STRUCT_SLOTS, values, strict=True))


def link_click_extra(target_url: str) -> tuple[tuple[int, str], ...]:
    data = json.dumps({"targetUrl": target_url}, separators=(",", ":"))
    return (
        (
            _UNSTRUCT,
            (
                '{"schema":"iglu:com.snowplowanalytics.snowplow/unstruct_event/jsonschema/1-0-0",'
                '"data":{"schema":"iglu:com.snowplowanalytics.snowplow/link_click/jsonschema/1-0-1",'
                f'"data":{data}}}}}'
            ),
        ),
    )


def cleared(*names: str) -> tuple[tuple[int, str], ...]:
    """Per-event overrides that empty the named fields (NULL ids)."""
    return tuple((INDEX[name], "") for name in names)

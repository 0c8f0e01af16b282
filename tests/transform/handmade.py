"""A hand-made case for channels, conversions and configured fields: two users of the app
`handmade` whose sessions come through known channels and convert at known times.

User U:  s1 day 1 from Google search; s2 day 5 direct, signs up; s3 day 10 from a LinkedIn
         paid-social campaign; s4 day 12 direct, buys twice (49.5 and 20); s5 day 50
         direct, buys (10): its last non-direct session (s3) is 40 days old, so Direct.
User V:  s6 day 3 from an email campaign, signs up in the same session.
The purchase's value is a field of a context entity (iglu:com.acme/purchase), which
staging extracts through var snowplow__event_fields.
"""

import json
from datetime import datetime, timedelta
from pathlib import Path
from typing import Any

import duckdb

APP = "handmade"
DAY0 = datetime(2026, 9, 1, 10, 0, 0)
WEB_PAGE = "iglu:com.snowplowanalytics.snowplow/web_page/jsonschema/1-0-0"
CONTEXTS = "iglu:com.snowplowanalytics.snowplow/contexts/jsonschema/1-0-0"
PURCHASE = "iglu:com.acme/purchase/jsonschema/1-0-0"

# session, user, day, landing fields (referrer / UTM), events: (name, minute, total)
GOOGLE = {"refr_urlhost": "www.google.com", "refr_medium": "search", "refr_source": "Google"}
LINKEDIN_AD = {
    "mkt_source": "linkedin",
    "mkt_medium": "paid-social",
    "mkt_campaign": "q4",
    "refr_urlhost": "www.linkedin.com",
    "refr_medium": "social",
    "refr_source": "LinkedIn",
}
EMAIL = {"mkt_source": "newsletter", "mkt_medium": "email", "mkt_campaign": "october"}
SESSIONS: list[tuple[str, str, int, dict[str, str], list[tuple[str, int, float | None]]]] = [
    ("s1", "U", 1, GOOGLE, [("page_view", 0, None)]),
    ("s2", "U", 5, {}, [("page_view", 0, None), ("sign_up", 1, None)]),
    ("s3", "U", 10, LINKEDIN_AD, [("page_view", 0, None)]),
    ("s4", "U", 12, {}, [("page_view", 0, None), ("purchase", 2, 49.5), ("page_view", 3, None),
                         ("purchase", 4, 20.0)]),
    ("s5", "U", 50, {}, [("page_view", 0, None), ("purchase", 1, 10.0)]),
    ("s6", "V", 3, EMAIL, [("page_view", 0, None), ("sign_up", 5, None)]),
]  # fmt: skip

# What the test project configures (dbt vars): two conversions, a third counted but not
# listed, an extracted context field, and passthroughs and aggregations on every grain.
VARIABLES: dict[str, Any] = {
    "snowplow__event_fields": [
        {
            "alias": "purchase_total",
            "context": "iglu:com.acme/purchase/jsonschema/1-",
            "field": "total",
        }
    ],
    "snowplow__conversions": [
        {"name": "purchase", "condition": "event_name = 'purchase'", "value": "purchase_total"},
        {"name": "signup", "condition": "event_name = 'sign_up'"},
        {"name": "page_view", "condition": "event_name = 'page_view'", "list_events": False},
    ],
    "snowplow__page_view_passthroughs": [{"sql": "upper(page_urlpath)", "alias": "path_upper"}],
    "snowplow__page_view_aggregations": [
        {"type": "count", "field": "event_id", "alias": "events_on_page"}
    ],
    "snowplow__session_passthroughs": [
        "event_fingerprint",
        {"sql": "page_urlpath", "alias": "landing_path"},
    ],
    "snowplow__session_aggregations": [
        {"type": "first", "field": "purchase_total", "alias": "first_purchase_total"},
        {"type": "last", "field": "purchase_total", "alias": "last_purchase_total"},
        {"type": "max", "field": "derived_tstamp", "alias": "last_event_tstamp"},
    ],
    "snowplow__user_passthroughs": [{"sql": "landing_path", "alias": "first_landing_path"}],
    "snowplow__user_aggregations": [
        {"type": "last", "field": "channel_group", "alias": "last_channel_group"},
        {"type": "sum", "field": "cv_page_view_count", "alias": "page_view_events"},
    ],
}

# The columns VARIABLES adds to each mart.
ADDED = {
    "fct_page_views": {"path_upper", "events_on_page"},
    "fct_sessions": {
        "event_fingerprint",
        "landing_path",
        "first_purchase_total",
        "last_purchase_total",
        "last_event_tstamp",
        "cv_purchase_count",
        "cv_purchase_value",
        "cv_signup_count",
        "cv_page_view_count",
    },
    "dim_users": {
        "first_landing_path",
        "last_channel_group",
        "page_view_events",
        "cv_purchase_count",
        "cv_purchase_value",
        "cv_signup_count",
        "cv_page_view_count",
    },
    "fct_conversions": set(),
}


def _contexts(page_view_id: str, total: float | None) -> str:
    entities: list[dict[str, Any]] = [{"schema": WEB_PAGE, "data": {"id": page_view_id}}]
    if total is not None:
        entities.append({"schema": PURCHASE, "data": {"total": str(total), "currency": "EUR"}})
    return json.dumps({"schema": CONTEXTS, "data": entities})


def insert(database: Path) -> int:
    """Add the hand-made events to raw_events (which must exist); returns their count."""
    rows: list[dict[str, Any]] = []
    for session, user, day, landing, events in SESSIONS:
        start = DAY0 + timedelta(days=day)
        page = 0
        for number, (name, minute, total) in enumerate(events):
            page += name == "page_view"
            at = start + timedelta(minutes=minute)
            path = "/" if page == 1 else f"/page-{page}"
            fields = {
                "event_id": f"00000000-0000-4000-8000-{len(rows):012d}",
                "app_id": APP,
                "platform": "web",
                "event": "page_view" if name == "page_view" else "unstruct",
                "event_name": name,
                "v_collector": "handmade",
                "v_etl": "handmade",
                "collector_tstamp": at,
                "dvce_created_tstamp": at,
                "dvce_sent_tstamp": at,
                "derived_tstamp": at,
                "etl_tstamp": at,
                "load_tstamp": DAY0 + timedelta(days=60),
                "load_file_key": "hand://marketing",
                "domain_userid": f"hm-{user}",
                "domain_sessionid": f"hm-{session}",
                "domain_sessionidx": 1,
                "page_url": f"https://shop.example.test{path}",
                "page_urlhost": "shop.example.test",
                "page_urlpath": path,
                "useragent": "Mozilla/5.0 (handmade)",
                "event_fingerprint": f"fp-{session}-{number}",
                "contexts": _contexts(f"{session}-pv{page}", total),
                **(landing if page == 1 else {}),
            }
            rows.append(fields)
    with duckdb.connect(str(database)) as connection:
        for fields in rows:
            names = ", ".join(fields)
            marks = ", ".join("?" for _ in fields)
            connection.execute(
                f"insert into raw_events ({names}) values ({marks})", list(fields.values())
            )
    return len(rows)

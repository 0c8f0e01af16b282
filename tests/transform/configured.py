"""dbt variables of the test projects that configure conversions and fields on traffic
the other tests already build (synthetic, conformance), so incremental runs and the
BigQuery emulator run that SQL too. Nothing here changes a model's existing columns."""

from typing import Any

# Synthetic traffic (tests/transform/synthetic.py): link clicks convert, deep reads count.
SYNTHETIC: dict[str, Any] = {
    "snowplow__conversions": [
        {"name": "click", "condition": "event_name = 'link_click'", "value": "doc_height"},
        {
            "name": "deep_read",
            "condition": "event_name = 'page_ping' and pp_yoffset_max >= 600",
            "list_events": False,
        },
    ],
    "snowplow__page_view_passthroughs": ["event_fingerprint"],
    "snowplow__page_view_aggregations": [{"type": "count", "field": "event_id", "alias": "events"}],
    "snowplow__session_aggregations": [
        {"type": "first", "field": "page_urlpath", "alias": "first_path"},
        {"type": "last", "field": "page_title", "alias": "last_title"},
    ],
    "snowplow__user_aggregations": [
        {"type": "last", "field": "channel_group", "alias": "last_channel_group"},
        {"type": "sum", "field": "cv_click_count", "alias": "clicks"},
    ],
}

# Snowplow's conformance events: link clicks convert (with a value), page views count.
CONFORMANCE: dict[str, Any] = {
    "snowplow__conversions": [
        {"name": "click", "condition": "event_name = 'link_click'", "value": "br_viewwidth / 2"},
        {"name": "view", "condition": "event_name = 'page_view'", "list_events": False},
    ],
    "snowplow__session_aggregations": [
        {"type": "first", "field": "page_urlpath", "alias": "first_path"},
        {"type": "last", "field": "page_urlpath", "alias": "last_path"},
    ],
    "snowplow__user_aggregations": [
        {"type": "last", "field": "channel_group", "alias": "last_channel_group"},
    ],
}

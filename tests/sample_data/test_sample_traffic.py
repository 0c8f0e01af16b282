"""The traffic behaves like web traffic: returning users, page pings, bots, referrers."""

import json
from collections import defaultdict
from datetime import UTC, datetime

from snowplow_sample.traffic import HEARTBEAT, MIN_VISIT

from tests.support.samples import Generated


def _ms(text: str) -> int:
    moment = datetime.strptime(text, "%Y-%m-%d %H:%M:%S.%f").replace(tzinfo=UTC)
    return int(moment.timestamp() * 1000)


def _page_view_id(row: dict[str, str]) -> str:
    contexts = json.loads(row["contexts"])
    (web_page,) = contexts["data"]
    assert web_page["schema"] == "iglu:com.snowplowanalytics.snowplow/web_page/jsonschema/1-0-0"
    return str(web_page["data"]["id"])


def test_session_index_increases_with_each_session_of_a_user(sample: Generated) -> None:
    first_seen: dict[tuple[str, str], str] = {}
    indexes: dict[tuple[str, str], set[int]] = defaultdict(set)
    for row in sample.rows:
        key = (row["domain_userid"], row["domain_sessionid"])
        if all(key):
            first_seen[key] = min(first_seen.get(key, row["derived_tstamp"]), row["derived_tstamp"])
            indexes[key].add(int(row["domain_sessionidx"]))
    assert all(len(found) == 1 for found in indexes.values()), "one index per session"
    by_user: dict[str, list[tuple[str, int]]] = defaultdict(list)
    for (user, session), first in first_seen.items():
        by_user[user].append((first, indexes[user, session].pop()))
    for sessions in by_user.values():
        in_time_order = [index for _, index in sorted(sessions)]
        assert in_time_order == sorted(set(in_time_order)), "rising over time"
    assert sum(len(sessions) > 1 for sessions in by_user.values()) > 50


def test_returning_users_come_back_on_other_days(sample: Generated) -> None:
    days: dict[str, set[str]] = defaultdict(set)
    for row in sample.rows:
        if row["domain_userid"]:
            days[row["domain_userid"]].add(row["derived_tstamp"][:10])
    assert sum(len(d) > 1 for d in days.values()) > 30


def test_page_pings_share_their_page_view_id(sample: Generated) -> None:
    views = {_page_view_id(r) for r in sample.rows if r["event"] == "page_view"}
    pings = [r for r in sample.rows if r["event"] == "page_ping"]
    orphans = {_page_view_id(r) for r in pings} - views
    assert len(orphans) == sample.stats.stray_pings  # only the deliberate stray pings
    for row in pings:
        assert row["event_name"] == "page_ping"
        assert int(row["pp_yoffset_min"]) <= int(row["pp_yoffset_max"])


def test_pings_follow_the_activity_tracking_rhythm(sample: Generated) -> None:
    """First ping after the minimum visit length, then one per heartbeat (maybe skipped)."""
    view_created = {
        _page_view_id(r): _ms(r["dvce_created_tstamp"])
        for r in sample.rows
        if r["event"] == "page_view"
    }
    checked = 0
    for row in sample.rows:
        page_view = _page_view_id(row)
        if row["event"] == "page_ping" and page_view in view_created:
            offset = _ms(row["dvce_created_tstamp"]) - view_created[page_view] - MIN_VISIT
            assert offset >= 0
            assert offset % HEARTBEAT < 100
            checked += 1
    assert checked > 1_000


def test_event_types_carry_their_fields(sample: Generated) -> None:
    kinds = {r["event"] for r in sample.rows}
    assert kinds == {"page_view", "page_ping", "unstruct", "struct"}
    for row in sample.rows:
        match row["event"]:
            case "page_view":
                assert (row["event_vendor"], row["event_name"]) == (
                    "com.snowplowanalytics.snowplow",
                    "page_view",
                )
            case "unstruct":
                event = json.loads(row["unstruct_event"])
                assert event["data"]["schema"].endswith("/link_click/jsonschema/1-0-1")
                assert event["data"]["data"]["targetUrl"].startswith("https://")
                assert row["event_name"] == "link_click"
            case "struct":
                assert row["se_category"] and row["se_action"]
                assert row["event_name"] == "event"


def test_bots_are_flagged_by_the_spiders_enrichment(sample: Generated) -> None:
    robots = humans = 0
    for row in sample.rows:
        derived = json.loads(row["derived_contexts"])
        schemas = {c["schema"].split("/")[1]: c["data"] for c in derived["data"]}
        assert set(schemas) == {"ua_parser_context", "spiders_and_robots"}
        is_robot = schemas["spiders_and_robots"]["spiderOrRobot"]
        assert is_robot == ("bot" in row["useragent"].lower())
        robots += is_robot
        humans += not is_robot
        assert schemas["ua_parser_context"]["useragentFamily"]
    assert robots > 0 and humans > robots * 10
    assert sample.stats.bot_sessions > 0


def test_referrers_and_campaigns_are_classified(sample: Generated) -> None:
    mediums = {r["refr_medium"] for r in sample.rows}
    assert {"search", "social", "internal", "email", "unknown"} <= mediums
    sources = {r["refr_source"] for r in sample.rows}
    assert {"Google", "Bing"} <= sources
    campaigns = [r for r in sample.rows if r["mkt_source"]]
    assert campaigns and all("utm_source=" in r["page_urlquery"] for r in campaigns)
    assert any(r["mkt_clickid"] and r["mkt_network"] for r in campaigns)


def test_places_devices_and_logged_in_users_stay_put_per_user(sample: Generated) -> None:
    per_user: dict[str, set[tuple[str, ...]]] = defaultdict(set)
    for row in sample.rows:
        if row["domain_userid"]:
            per_user[row["domain_userid"]].add(
                (row["geo_city"], row["geo_timezone"], row["useragent"], row["user_ipaddress"])
            )
    assert all(len(profiles) == 1 for profiles in per_user.values())
    assert sum(bool(r["user_id"]) for r in sample.rows) > 100

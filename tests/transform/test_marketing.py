"""Channels, conversions, configured fields and the app_id filter, on the demo traffic
(the committed sample the generator wrote) plus a hand-made app (tests/transform/handmade.py).

Two builds of one database: first with nothing configured, then a full refresh with the
hand-made project's variables (conversions, fields) and an app_id filter. What the second
adds must be exactly the configured columns; everything else must be what the first built.
"""

from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest
from snowplow_dbt.runner import DbtProject

from tests.support.job import load_sample
from tests.transform import handmade
from tests.transform.helpers import rows

MARTS = ("fct_page_views", "fct_sessions", "dim_users", "fct_conversions")
KEYS = {
    "fct_page_views": "page_view_key",
    "fct_sessions": "domain_sessionid",
    "dim_users": "domain_userid",
    "fct_conversions": "conversion_key",
}
CHOSEN_APPS = ("handmade", "docs")


@dataclass(frozen=True)
class Builds:
    database: Path
    plain: dict[str, dict[str, dict[str, Any]]]  # mart -> key -> row, nothing configured
    columns: dict[str, list[str]]  # mart -> columns, nothing configured
    staged_apps: dict[str, int]  # app_id -> staged events, nothing configured


def table(database: Path, name: str) -> dict[str, dict[str, Any]]:
    return {row[KEYS[name]]: row for row in rows(database, f"select * from {name}")}


def columns(database: Path, name: str) -> list[str]:
    found = rows(
        database,
        "select column_name from information_schema.columns "
        f"where table_name = '{name}' order by ordinal_position",
    )
    return [row["column_name"] for row in found]


@pytest.fixture(scope="module")
def builds(tmp_path_factory: pytest.TempPathFactory) -> Builds:
    work = tmp_path_factory.mktemp("marketing")
    database = work / "snowplow.duckdb"
    load_sample(database)
    assert handmade.insert(database) == 12
    project = DbtProject.local(work / "dbt", database)
    project.build("--exclude", "resource_type:unit_test")
    plain = {name: table(database, name) for name in MARTS}
    plain_columns = {name: columns(database, name) for name in MARTS}
    staged = {
        row["app_id"]: row["events"]
        for row in rows(
            database, "select app_id, count(*) as events from stg_snowplow__events group by 1"
        )
    }
    project.build(
        "--full-refresh",
        "--exclude",
        "resource_type:unit_test",
        variables={**handmade.VARIABLES, "snowplow__app_ids": list(CHOSEN_APPS)},
    )
    return Builds(database, plain, plain_columns, staged)


def test_demo_traffic_yields_every_channel_the_generator_writes(builds: Builds) -> None:
    """The sample's referrers (search, social, webmail, other sites, none) and campaigns
    (google/bing cpc, newsletter email, linkedin paid-social, partner referral)."""
    sessions = [row for row in builds.plain["fct_sessions"].values() if row["app_id"] != "handmade"]
    assert {row["channel_group"] for row in sessions} == {
        "Direct",
        "Organic Search",
        "Organic Social",
        "Email",
        "Referral",
        "Paid Search",
        "Paid Social",
    }


def test_direct_is_exactly_no_campaign_and_no_external_referrer(builds: Builds) -> None:
    for row in builds.plain["fct_sessions"].values():
        campaign = any(row[f"mkt_{f}"] for f in ("source", "medium", "campaign", "clickid"))
        external = bool(row["refr_urlhost"]) and row["refr_urlhost"] != row["first_page_urlhost"]
        external = external and row["refr_medium"] != "internal"
        assert (row["channel_group"] == "Direct") == (not campaign and not external), row


def test_users_carry_their_first_touch_channel_and_app(builds: Builds) -> None:
    users = builds.plain["dim_users"]
    sessions = builds.plain["fct_sessions"]
    assert users["hm-U"]["first_channel_group"] == "Organic Search"
    assert users["hm-V"]["first_channel_group"] == "Email"
    for user in users.values():
        first = sessions[user["first_session_id"]]
        assert (user["first_channel_group"], user["app_id"]) == (
            first["channel_group"],
            first["app_id"],
        )


def test_nothing_configured_adds_no_column_and_no_conversion(builds: Builds) -> None:
    assert builds.plain["fct_conversions"] == {}
    for name in MARTS:
        assert not set(builds.columns[name]) & handmade.ADDED[name], name


def test_configured_fields_are_exactly_the_added_columns_and_the_rest_is_unchanged(
    builds: Builds,
) -> None:
    for name in MARTS:
        configured = columns(builds.database, name)
        assert configured[: len(builds.columns[name])] == builds.columns[name], name
        assert set(configured) - set(builds.columns[name]) == handmade.ADDED[name], name
        if name == "fct_conversions":
            continue
        for key, row in table(builds.database, name).items():
            if row["app_id"] == "handmade":
                plain = builds.plain[name][key]
                assert {column: row[column] for column in plain} == plain, (name, key)


def test_conversions_rows_values_and_last_non_direct_channel(builds: Builds) -> None:
    found = rows(
        builds.database,
        """
        select conversion_name, domain_sessionid, domain_userid, stitched_user_id,
               conversion_value, session_channel_group, last_non_direct_channel_group,
               last_non_direct_session_id
        from fct_conversions order by conversion_tstamp
        """,
    )
    assert [tuple(row.values()) for row in found] == [
        ("signup", "hm-s6", "hm-V", "hm-V", None, "Email", "Email", "hm-s6"),
        ("signup", "hm-s2", "hm-U", "hm-U", None, "Direct", "Organic Search", "hm-s1"),
        ("purchase", "hm-s4", "hm-U", "hm-U", 49.5, "Direct", "Paid Social", "hm-s3"),
        ("purchase", "hm-s4", "hm-U", "hm-U", 20.0, "Direct", "Paid Social", "hm-s3"),
        ("purchase", "hm-s5", "hm-U", "hm-U", 10.0, "Direct", "Direct", "hm-s5"),
    ]


def test_conversion_counts_values_and_fields_on_sessions_and_users(builds: Builds) -> None:
    sessions = table(builds.database, "fct_sessions")
    counts = {
        key: (
            row["cv_purchase_count"],
            row["cv_purchase_value"],
            row["cv_signup_count"],
            row["cv_page_view_count"],
            row["first_purchase_total"],
            row["last_purchase_total"],
            row["landing_path"],
            row["event_fingerprint"],
        )
        for key, row in sessions.items()
        if row["app_id"] == "handmade"
    }
    assert counts == {
        "hm-s1": (0, 0.0, 0, 1, None, None, "/", "fp-s1-0"),
        "hm-s2": (0, 0.0, 1, 1, None, None, "/", "fp-s2-0"),
        "hm-s3": (0, 0.0, 0, 1, None, None, "/", "fp-s3-0"),
        "hm-s4": (2, 69.5, 0, 2, "49.5", "20.0", "/", "fp-s4-0"),
        "hm-s5": (1, 10.0, 0, 1, "10.0", "10.0", "/", "fp-s5-0"),
        "hm-s6": (0, 0.0, 1, 1, None, None, "/", "fp-s6-0"),
    }
    users = table(builds.database, "dim_users")
    user = users["hm-U"]
    assert (
        user["cv_purchase_count"],
        user["cv_purchase_value"],
        user["cv_signup_count"],
        user["page_view_events"],
        user["first_landing_path"],
        user["last_channel_group"],
    ) == (3, 79.5, 1, 6, "/", "Direct")
    page_views = {
        (row["domain_sessionid"], row["path_upper"]): row["events_on_page"]
        for row in table(builds.database, "fct_page_views").values()
        if row["domain_sessionid"] == "hm-s4"
    }
    assert page_views == {("hm-s4", "/"): 2, ("hm-s4", "/PAGE-2"): 2}


def test_app_id_filter_keeps_exactly_the_chosen_apps_through_every_model(builds: Builds) -> None:
    assert set(CHOSEN_APPS) < set(builds.staged_apps)
    relations = rows(
        builds.database,
        "select distinct table_name from information_schema.columns where column_name = 'app_id'",
    )
    assert len(relations) >= 8
    for relation in relations:
        name = relation["table_name"]
        if name == "raw_events":
            continue
        found = {
            row["app_id"]: row["n"]
            for row in rows(builds.database, f"select app_id, count(*) as n from {name} group by 1")
        }
        assert set(found) <= set(CHOSEN_APPS), name
        if name == "stg_snowplow__events":
            assert found == {app: builds.staged_apps[app] for app in CHOSEN_APPS}

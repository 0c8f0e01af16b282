"""Conformance with Snowplow's own expected outputs (dbt-snowplow-web 0.15.2 test data).

Path used: the 160 source events are written straight into raw_events by
snowplow_dbt.conformance, bypassing the loader, because 25 of them carry event_ids
that are not UUIDs and the loader (rightly) refuses those. Every other column keeps the
contract's type. Then one `dbt build --selector full` on DuckDB (shared with the other
tests), and the marts are compared with the
expected files on the columns whose meaning does not depend on the test-only settings
Snowplow used (see transform/CONFORMANCE.md for what is compared and what differs).
"""

from pathlib import Path

import pytest
from snowplow_dbt import conformance

from tests.transform.conformance_compare import (
    ROWS,
    Differences,
    compared_columns,
    differences,
    documented,
)
from tests.transform.helpers import (
    Built,
    expected,
    expected_sessions,
    expected_users,
    rows,
    session_view,
    tstamp,
    user_view,
)

REPO = Path(__file__).resolve().parents[2]

# the tests sharing the conformance build run on one pytest-xdist worker (Makefile)
pytestmark = pytest.mark.xdist_group("conformance-build")


@pytest.fixture(scope="module")
def built(conformance_built: Built) -> Path:
    """The conformance events loaded and built once (tests/transform/conftest.py)."""
    return conformance_built.database


def test_every_expected_session_is_reproduced_and_no_other(built: Path) -> None:
    want = expected_sessions()
    got = {
        row["domain_sessionid"]: session_view(row)
        for row in rows(built, "select * from fct_sessions")
    }

    assert len(want) == 18
    assert sorted(got) == sorted(want), "sessions differ from the expected set"
    for session_id, expected_session in want.items():
        assert got[session_id] == expected_session, session_id


def test_every_expected_user_is_reproduced_and_no_other(built: Path) -> None:
    want = expected_users()
    got = {row["domain_userid"]: user_view(row) for row in rows(built, "select * from dim_users")}

    assert len(want) == 11
    assert sorted(got) == sorted(want)
    for user_id, expected_user in want.items():
        assert got[user_id] == expected_user, user_id


def test_expected_page_views_are_reproduced(built: Path) -> None:
    """All 43 expected page views match; ours add the 3 known only from pings (flagged)."""
    columns = (
        "start_tstamp",
        "end_tstamp",
        "engaged_time_in_s",
        "absolute_time_in_s",
        "page_view_in_session_index",
        "vertical_percentage_scrolled",
        "horizontal_percentage_scrolled",
        "vertical_pixels_scrolled",
        "event_id",
    )
    want = {
        (row["domain_sessionid"], row["page_view_id"]): {
            "start_tstamp": tstamp(row["start_tstamp"]),
            "end_tstamp": tstamp(row["end_tstamp"]),
            "engaged_time_in_s": int(row["engaged_time_in_s"]),
            "absolute_time_in_s": int(row["absolute_time_in_s"]),
            "page_view_in_session_index": int(row["page_view_in_session_index"]),
            "vertical_percentage_scrolled": float(row["vertical_percentage_scrolled"]),
            "horizontal_percentage_scrolled": float(row["horizontal_percentage_scrolled"]),
            "vertical_pixels_scrolled": int(row["vertical_pixels_scrolled"]),
            "event_id": row["event_id"],
        }
        for row in expected(conformance.EXPECTED_PAGE_VIEWS)
    }
    got = {
        (row["domain_sessionid"], row["page_view_id"]): row
        for row in rows(built, "select * from fct_page_views")
    }

    assert len(want) == 43
    for key, expected_page_view in want.items():
        assert key in got, key
        assert {name: got[key][name] for name in columns} == expected_page_view, key
        assert got[key]["has_page_view_event"] is True
    extra = {key: got[key] for key in got.keys() - want.keys()}
    assert len(extra) == 3
    assert all(not row["has_page_view_event"] for row in extra.values())
    assert {row["engaged_time_in_s"] for row in extra.values()} == {5}


def test_long_session_is_cut_and_quarantined(built: Path) -> None:
    (long_session,) = expected(conformance.EXPECTED_QUARANTINED)
    quarantined = {
        row["domain_sessionid"]
        for row in rows(built, "select * from int_snowplow__quarantined_sessions")
    }
    # ours also quarantines the "Unexpired session" (an event 8 months after its start);
    # see transform/CONFORMANCE.md
    assert quarantined == {
        long_session["session_id"],
        "d21c000a5953335da6cd125ac349135ae6524b04dd4b107a263dfb1de131b12d",
    }


def test_absent_sessions_are_the_documented_edge_cases(built: Path) -> None:
    """Late, NULL-session, NULL-page-view and consent-only events make no web session."""
    by_case = rows(
        built,
        """
        select raw.user_id as edge_case, count(sessions.domain_sessionid) as sessions
        from raw_events as raw
        left join fct_sessions as sessions on sessions.domain_sessionid = raw.domain_sessionid
        where raw.user_id in ('late arriving: device created/sent >3 days', 'NULL domain_sessionid',
                              'NULL page_view_id', 'consent_accel')
        group by raw.user_id
        """,
    )
    assert {row["edge_case"]: row["sessions"] for row in by_case} == {
        "late arriving: device created/sent >3 days": 0,
        "NULL domain_sessionid": 0,
        "NULL page_view_id": 0,
        "consent_accel": 0,
    }


# Every difference from Snowplow's expected outputs, by the id CONFORMANCE.md gives it:
# (output, column) and how many keys differ. Each has its own test below,
# test_difference_<id>, that shows why.
KNOWN = {
    "ping-only-page-views": (("page_views", ROWS), 3),
    "unexpired-session-quarantined": (("quarantined_sessions", ROWS), 1),
    "is-engaged": (("sessions", "is_engaged"), 7),
    "dim-users-user-id": (("users", "user_id"), 1),
}
USER_STITCH = "434dff58299fdc4f124ddf56a4f117d76f69bedb06f76d9858ffde85e16e14e1"
UNEXPIRED = "d21c000a5953335da6cd125ac349135ae6524b04dd4b107a263dfb1de131b12d"


def found_differences(built: Path) -> Differences:
    return differences(lambda table: rows(built, f"select * from {table}"))


def test_every_difference_from_snowplow_is_one_conformance_md_lists(built: Path) -> None:
    """All columns the expected files share with ours (52 of sessions, 35 of users, 54 of
    page views), every row: no difference but the listed ones."""
    found = found_differences(built)
    assert {where: len(keys) for where, keys in found.items()} == dict(KNOWN.values())
    assert documented(REPO / "transform" / "CONFORMANCE.md") == KNOWN.keys()
    for name in KNOWN:
        assert callable(globals().get(f"test_difference_{name.replace('-', '_')}")), name
    columns = compared_columns(lambda table: rows(built, f"select * from {table}"))
    assert {name: len(names) for name, names in columns.items()} == {
        "sessions": 52,
        "users": 35,
        "page_views": 54,
    }
    assert {"app_id", "network_userid", "stitched_user_id", "user_id"} <= set(columns["sessions"])
    assert {"domain_userid", "app_id", "network_userid"} <= set(columns["page_views"])


def test_difference_ping_only_page_views(built: Path) -> None:
    """Ours keeps the page views seen only through pings, which the sessions count."""
    keys = found_differences(built)[("page_views", ROWS)]
    ours = {
        f"{row['domain_sessionid']}/{row['page_view_id']}": row
        for row in rows(built, "select * from fct_page_views")
    }
    assert keys <= ours.keys()  # extra rows of ours, none missing
    assert {ours[key]["has_page_view_event"] for key in keys} == {False}


def test_difference_unexpired_session_quarantined(built: Path) -> None:
    """Ours sees the event 8 months after the session's start and quarantines it."""
    keys = found_differences(built)[("quarantined_sessions", ROWS)]
    assert keys == {UNEXPIRED}
    (session,) = rows(
        built,
        f"select * from int_snowplow__session_lifecycle where domain_sessionid = '{UNEXPIRED}'",
    )
    assert session["is_quarantined"] and session["max_derived_tstamp"] > session["cut_tstamp"]


def test_difference_is_engaged(built: Path) -> None:
    """Snowplow's file says engaged from test-only settings; by ours (2+ page views or 2+
    heartbeats of engaged time) these 7 sessions are not."""
    keys = found_differences(built)[("sessions", "is_engaged")]
    sessions = {
        row["domain_sessionid"]: row
        for row in rows(built, "select * from fct_sessions where not is_engaged")
    }
    assert keys <= sessions.keys()
    assert all(
        sessions[key]["page_views"] < 2 and sessions[key]["engaged_time_in_s"] < 20 for key in keys
    )
    want = {row["domain_sessionid"]: row for row in expected(conformance.EXPECTED_SESSIONS)}
    assert {want[key]["is_engaged"].lower() for key in keys} == {"true"}


def test_difference_dim_users_user_id(built: Path) -> None:
    """Snowplow's users table takes the first session's user_id; ours takes the user
    mapping's (latest by collector_tstamp), the stitched id of every session."""
    assert found_differences(built)[("users", "user_id")] == {USER_STITCH}
    (user,) = rows(built, f"select * from dim_users where domain_userid = '{USER_STITCH}'")
    (mapping,) = rows(
        built, f"select * from dim_user_mapping where domain_userid = '{USER_STITCH}'"
    )
    (first,) = rows(
        built, f"select * from fct_sessions where domain_sessionid = '{user['first_session_id']}'"
    )
    assert user["user_id"] == user["stitched_user_id"] == mapping["user_id"]
    assert user["user_id"] != first["user_id"]
    want = {row["domain_userid"]: row for row in expected(conformance.EXPECTED_USERS)}
    assert want[USER_STITCH]["user_id"] == first["user_id"]

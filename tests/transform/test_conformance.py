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
        "start_tstamp", "end_tstamp", "engaged_time_in_s", "absolute_time_in_s",
        "page_view_in_session_index", "vertical_percentage_scrolled",
        "horizontal_percentage_scrolled", "vertical_pixels_scrolled", "event_id",
    )  # fmt: skip
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

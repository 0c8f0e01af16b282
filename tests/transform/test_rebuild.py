"""Windowed rebuild: after raw events inside [FROM, TO) change or are deleted (as a fix of
the loaded data would), `rebuild(FROM, TO)` leaves every table as a full refresh of the
same raw data does, and leaves every session that does not touch the window as it was.

Deleted inside the window: all events of the sessions in which two browsers logged in
(their other sessions, outside the window, were stitched through those logins), ten
whole sessions, 15 % of the other events, and half of the events without a session id.
"""

from datetime import date
from pathlib import Path
from typing import Any

import duckdb
import pytest
from snowplow_dbt.rebuild import rebuild, rebuild_vars
from snowplow_dbt.runner import DbtError, DbtProject

from tests.transform.helpers import ANALYTICS, MARTS, checksums, rows
from tests.transform.synthetic import Traffic, generate

FROM, TO = date(2024, 1, 3), date(2024, 1, 4)
# every table a build writes but the run manifest (11)
TABLES = (
    "stg_snowplow__events",
    "int_snowplow__session_lifecycle",
    "int_snowplow__quarantined_sessions",
    "int_snowplow__filtered_bot_events",
    *MARTS,
    "dim_user_mapping",
    *ANALYTICS,
)
WINDOW = f"derived_tstamp >= timestamp '{FROM}' and derived_tstamp < timestamp '{TO}'"
# sessions touching the window, by their stored span or by an event inside it
TOUCHING = f"""
    select domain_sessionid from fct_sessions
    where start_tstamp < timestamp '{TO}' and end_tstamp >= timestamp '{FROM}'
    union
    select domain_sessionid from raw_events where {WINDOW} and domain_sessionid is not null
"""
# before the first build: some link clicks lose their session id, and two anonymous
# browsers with sessions on both sides of the window's start log in inside it
PREPARE = (
    "update raw_events set domain_sessionid = null"
    " where event_name = 'link_click' and hash(event_id) % 3 = 0",
    f"""
    create table logins as
    select domain_userid, 'login-' || left(domain_userid, 8) as user_id
    from raw_events where user_id is null and domain_sessionid is not null
    group by domain_userid
    having count(*) filter (where {WINDOW}) > 0
       and count(*) filter (where derived_tstamp < timestamp '{FROM}' - interval 1 day) > 0
    order by domain_userid limit 2
    """,
    f"""
    create table login_sessions as
    select distinct domain_sessionid from raw_events
    where {WINDOW} and domain_userid in (select domain_userid from logins)
      and domain_sessionid is not null
    """,
    "update raw_events set user_id = logins.user_id from logins"
    " where raw_events.domain_userid = logins.domain_userid"
    " and raw_events.domain_sessionid in (select domain_sessionid from login_sessions)",
)
# a fix of the loaded data inside the window
FIX = (
    f"update raw_events set page_title = 'Fixed: ' || page_title where {WINDOW}",
    "delete from raw_events where domain_sessionid in (select * from login_sessions)",
    f"""
    create table whole_sessions as
    select distinct domain_sessionid from raw_events
    where {WINDOW} and domain_sessionid is not null
    order by domain_sessionid limit 10
    """,
    "delete from raw_events where domain_sessionid in (select * from whole_sessions)",
    f"delete from raw_events where {WINDOW} and domain_sessionid is not null"
    " and hash(event_id) % 100 < 15",
    f"delete from raw_events where {WINDOW} and domain_sessionid is null"
    " and hash(event_id) % 2 = 0",
)


def snapshot(database: Path, table: str, key: str) -> dict[Any, dict[str, Any]]:
    """Every row of `table` by its key, every column."""
    return {row[key]: row for row in rows(database, f"select * from {table}")}


def stitching(database: Path) -> list[dict[str, Any]]:
    """The logged-in browsers' sessions outside the window: stitched id, and is_stitched."""
    return rows(
        database,
        f"""
        select sessions.domain_userid, sessions.stitched_user_id, users.is_stitched,
               users.user_id
        from fct_sessions as sessions join dim_users as users using (domain_userid)
        where sessions.domain_userid in (select domain_userid from logins)
          and sessions.end_tstamp < timestamp '{FROM}'
        """,
    )


@pytest.fixture(scope="module")
def runs(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Any]:
    work = tmp_path_factory.mktemp("rebuild")
    database = work / "snowplow.duckdb"
    generate(database, Traffic(sessions=400, users=150, days=6))
    with duckdb.connect(str(database)) as connection:
        for statement in PREPARE:
            connection.execute(statement)
    project = DbtProject.local(work / "dbt", database)
    project.build("--exclude", "resource_type:unit_test")
    before = {
        "sessions": snapshot(database, "fct_sessions", "domain_sessionid"),
        "page_views": snapshot(database, "fct_page_views", "page_view_key"),
        "stitching": stitching(database),
    }
    touching = {row["domain_sessionid"] for row in rows(database, TOUCHING)}
    with duckdb.connect(str(database)) as connection:
        for statement in FIX:
            connection.execute(statement)
    left = rows(database, "select distinct domain_sessionid from raw_events")
    gone = touching - {row["domain_sessionid"] for row in left}
    rebuild(project, FROM, TO)
    after = {
        "sessions": snapshot(database, "fct_sessions", "domain_sessionid"),
        "page_views": snapshot(database, "fct_page_views", "page_view_key"),
        "stitching": stitching(database),
    }
    rebuilt = {
        row["domain_sessionid"]
        for row in rows(database, "select * from int_snowplow__rebuild_sessions")
    }
    manifest = rows(
        database, "select * from int_snowplow__incremental_manifest order by run_started_at"
    )
    windowed = checksums(database, TABLES)
    project.build("--full-refresh", "--exclude", "resource_type:unit_test")
    return {
        "before": before,
        "after": after,
        "touching": touching,
        "gone": gone,
        "rebuilt": rebuilt,
        "manifest": manifest,
        "logins": rows(database, "select * from logins"),
        "windowed": windowed,
        "full_refresh": checksums(database, TABLES),
        "titles": rows(
            database,
            "select count(*) as fixed from fct_page_views where page_title like 'Fixed: %'",
        ),
    }


def test_a_windowed_rebuild_gives_every_table_of_a_full_refresh(runs: dict[str, Any]) -> None:
    assert runs["windowed"] == runs["full_refresh"]
    assert runs["titles"][0]["fixed"] > 0  # the change in raw_events did reach the marts
    assert runs["windowed"]["stg_snowplow__events"][0] > 0


def test_logins_deleted_inside_the_window_unstitch_sessions_outside_it(
    runs: dict[str, Any],
) -> None:
    before, after = runs["before"]["stitching"], runs["after"]["stitching"]
    logins = {row["domain_userid"]: row["user_id"] for row in runs["logins"]}
    assert len(logins) == 2
    # before: the browsers' earlier sessions carried the login made inside the window
    assert {row["domain_userid"] for row in before} == logins.keys()
    assert all(row["stitched_user_id"] == logins[row["domain_userid"]] for row in before)
    assert all(row["is_stitched"] and row["user_id"] == row["stitched_user_id"] for row in before)
    # after: the only events that identified them are gone, and so is the stitching
    assert len(after) == len(before)
    assert all(row["stitched_user_id"] == row["domain_userid"] for row in after)
    assert not any(row["is_stitched"] or row["user_id"] for row in after)


def test_only_sessions_touching_the_window_are_rebuilt(runs: dict[str, Any]) -> None:
    before, after, touching = runs["before"], runs["after"], runs["touching"]
    assert runs["rebuilt"] == touching
    outside = before["sessions"].keys() - touching
    assert len(outside) > len(touching) > 10
    # outside the window only the stitched id of the logged-in browsers' sessions moved
    restitched = {row["domain_userid"] for row in runs["logins"]}

    def unchanged(row: dict[str, Any] | None) -> dict[str, Any] | None:
        if row is None or row["domain_userid"] not in restitched:
            return row
        return {**row, "stitched_user_id": None}

    assert {key: unchanged(after["sessions"].get(key)) for key in outside} == {
        key: unchanged(before["sessions"][key]) for key in outside
    }
    untouched_views = {
        key: unchanged(row)
        for key, row in before["page_views"].items()
        if row["domain_sessionid"] not in touching
    }
    assert {key: unchanged(after["page_views"].get(key)) for key in untouched_views} == (
        untouched_views
    )
    # inside the window rows did change, and the deleted sessions left
    changed = {key for key in touching if before["sessions"].get(key) != after["sessions"].get(key)}
    assert changed and len(runs["gone"]) >= 12
    assert not runs["gone"] & after["sessions"].keys()
    # and the run was no full refresh: it processed the rebuilt sessions that still exist
    last = runs["manifest"][-1]
    assert last["lower_load_tstamp"] is not None
    assert last["sessions_processed"] == len(touching) - len(runs["gone"])


def test_a_window_must_be_forward() -> None:
    with pytest.raises(ValueError, match="before"):
        rebuild_vars(TO, FROM)
    assert rebuild_vars(FROM, TO) == {
        "snowplow__rebuild_from": "2024-01-03",
        "snowplow__rebuild_to": "2024-01-04",
    }


def test_a_rebuild_before_any_build_fails_clearly(tmp_path: Path) -> None:
    database = tmp_path / "snowplow.duckdb"
    generate(database, Traffic(sessions=5, users=5, days=1))
    with pytest.raises(DbtError, match="nothing built yet"):
        rebuild(
            DbtProject.local(tmp_path / "dbt", database),
            FROM,
            TO,
            "--select",
            "int_snowplow__rebuild_sessions",
        )

"""User stitching: a browser's sessions without user_id get the user_id that arrives in
a later session -- after the next incremental run, on every earlier session and page
view -- and a full refresh gives the same tables.

Three browsers of synthetic traffic are made to log in: L only in its last session
("late-login"), S in its first ("first-login") and again, as someone else, in its
last ("second-login": the latest wins), C in its first ("first-login-c") and twice in its
last: "created-later" on the session's last event, "collected-later" on its first page
view, which the collector received after every other event of the session (sent late
from the device's queue). Snowplow's user mapping takes the latest by collector_tstamp,
so C is "collected-later" (by derived_tstamp it would be "created-later"). All three last
sessions arrive in a second load.
"""

from pathlib import Path
from typing import Any

import duckdb
import pytest
from snowplow_dbt.runner import DbtProject

from tests.transform.helpers import MARTS, checksums, rows
from tests.transform.synthetic import Traffic, generate

STITCHED_TABLES = (*MARTS, "dim_user_mapping")


@pytest.fixture(scope="module")
def runs(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Any]:
    """The database after each of: first load, second load (incremental), full refresh."""
    work = tmp_path_factory.mktemp("stitching")
    database = work / "snowplow.duckdb"
    generate(database, Traffic(sessions=200, users=40, days=4))
    with duckdb.connect(str(database)) as connection:
        connection.execute(
            """
            create table browser_sessions as
            select domain_userid, domain_sessionid,
                   row_number() over (
                       partition by domain_userid order by min(derived_tstamp)) as idx,
                   count(*) over (partition by domain_userid) as sessions
            from raw_events group by domain_userid, domain_sessionid
            having count(user_id) = 0
            """
        )
        connection.execute(
            """
            create table chosen as
            select domain_userid, case row_number() over (order by domain_userid)
                                  when 1 then 'L' when 2 then 'S' else 'C' end as browser
            from (select distinct domain_userid from browser_sessions where sessions >= 3)
            order by domain_userid limit 3
            """
        )
        logins = {
            ("L", "last"): "late-login",
            ("S", "first"): "first-login",
            ("S", "last"): "second-login",
            ("C", "first"): "first-login-c",
        }
        for (browser, which), user_id in logins.items():
            position = "1" if which == "first" else "sessions"
            connection.execute(
                f"""
                update raw_events set user_id = ?
                where domain_sessionid in (
                    select domain_sessionid from browser_sessions join chosen using (domain_userid)
                    where browser = ? and idx = {position})
                """,
                [user_id, browser],
            )
        connection.execute(
            """
            create table reordered as
            with last_session as (
                select * from raw_events where domain_sessionid = (
                    select domain_sessionid from browser_sessions join chosen using (domain_userid)
                    where browser = 'C' and idx = sessions)
            )
            select
                (select event_id from last_session where event_name = 'page_view'
                 order by derived_tstamp limit 1) as collected_later,
                (select event_id from last_session order by derived_tstamp desc limit 1)
                    as created_later,
                (select max(collector_tstamp) from last_session) + interval 1 minute
                    as collected_at
            """
        )
        connection.execute(
            """
            update raw_events set user_id = 'created-later'
            where event_id = (select created_later from reordered);
            update raw_events set user_id = 'collected-later',
                collector_tstamp = (select collected_at from reordered)
            where event_id = (select collected_later from reordered);
            """
        )
        connection.execute(
            """
            create table held as
            select * from raw_events where domain_sessionid in (
                select domain_sessionid from browser_sessions join chosen using (domain_userid)
                where idx = sessions)
            """
        )
        connection.execute("delete from raw_events where event_id in (select event_id from held)")
        browsers = dict(connection.execute("select browser, domain_userid from chosen").fetchall())

    project = DbtProject.local(work / "dbt", database)
    project.build("--exclude", "resource_type:unit_test")
    first = stitched_ids(database, browsers)
    with duckdb.connect(str(database)) as connection:
        connection.execute(
            "insert into raw_events select * replace ("
            " (select max(load_tstamp) from raw_events) + interval 1 hour as load_tstamp)"
            " from held"
        )
    project.build("--exclude", "resource_type:unit_test")
    second = stitched_ids(database, browsers)
    manifest = rows(
        database, "select * from int_snowplow__incremental_manifest order by run_started_at"
    )
    users = {
        row["browser"]: row
        for row in rows(
            database,
            "select chosen.browser, users.* from dim_users as users"
            " join chosen using (domain_userid)",
        )
    }
    unidentified = rows(
        database,
        "select count(*) as users, count(*) filter (where not is_stitched"
        " and stitched_user_id = domain_userid) as unstitched from dim_users"
        " where domain_userid not in (select domain_userid from dim_user_mapping)",
    )[0]
    mapping = {
        row["browser"]: row
        for row in rows(
            database,
            "select chosen.browser, mapping.* from dim_user_mapping as mapping"
            " join chosen using (domain_userid)",
        )
    }
    first_session_user_ids = {
        row["browser"]: row["user_id"]
        for row in rows(
            database,
            "select chosen.browser, sessions.user_id from dim_users as users"
            " join chosen using (domain_userid)"
            " join fct_sessions as sessions on sessions.domain_sessionid = users.first_session_id",
        )
    }
    (disagreeing,) = rows(
        database,
        "select count(*) as users from dim_users"
        " where user_id is not null and user_id != stitched_user_id",
    )
    (reordered,) = rows(database, "select * from reordered")
    incremental = checksums(database, STITCHED_TABLES)
    project.build("--full-refresh", "--exclude", "resource_type:unit_test")
    return {
        "browsers": browsers,
        "first": first,
        "second": second,
        "manifest": manifest,
        "users": users,
        "unidentified": unidentified,
        "mapping": mapping,
        "first_session_user_ids": first_session_user_ids,
        "disagreeing": disagreeing["users"],
        "reordered": reordered,
        "incremental": incremental,
        "full_refresh": checksums(database, STITCHED_TABLES),
    }


def stitched_ids(database: Path, browsers: dict[str, str]) -> dict[str, dict[str, Any]]:
    """Per chosen browser: its sessions, page views and their distinct stitched ids."""
    found = {}
    for browser, browser_id in browsers.items():
        found[browser] = rows(
            database,
            f"""
            select
                (select count(*) from fct_sessions where domain_userid = '{browser_id}')
                    as sessions,
                (select list(distinct stitched_user_id order by stitched_user_id)
                   from fct_sessions where domain_userid = '{browser_id}') as session_ids,
                (select count(*) from fct_page_views where domain_userid = '{browser_id}')
                    as page_views,
                (select list(distinct stitched_user_id order by stitched_user_id)
                   from fct_page_views where domain_userid = '{browser_id}') as page_view_ids
            """,
        )[0]
    return found


def test_before_the_login_arrives_sessions_carry_what_is_known(runs: dict[str, Any]) -> None:
    first, browsers = runs["first"], runs["browsers"]
    assert first["L"]["session_ids"] == [browsers["L"]]  # anonymous: the browser id
    assert first["L"]["page_view_ids"] == [browsers["L"]]
    assert first["S"]["session_ids"] == ["first-login"]
    assert first["S"]["page_view_ids"] == ["first-login"]


def test_after_the_next_incremental_run_every_earlier_row_is_stitched(
    runs: dict[str, Any],
) -> None:
    first, second = runs["first"], runs["second"]
    for browser, user_id in (("L", "late-login"), ("S", "second-login")):
        assert second[browser]["sessions"] == first[browser]["sessions"] + 1 >= 3
        assert second[browser]["page_views"] > first[browser]["page_views"]
        assert second[browser]["session_ids"] == [user_id], browser
        assert second[browser]["page_view_ids"] == [user_id], browser
        assert runs["users"][browser]["is_stitched"] is True
        assert runs["users"][browser]["stitched_user_id"] == user_id
    # the second run was incremental: it reprocessed a few sessions, not the history
    manifest = runs["manifest"]
    assert len(manifest) == 2 and manifest[1]["lower_load_tstamp"] is not None
    assert manifest[1]["web_sessions_processed"] < manifest[0]["web_sessions_processed"] / 4


def test_the_latest_login_by_collector_tstamp_wins_as_in_snowplow(runs: dict[str, Any]) -> None:
    """Created earlier, collected later: Snowplow's user mapping follows the collector."""
    first, second = runs["first"]["C"], runs["second"]["C"]
    assert first["session_ids"] == first["page_view_ids"] == ["first-login-c"]
    assert second["session_ids"] == second["page_view_ids"] == ["collected-later"]
    mapping = runs["mapping"]["C"]
    assert mapping["user_id"] == "collected-later"
    assert mapping["last_identified_event_id"] == runs["reordered"]["collected_later"]
    assert mapping["last_identified_tstamp"] == runs["reordered"]["collected_at"]


def test_dim_users_user_id_is_the_stitched_id_not_the_first_session_s(
    runs: dict[str, Any],
) -> None:
    """CONFORMANCE.md, difference `dim-users-user-id`: Snowplow's users table takes the
    first session's user_id; ours is the mapped one, equal to stitched_user_id."""
    users = runs["users"]
    assert {browser: users[browser]["user_id"] for browser in ("L", "S", "C")} == {
        "L": "late-login",
        "S": "second-login",
        "C": "collected-later",
    }
    assert all(row["user_id"] == row["stitched_user_id"] for row in users.values())
    # Snowplow's rule would give S and C their first session's login instead
    assert runs["first_session_user_ids"] == {"L": None, "S": "first-login", "C": "first-login-c"}
    assert runs["disagreeing"] == 0  # no user anywhere whose user_id is not its stitched id


def test_browsers_never_identified_are_not_stitched(runs: dict[str, Any]) -> None:
    unidentified = runs["unidentified"]
    assert unidentified["users"] > 0
    assert unidentified["unstitched"] == unidentified["users"]


def test_a_full_refresh_gives_the_same_tables(runs: dict[str, Any]) -> None:
    assert runs["full_refresh"] == runs["incremental"]

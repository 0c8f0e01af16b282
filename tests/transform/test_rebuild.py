"""Windowed rebuild: after raw events inside [FROM, TO) change in place (as a fix of
the loaded data would), `rebuild(FROM, TO)` gives the marts a full refresh gives, and
leaves every session that does not touch the window exactly as it was.
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
TABLES = (*MARTS, "dim_user_mapping", *ANALYTICS)
# sessions touching the window, by their stored span or by a raw event inside it
TOUCHING = f"""
    select domain_sessionid from fct_sessions
    where start_tstamp < timestamp '{TO}' and end_tstamp >= timestamp '{FROM}'
    union
    select domain_sessionid from raw_events
    where derived_tstamp >= timestamp '{FROM}' and derived_tstamp < timestamp '{TO}'
"""


def snapshot(database: Path, table: str, key: str) -> dict[Any, dict[str, Any]]:
    """Every row of `table` by its key, every column."""
    return {row[key]: row for row in rows(database, f"select * from {table}")}


@pytest.fixture(scope="module")
def runs(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Any]:
    work = tmp_path_factory.mktemp("rebuild")
    database = work / "snowplow.duckdb"
    generate(database, Traffic(sessions=400, users=150, days=6))
    project = DbtProject.local(work / "dbt", database)
    project.build("--exclude", "resource_type:unit_test")
    before = {
        "sessions": snapshot(database, "fct_sessions", "domain_sessionid"),
        "page_views": snapshot(database, "fct_page_views", "page_view_key"),
    }
    touching = {row["domain_sessionid"] for row in rows(database, TOUCHING)}
    with duckdb.connect(str(database)) as connection:
        window = f"derived_tstamp >= timestamp '{FROM}' and derived_tstamp < timestamp '{TO}'"
        # a fix of the loaded data: titles corrected, some pings dropped, one session gone
        connection.execute(
            f"update raw_events set page_title = 'Fixed: ' || page_title where {window}"
        )
        connection.execute(
            f"delete from raw_events where {window} and event_name = 'page_ping'"
            " and hash(event_id) % 3 = 0"
        )
        connection.execute(
            f"""
            delete from raw_events where domain_sessionid = (
                select min(domain_sessionid) from raw_events where {window})
            """
        )
    rebuild(project, FROM, TO)
    after = {
        "sessions": snapshot(database, "fct_sessions", "domain_sessionid"),
        "page_views": snapshot(database, "fct_page_views", "page_view_key"),
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
        "rebuilt": rebuilt,
        "manifest": manifest,
        "windowed": windowed,
        "full_refresh": checksums(database, TABLES),
        "titles": rows(
            database,
            "select count(*) as fixed from fct_page_views where page_title like 'Fixed: %'",
        ),
    }


def test_a_windowed_rebuild_gives_the_marts_of_a_full_refresh(runs: dict[str, Any]) -> None:
    assert runs["windowed"] == runs["full_refresh"]
    assert runs["titles"][0]["fixed"] > 0  # the change in raw_events did reach the marts


def test_only_sessions_touching_the_window_are_rebuilt(runs: dict[str, Any]) -> None:
    before, after, touching = runs["before"], runs["after"], runs["touching"]
    assert runs["rebuilt"] == touching
    outside = before["sessions"].keys() - touching
    assert len(outside) > len(touching) > 10
    assert {key: after["sessions"].get(key) for key in outside} == {
        key: before["sessions"][key] for key in outside
    }
    untouched_views = {
        key: row
        for key, row in before["page_views"].items()
        if row["domain_sessionid"] not in touching
    }
    assert {key: after["page_views"].get(key) for key in untouched_views} == untouched_views
    # inside the window rows did change, and the deleted session left
    changed = {key for key in touching if before["sessions"].get(key) != after["sessions"].get(key)}
    assert changed and any(
        key not in after["sessions"] for key in touching & before["sessions"].keys()
    )
    # and the run was no full refresh: it processed the rebuilt sessions only
    last = runs["manifest"][-1]
    assert last["lower_load_tstamp"] is not None
    assert last["sessions_processed"] == len(touching) - 1


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

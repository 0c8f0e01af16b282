"""Incremental runs: slices arriving one by one, built by the `daily` selector (data tests
on the rows each run wrote), end where a full refresh ends, and re-running or re-loading
changes nothing (DuckDB)."""

from pathlib import Path

import duckdb
import pytest
from snowplow_dbt import conformance
from snowplow_dbt.runner import DbtProject
from snowplow_loader.contract import RAW_EVENTS
from snowplow_loader.duckdb_sql import DDL

from tests.transform import configured
from tests.transform.helpers import Built, checksums, rows
from tests.transform.synthetic import Traffic, generate


def load_slices(database: Path, slices: list[int]) -> int:
    with duckdb.connect(str(database)) as connection:
        conformance.stage(connection)
        return conformance.insert_slices(connection, slices)


@pytest.mark.xdist_group("conformance-build")
def test_four_incremental_runs_equal_one_full_refresh(
    dbt_local: DbtProject, duckdb_path: Path, conformance_built: Built
) -> None:
    """Four daily builds (data tests on this run's rows only) end where one build of all
    the events does (the shared conformance build: every test, on whole tables)."""
    windows = []
    for part in range(4):
        assert load_slices(duckdb_path, [part]) == 40
        dbt_local.build("--selector", "daily")
        windows.append(rows(duckdb_path, "select * from int_snowplow__incremental_manifest"))

    assert checksums(duckdb_path) == checksums(conformance_built.database)
    # the last run's data tests read only what it wrote
    compiled = dbt_local.work_dir / "target" / "compiled" / "snowplow" / "models"
    scoped = {
        "staging/_snowplow__models.yml/unique_stg_snowplow__events_event_id.sql": (
            "where (load_tstamp > timestamp '"
        ),
        "marts/_marts__sessions_and_users.yml/unique_fct_sessions_domain_sessionid.sql": (
            "and domain_sessionid in (select domain_sessionid from"
        ),
        "analytics/_analytics__models.yml/unique_daily_active_users_activity_date.sql": (
            "where (activity_date between date '"
        ),
    }
    for test, condition in scoped.items():
        assert condition in (compiled / test).read_text(), test
    # the runs really were incremental: each one processed only some sessions
    manifest = windows[-1]
    assert len(manifest) == 4
    assert manifest[0]["lower_load_tstamp"] is None
    assert all(run["lower_load_tstamp"] is not None for run in manifest[1:])
    assert all(
        run["sessions_processed"] < manifest[0]["sessions_processed"] + 45 for run in manifest[1:]
    )
    assert checksums(duckdb_path)["fct_sessions"][0] == 18


@pytest.mark.xdist_group("conformance-build")
def test_rerun_and_reload_change_nothing(
    dbt_local: DbtProject, duckdb_path: Path, conformance_built: Built
) -> None:
    conformance_built.copy_to(duckdb_path)  # every slice loaded and built
    first = checksums(duckdb_path)

    dbt_local.build("--selector", "daily")  # the same day again
    assert checksums(duckdb_path) == first

    # a day delivered twice: the same events in a second file, loaded later
    with duckdb.connect(str(duckdb_path)) as connection:
        connection.execute(
            """
            insert into raw_events
            select * replace (load_tstamp + interval 1 day as load_tstamp,
                              load_file_key || '#again' as load_file_key)
            from raw_events where load_file_key like '%slice=3'
            """
        )
    dbt_local.build("--selector", "daily")
    assert checksums(duckdb_path) == first
    sessions = rows(
        duckdb_path,
        "select sum(page_views) as page_views, sum(engaged_time_in_s) as engaged from fct_sessions",
    )
    assert sessions == [{"page_views": 46, "engaged": 60}]


@pytest.fixture(scope="module")
def synthetic_source(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """Synthetic traffic plus hand-made late arrivals, each row tagged with its slice.

    Slices follow load_tstamp (a quarter of the hourly files each). Made by hand, in later
    slices: an event of an early session that was created before the session's start and
    sent late (the start and the cut move back), a copy of an early event collected a
    second earlier than the stored one (the winner changes), one collected later (it must
    not win), and events of a quarantined session, one inside and one after its cut.
    """
    database = tmp_path_factory.mktemp("synthetic") / "source.duckdb"
    generate(database, Traffic(sessions=600, users=250, days=4))
    with duckdb.connect(str(database)) as connection:
        connection.execute(
            """
            create table sliced as
            select raw.*, files.slice
            from raw_events as raw
            join (select load_file_key, ntile(4) over (order by load_file_key) - 1 as slice
                  from (select distinct load_file_key from raw_events)) as files
              using (load_file_key)
            """
        )
        last_load = "(select max(load_tstamp) from sliced where slice = {})"
        # 1. created 30 min before an early session started, sent 2 days later, loaded last
        connection.execute(
            f"""
            insert into sliced
            select * replace (
                md5(event_id || 'earlier') as event_id,
                derived_tstamp - interval 30 minute as derived_tstamp,
                dvce_created_tstamp - interval 30 minute as dvce_created_tstamp,
                dvce_created_tstamp + interval 2 day as dvce_sent_tstamp,
                dvce_created_tstamp + interval 2 day as collector_tstamp,
                {last_load.format(3)} as load_tstamp,
                'hand://earlier' as load_file_key,
                3 as slice)
            from sliced
            where slice = 0 and event_name = 'page_view'
            order by collector_tstamp limit 1
            """
        )
        # 2. a copy collected earlier than the stored one, with another page title
        connection.execute(
            f"""
            insert into sliced
            select * replace (
                collector_tstamp - interval 1 second as collector_tstamp,
                'Copy collected first' as page_title,
                {last_load.format(2)} as load_tstamp,
                'hand://copy' as load_file_key,
                2 as slice)
            from sliced
            where slice = 0 and event_name = 'page_view' and page_urlpath = '/page/0'
            order by collector_tstamp desc limit 1
            """
        )
        # 2b. and a copy collected later than the stored one: it must not win
        connection.execute(
            f"""
            insert into sliced
            select * replace (
                collector_tstamp + interval 1 hour as collector_tstamp,
                'Copy collected later' as page_title,
                {last_load.format(1)} as load_tstamp,
                'hand://later-copy' as load_file_key,
                1 as slice)
            from sliced
            where slice = 0 and event_name = 'page_view' and page_urlpath = '/page/1'
            order by collector_tstamp limit 1
            """
        )
        # 3. a quarantined session: one event inside its cut arriving late, one past it
        connection.execute(
            f"""
            insert into sliced
            select * exclude (offset_hours) replace (
                md5(event_id || 'late-' || offset_hours) as event_id,
                derived_tstamp + to_hours(offset_hours) as derived_tstamp,
                {last_load.format(3)} as load_tstamp,
                'hand://quarantined' as load_file_key,
                3 as slice)
            from (select * from sliced
                  where domain_sessionid in (
                      select domain_sessionid from sliced group by 1
                      having max(derived_tstamp) - min(derived_tstamp) > interval 3 day)
                  order by derived_tstamp limit 1) as first_event
            cross join (values (1), (24 * 5)) as offsets(offset_hours)
            """
        )
    return database


def load_synthetic(source: Path, database: Path, slices: list[int]) -> None:
    columns = ", ".join(field.name for field in RAW_EVENTS)
    with duckdb.connect(str(database)) as connection:
        for statement in DDL:
            connection.execute(statement)
        connection.execute(f"attach '{source}' as source (read_only)")
        placeholders = ", ".join("?" for _ in slices)
        connection.execute(
            f"insert into raw_events select {columns} from source.sliced "
            f"where slice in ({placeholders})",
            slices,
        )


def test_late_arrivals_in_four_slices_equal_one_full_refresh(
    dbt_local: DbtProject, duckdb_path: Path, synthetic_source: Path
) -> None:
    """With conversions and fields configured (tests/transform/configured.py), so that
    fct_conversions, its attribution post-hook and the fields follow the same rule."""
    for part in range(4):
        load_synthetic(synthetic_source, duckdb_path, [part])
        dbt_local.build("--selector", "daily", variables=configured.SYNTHETIC)
    incremental = checksums(duckdb_path)

    dbt_local.build("--full-refresh", "--selector", "full", variables=configured.SYNTHETIC)
    assert checksums(duckdb_path) == incremental
    attributed = rows(
        duckdb_path,
        """
        select count(*) as conversions,
               count(distinct last_non_direct_channel_group) as channels,
               count(*) filter (where last_non_direct_session_id != domain_sessionid) as earlier
        from fct_conversions
        """,
    )
    # conversions credited to Email (an earlier session of the user) and to Direct
    assert attributed[0]["conversions"] > 50
    assert attributed[0]["channels"] == 2
    assert attributed[0]["earlier"] > 0

    # the hand-made arrivals had the effect they were made for
    moved = rows(
        duckdb_path,
        """
        select sessions.start_tstamp = raw.derived_tstamp as starts_at_late_event
        from fct_sessions as sessions
        join raw_events as raw on raw.domain_sessionid = sessions.domain_sessionid
        where raw.load_file_key = 'hand://earlier'
        """,
    )
    assert moved == [{"starts_at_late_event": True}]
    titles = rows(
        duckdb_path,
        """
        select stg.page_title from stg_snowplow__events as stg
        join raw_events as raw on raw.event_id = stg.event_id and raw.load_file_key = 'hand://copy'
        """,
    )
    assert titles == [{"page_title": "Copy collected first"}]
    titles = rows(
        duckdb_path,
        """
        select stg.page_title from stg_snowplow__events as stg
        join raw_events as raw on raw.event_id = stg.event_id and raw.load_file_key = 'hand://later-copy'
        """,
    )
    assert titles == [{"page_title": "Page 1"}]
    quarantined = rows(
        duckdb_path, "select count(*) as sessions from int_snowplow__quarantined_sessions"
    )
    assert quarantined[0]["sessions"] >= 1

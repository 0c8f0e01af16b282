"""The same project through the real dbt-bigquery adapter, against the local BigQuery
emulator (local-bigquery, started by the tests), so BigQuery SQL runs on every change.

The conformance events arrive in two loads (three slices, then the fourth), so both the
full build and the incremental path (run window, literal partition bounds, the
transactional delete + insert that replaces processed sessions) run as BigQuery SQL.
"""

import hashlib
import json
from datetime import date
from typing import Any

import pytest
import sqlglot
from google.cloud import bigquery
from snowplow_dbt import conformance
from snowplow_dbt.rebuild import rebuild
from snowplow_dbt.runner import DbtProject
from sqlglot import exp

from tests.emulators import Emulators
from tests.transform import configured
from tests.transform.bigquery_build import (
    ANALYTICS,
    MODELS,
    RAW,
    BigQueryBuild,
    assert_sessions_and_users_expected,
    bigquery_project,
    query,
)
from tests.transform.helpers import rows

# one pytest-xdist worker builds it (Makefile: --dist loadgroup)
pytestmark = pytest.mark.xdist_group("bigquery-dbt")


def test_dbt_build_on_bigquery_reproduces_the_expected_sessions_and_users(
    built: bigquery.Client,
) -> None:
    assert_sessions_and_users_expected(built)


def test_sessions_and_page_views_carry_the_stitched_user_id(built: bigquery.Client) -> None:
    """The join of this run's rows and the post-hook UPDATE of earlier ones, as BigQuery SQL."""
    for table in ("fct_sessions", "fct_page_views"):
        (row,) = query(
            built,
            f"""
            select count(*) as total,
                   countif(rows.stitched_user_id is not distinct from
                           coalesce(mapping.user_id, rows.domain_userid)) as stitched
            from {MODELS}.{table} as rows
            left join {MODELS}.dim_user_mapping as mapping using (domain_userid)
            """,
        )
        assert row["stitched"] == row["total"] > 0, table


def test_conversions_channels_and_fields_equal_a_full_duckdb_build(
    built: bigquery.Client, tmp_path_factory: pytest.TempPathFactory
) -> None:
    """fct_conversions (with its attribution post-hook), the channel, conversion and
    aggregation columns of sessions and users, after a full and an incremental build on
    BigQuery, equal one full build of the same events and variables on DuckDB."""
    work = tmp_path_factory.mktemp("duckdb-reference")
    database = work / "snowplow.duckdb"
    conformance.import_events(database)
    DbtProject.local(work / "dbt", database).build(
        "--exclude", "resource_type:unit_test", variables=configured.CONFORMANCE
    )
    compared = {
        "fct_conversions": "select * from {}fct_conversions",
        "fct_sessions": "select domain_sessionid, channel_group, cv_click_count, cv_click_value,"
        " cv_view_count, first_path, last_path from {}fct_sessions",
        "dim_users": "select domain_userid, first_channel_group, app_id, cv_click_count,"
        " cv_click_value, cv_view_count, last_channel_group from {}dim_users",
    }
    for name, sql in compared.items():
        on_bigquery = sorted(map(_plain, query(built, sql.format(f"{MODELS}."))), key=repr)
        on_duckdb = sorted(map(_plain, rows(database, sql.format(""))), key=repr)
        assert on_bigquery == on_duckdb, name
        if name == "fct_conversions":
            assert len(on_bigquery) >= 5


def _plain(row: dict[str, Any]) -> dict[str, Any]:
    """BigQuery returns aware UTC timestamps, DuckDB naive ones."""
    return {
        key: value.replace(tzinfo=None) if hasattr(value, "tzinfo") and value.tzinfo else value
        for key, value in row.items()
    }


def test_second_run_was_incremental(built: bigquery.Client) -> None:
    runs = query(
        built, f"select * from {MODELS}.int_snowplow__incremental_manifest order by run_started_at"
    )
    assert len(runs) == 2
    assert runs[0]["lower_load_tstamp"] is None
    assert runs[1]["lower_load_tstamp"] is not None
    assert 0 < runs[1]["sessions_processed"] < runs[0]["sessions_processed"]


def test_tables_are_partitioned_and_clustered(built: bigquery.Client) -> None:
    layout = {
        name: (
            table.time_partitioning.field if table.time_partitioning else None,
            table.clustering_fields,
        )
        for name in (
            "stg_snowplow__events",
            "int_snowplow__session_lifecycle",
            "fct_sessions",
            "fct_page_views",
        )
        for table in [built.get_table(f"{built.project}.{MODELS}.{name}")]
    }
    assert layout == {
        "stg_snowplow__events": ("load_tstamp", ["domain_sessionid", "event_name"]),
        "int_snowplow__session_lifecycle": ("start_tstamp", ["domain_sessionid"]),
        "fct_sessions": ("start_tstamp", ["domain_userid", "domain_sessionid"]),
        "fct_page_views": ("start_tstamp", ["domain_sessionid", "page_view_id"]),
    }


def test_analytics_models_go_to_their_own_dataset(built: bigquery.Client) -> None:
    def tables(dataset: str) -> set[str]:
        return {table.table_id for table in built.list_tables(f"{built.project}.{dataset}")}

    analytics = {
        "daily_active_users",
        "weekly_retention_cohorts",
        "user_engagement",
        "daily_sessions_by_channel",
        "metric_daily",
        "metric_anomalies",
        "metric_band",
    }
    assert tables(ANALYTICS) == analytics
    assert not tables(MODELS) & analytics
    (today,) = query(built, f"select count(*) as days from {ANALYTICS}.daily_active_users")
    assert today["days"] > 0


# The partition column of every partitioned table the incremental models read or write.
PARTITION_COLUMNS = {"load_tstamp", "start_tstamp", "activity_date", "activity_week"}
# Incremental models whose statements must bound a partitioned table with constants.
# dim_users is clustered, not partitioned, and reads its users' sessions from any day;
# the manifest appends one row per run.
PRUNED = (
    "staging/stg_snowplow__events",
    "intermediate/int_snowplow__session_lifecycle",
    "marts/fct_sessions",
    "marts/fct_page_views",
    "marts/fct_conversions",
    "analytics/daily_active_users",
    "analytics/daily_sessions_by_channel",
    "analytics/weekly_retention_cohorts",
    "analytics/metric_daily",
    "analytics/metric_anomalies",
)


def partition_filters(sql: str) -> list[exp.Condition]:
    """Every comparison in a WHERE clause with a partition column on its left."""
    comparisons = (exp.GT, exp.GTE, exp.LT, exp.LTE, exp.EQ, exp.Between, exp.In)
    return [
        predicate
        for statement in sqlglot.parse(sql, read="bigquery")
        if statement is not None
        for where in statement.find_all(exp.Where)
        for predicate in where.find_all(*comparisons)
        if isinstance(predicate.this, exp.Column) and predicate.this.name in PARTITION_COLUMNS
    ]


def test_partition_filter_check_sees_subqueries_and_columns() -> None:
    sql = "select * from t where start_tstamp >= (select min(a) from u) and load_tstamp > t.b"
    assert [f.sql() for f in partition_filters(sql)] == [
        "start_tstamp >= (SELECT MIN(a) FROM u)",
        "load_tstamp > t.b",
    ]


def test_incremental_sql_prunes_partitions_with_constants(bigquery_build: BigQueryBuild) -> None:
    """The incremental build's BigQuery SQL (the model's query and the delete + insert that
    merges it) filters partition columns with literals only: BigQuery prunes partitions on
    constant filters, not on subqueries or other columns. The emulator target uses the
    same adapter and SQL as `dev`/`prod`; only the connection differs."""
    nodes = json.loads((bigquery_build.target / "manifest.json").read_text())["nodes"]
    incremental = sorted(
        node["original_file_path"].removeprefix("models/").removesuffix(".sql")
        for node in nodes.values()
        if node["resource_type"] == "model" and node["config"]["materialized"] == "incremental"
    )
    assert set(PRUNED) < set(incremental)
    for model in incremental:
        sql = "\n;\n".join(
            (bigquery_build.target / kind / "snowplow" / "models" / f"{model}.sql").read_text()
            for kind in ("compiled", "run")
        )
        filters = partition_filters(sql)
        for predicate in filters:
            operands = list(predicate.expressions) or [
                predicate.args.get(name) for name in ("expression", "low", "high")
            ]
            for operand in filter(None, operands):
                assert not operand.find(exp.Select, exp.Column), (
                    f"{model}: partition filter is not a constant: {predicate.sql('bigquery')}"
                )
        if model in PRUNED:
            assert filters, f"{model}: no constant partition filter"


# every table a build writes but the run manifest, by dataset
REBUILT_TABLES = {
    MODELS: (
        "stg_snowplow__events",
        "int_snowplow__session_lifecycle",
        "int_snowplow__quarantined_sessions",
        "int_snowplow__filtered_bot_events",
        "fct_sessions",
        "fct_page_views",
        "dim_users",
        "dim_user_mapping",
    ),
    ANALYTICS: ("user_engagement", "daily_active_users", "weekly_retention_cohorts"),
}
# the "user stitch" browser's second session, on 2021-03-02: it identified the browser last
LOGGED_IN = "37b340c11359852988ae9b4f77f0c4b283cf2d4e87e2b5e5bceda36a185b81ff"
USER_STITCH = "434dff58299fdc4f124ddf56a4f117d76f69bedb06f76d9858ffde85e16e14e1"


def every_table(client: bigquery.Client) -> dict[str, list[str]]:
    """Every row of every rebuilt table, as sorted text."""
    return {
        table: sorted(
            repr(sorted(row.items())) for row in query(client, f"select * from {dataset}.{table}")
        )
        for dataset, tables in REBUILT_TABLES.items()
        for table in tables
    }


@pytest.mark.slow
def test_windowed_rebuild_after_deletions_equals_a_full_refresh_on_bigquery(
    built: bigquery.Client, emulators: Emulators, tmp_path_factory: pytest.TempPathFactory
) -> None:
    """Raw rows deleted inside [2021-03-01, 2021-03-03) -- every event of the session in
    which a browser logged in last, another whole session, the event without a session id
    and 15 % of the others -- then a rebuild of that window, as BigQuery SQL: every table
    equals a full refresh of the same raw data. Runs last: it changes the shared build."""
    window = "derived_tstamp >= timestamp '2021-03-01' and derived_tstamp < timestamp '2021-03-03'"
    raw = f"{RAW}.raw_events"
    events = query(built, f"select event_id, domain_sessionid from {raw} where {window}")
    sessions = sorted({e["domain_sessionid"] for e in events} - {None, LOGGED_IN})
    whole = {LOGGED_IN, sessions[0]}
    share = {
        e["event_id"]
        for e in events
        if e["domain_sessionid"] not in whole
        and int(hashlib.sha256(e["event_id"].encode()).hexdigest(), 16) % 100 < 15
    }
    assert LOGGED_IN in {e["domain_sessionid"] for e in events} and share
    assert any(e["domain_sessionid"] is None for e in events)
    before = query(built, f"select count(*) as sessions from {MODELS}.fct_sessions")[0]
    built.query_and_wait(
        f"delete from {raw} where domain_sessionid in ({', '.join(map(repr, sorted(whole)))})"
        f" or ({window} and domain_sessionid is null)"
        f" or event_id in ({', '.join(map(repr, sorted(share)))})"
    )
    project = bigquery_project(emulators, tmp_path_factory.mktemp("bigquery-rebuild"))
    # the shared build's settings (configured conversions and fields) on both sides
    rebuild(project, date(2021, 3, 1), date(2021, 3, 3), variables=configured.CONFORMANCE)
    windowed = every_table(built)
    (run,) = query(
        built,
        f"select * from {MODELS}.int_snowplow__incremental_manifest"
        " order by run_started_at desc limit 1",
    )
    # the tables are what is compared: `run`, as the data tests ran in the shared build
    project.invoke("run", "--quiet", "--full-refresh", variables=configured.CONFORMANCE)
    full_refresh = every_table(built)
    assert {t: len(r) for t, r in windowed.items()} == {t: len(r) for t, r in full_refresh.items()}
    assert windowed == full_refresh
    assert 0 < run["sessions_processed"] < before["sessions"]
    # the browser's mapping went back to a login of its first session
    (mapping,) = query(
        built,
        f"select user_id from {MODELS}.dim_user_mapping where domain_userid = '{USER_STITCH}'",
    )
    assert mapping["user_id"].startswith("user stitch - session: 1st id:")

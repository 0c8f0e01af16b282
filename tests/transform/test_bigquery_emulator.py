"""The same project through the real dbt-bigquery adapter, against the local BigQuery
emulator (local-bigquery, started by the tests), so BigQuery SQL runs on every change.

The conformance events arrive in two loads (three slices, then the fourth), so both the
full build and the incremental path (run window, literal partition bounds, the
transactional delete + insert that replaces processed sessions) run as BigQuery SQL.
"""

import json
from dataclasses import dataclass
from datetime import date
from pathlib import Path
from typing import Any

import duckdb
import pytest
import sqlglot
from google.cloud import bigquery
from snowplow_dbt import conformance
from snowplow_dbt.rebuild import rebuild
from snowplow_dbt.runner import DbtProject
from snowplow_loader.cloud import tables
from snowplow_loader.cloud.config import Config
from snowplow_loader.contract import RAW_EVENTS
from sqlglot import exp

from tests.emulators import Emulators
from tests.support.dbt_bigquery import install_dbt_shim
from tests.transform.helpers import expected_sessions, expected_users, session_view, user_view

RAW = "snowplow_raw"
MODELS = "snowplow"
ANALYTICS = "snowplow_analytics"

# one pytest-xdist worker builds it (Makefile: --dist loadgroup)
pytestmark = pytest.mark.xdist_group("bigquery-dbt")


def query(client: bigquery.Client, sql: str) -> list[dict[str, Any]]:
    return [dict(row.items()) for row in client.query_and_wait(sql)]


def copy_raw_events(client: bigquery.Client, database: Path, where: str) -> int:
    """Copy rows of a DuckDB raw_events into the emulator's raw_events with a load job."""
    export = database.with_name(f"{database.stem}-export.ndjson")
    columns = ", ".join(field.name for field in RAW_EVENTS)
    with duckdb.connect(str(database)) as connection:
        connection.execute(
            f"copy (select {columns} from raw_events where {where}) to '{export}' (format json)"
        )
    config = bigquery.LoadJobConfig(source_format=bigquery.SourceFormat.NEWLINE_DELIMITED_JSON)
    with export.open("rb") as handle:
        job = client.load_table_from_file(
            handle, f"{client.project}.{RAW}.raw_events", job_config=config
        )
    job.result()
    return int(job.output_rows or 0)


def bigquery_project(emulators: Emulators, work: Path) -> DbtProject:
    """The dbt project on the emulator, models in MODELS and ANALYTICS, raw events in RAW."""
    return DbtProject(
        work / "dbt",
        "emulator",
        {
            "SNOWPLOW_BIGQUERY_ENDPOINT": emulators.bigquery_url,
            "SNOWPLOW_PROJECT": emulators.project,
            "SNOWPLOW_DATASET": RAW,
            "SNOWPLOW_MODELS_DATASET": MODELS,
            "SNOWPLOW_ANALYTICS_DATASET": ANALYTICS,
        },
    )


@dataclass(frozen=True)
class BigQueryBuild:
    """The emulator's client after the two builds, and the SQL the second one ran."""

    client: bigquery.Client
    target: Path  # dbt's target folder after the incremental build: the SQL it ran


# session scope: xdist may interleave another module's tests on the same worker, which
# would tear a module-scoped build down and build it again
@pytest.fixture(scope="session")
def bigquery_build(emulators: Emulators, tmp_path_factory: pytest.TempPathFactory) -> BigQueryBuild:
    install_dbt_shim()
    work = tmp_path_factory.mktemp("bigquery-dbt")
    events = work / "conformance.duckdb"
    conformance.import_events(events)
    client = emulators.bigquery()
    tables.ensure(client, Config(dataset=RAW), emulators.project)  # as the loader creates it
    project = bigquery_project(emulators, work)
    assert copy_raw_events(client, events, "load_file_key not like '%slice=3'") == 120
    project.build("--selector", "full")
    assert copy_raw_events(client, events, "load_file_key like '%slice=3'") == 40
    project.build("--selector", "daily")
    return BigQueryBuild(client, work / "dbt" / "target")


@pytest.fixture(scope="session")
def built(bigquery_build: BigQueryBuild) -> bigquery.Client:
    return bigquery_build.client


def assert_sessions_and_users_expected(client: bigquery.Client) -> None:
    """fct_sessions and dim_users equal Snowplow's expected sessions and users."""
    sessions = {
        row["domain_sessionid"]: session_view(row)
        for row in query(client, f"select * from {MODELS}.fct_sessions")
    }
    assert sessions == expected_sessions()
    users = {
        row["domain_userid"]: user_view(row)
        for row in query(client, f"select * from {MODELS}.dim_users")
    }
    assert users == expected_users()


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

    analytics = {"daily_active_users", "weekly_retention_cohorts", "user_engagement",
                 "metric_daily", "metric_anomalies", "metric_band"}  # fmt: skip
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
    "analytics/daily_active_users",
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


@pytest.mark.slow
def test_windowed_rebuild_reproduces_the_sessions_on_bigquery(
    built: bigquery.Client, emulators: Emulators, tmp_path_factory: pytest.TempPathFactory
) -> None:
    """A rebuild of the busiest day, as BigQuery SQL: the same sessions and users again
    (raw_events did not change), and the run processed only the sessions touching it."""
    before = query(built, f"select count(*) as sessions from {MODELS}.fct_sessions")[0]
    rebuild(
        bigquery_project(emulators, tmp_path_factory.mktemp("bigquery-rebuild")),
        date(2021, 3, 2),
        date(2021, 3, 3),
    )
    assert_sessions_and_users_expected(built)
    (run,) = query(
        built,
        f"select * from {MODELS}.int_snowplow__incremental_manifest"
        " order by run_started_at desc limit 1",
    )
    assert 0 < run["sessions_processed"] < before["sessions"]

"""The conformance events built on the BigQuery emulator: what the emulator tests share.

`bigquery_build` (tests/transform/conftest.py) loads the events into raw_events in two
parts and runs a full then a daily build; the tests read the result back with `query`.
"""

from dataclasses import dataclass
from pathlib import Path
from typing import Any

import duckdb
from google.cloud import bigquery
from snowplow_dbt.runner import DbtProject
from snowplow_loader.contract import RAW_EVENTS

from tests.emulators import Emulators
from tests.transform.helpers import ANALYTICS as ANALYTICS_TABLES
from tests.transform.helpers import (
    MARTS,
    expected_sessions,
    expected_users,
    session_view,
    user_view,
)

RAW = "snowplow_raw"
MODELS = "snowplow"
ANALYTICS = "snowplow_analytics"


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
    """The emulator's client after the two builds, the SQL the second one ran, and every
    mart and analytics table as those builds left it (later tests change the build)."""

    client: bigquery.Client
    target: Path  # dbt's target folder after the incremental build: the SQL it ran
    tables: dict[str, list[str]]


def table_rows(client: bigquery.Client, dataset: str, table: str) -> list[str]:
    """Every row of a table, sorted, as comparable text."""
    found: list[dict[str, Any]] = query(client, f"select * from {dataset}.{table}")
    return sorted(repr(sorted(row.items())) for row in found)


def built_tables(client: bigquery.Client, marts: str, analytics: str) -> dict[str, list[str]]:
    """The rows of every mart and analytics table of one build."""
    return {
        **{table: table_rows(client, marts, table) for table in MARTS},
        **{table: table_rows(client, analytics, table) for table in ANALYTICS_TABLES},
    }


def assert_sessions_and_users_expected(client: bigquery.Client, models: str = MODELS) -> None:
    """fct_sessions and dim_users equal Snowplow's expected sessions and users."""
    sessions = {
        row["domain_sessionid"]: session_view(row)
        for row in query(client, f"select * from {models}.fct_sessions")
    }
    assert sessions == expected_sessions()
    users = {
        row["domain_userid"]: user_view(row)
        for row in query(client, f"select * from {models}.dim_users")
    }
    assert users == expected_users()

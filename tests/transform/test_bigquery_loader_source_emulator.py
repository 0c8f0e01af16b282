"""The models on a Snowplow BigQuery Loader table, as BigQuery SQL on the emulator.

The conformance events in the loader's layout (REPEATED RECORD per schema, 2.x names)
are loaded in two parts, as test_bigquery_emulator.py loads them into raw_events; the
same full build then daily build must give the same marts and analytics tables as that
raw_events build, and Snowplow's expected sessions and users.
"""

from pathlib import Path

import duckdb
import pytest
from google.cloud import bigquery
from snowplow_dbt import conformance
from snowplow_dbt.runner import DbtProject

from tests.emulators import Emulators
from tests.support.bigquery_loader_layout import bigquery_schema, convert
from tests.support.dbt_bigquery import install_dbt_shim
from tests.transform import configured
from tests.transform.bigquery_build import (
    BigQueryBuild,
    assert_sessions_and_users_expected,
    built_tables,
)

LOADER_RAW, LOADER_MODELS, LOADER_ANALYTICS = "loader_raw", "loader_models", "loader_analytics"

pytestmark = pytest.mark.xdist_group("bigquery-dbt")  # beside the raw_events build


def load_part(client: bigquery.Client, database: Path, where: str) -> int:
    """Append the loader-layout events matching `where` to the emulator's events table."""
    export = database.with_name(f"events-{abs(hash(where))}.ndjson")
    with duckdb.connect(str(database)) as connection:
        schema = bigquery_schema(connection, "events")
        connection.execute(f"copy (from events where {where}) to '{export}' (format json)")
    config = bigquery.LoadJobConfig(
        source_format=bigquery.SourceFormat.NEWLINE_DELIMITED_JSON, schema=schema
    )
    with export.open("rb") as handle:
        job = client.load_table_from_file(
            handle, f"{client.project}.{LOADER_RAW}.events", job_config=config
        )
    job.result()
    return int(job.output_rows or 0)


def test_the_loader_table_gives_the_raw_events_marts_on_bigquery(
    bigquery_build: BigQueryBuild, emulators: Emulators, tmp_path: Path
) -> None:
    install_dbt_shim()
    database = tmp_path / "conformance.duckdb"
    conformance.import_events(database)
    with duckdb.connect(str(database)) as connection:
        convert(connection, "events")
        (last,) = connection.execute("select max(load_tstamp) from events").fetchone() or (None,)
    client = bigquery_build.client
    client.create_dataset(LOADER_RAW, exists_ok=True)
    project = DbtProject(
        tmp_path / "dbt",
        "emulator",
        {
            "SNOWPLOW_BIGQUERY_ENDPOINT": emulators.bigquery_url,
            "SNOWPLOW_PROJECT": emulators.project,
            "SNOWPLOW_DATASET": LOADER_RAW,
            "SNOWPLOW_MODELS_DATASET": LOADER_MODELS,
            "SNOWPLOW_ANALYTICS_DATASET": LOADER_ANALYTICS,
        },
    )
    # the raw_events build's settings (configured conversions and fields), another source
    loader = {**configured.CONFORMANCE, "snowplow__events_source": "bigquery_loader"}

    assert load_part(client, database, f"load_tstamp < '{last}'") == 120
    # models and seeds: the data tests run on the next build's rows
    project.build("--exclude", "resource_type:test", "resource_type:unit_test", variables=loader)
    assert load_part(client, database, f"load_tstamp = '{last}'") == 40
    project.build("--selector", "daily", variables=loader)  # and its data tests on these rows

    assert_sessions_and_users_expected(client, LOADER_MODELS)
    assert built_tables(client, LOADER_MODELS, LOADER_ANALYTICS) == bigquery_build.tables

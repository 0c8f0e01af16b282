"""The anomaly detector's SQL gives the same rows on BigQuery (the emulator, through the
real dbt-bigquery adapter) as on DuckDB, on the 90 days of daily metrics of the ML world
with its four incidents: metric_daily is copied to the emulator as it is (about a
thousand rows), then metric_anomalies is built there from it."""

import json
import math
from pathlib import Path
from typing import Any

import duckdb
import pytest
from google.cloud import bigquery
from snowplow_dbt.runner import DbtProject

from tests.emulators import Emulators
from tests.ml.conftest import World
from tests.support.dbt_bigquery import install_dbt_shim

pytestmark = [pytest.mark.slow, pytest.mark.xdist_group("ninety-days")]

DATASET = "snowplow_ml"
COLUMNS = (
    "metric",
    "activity_date",
    "value",
    "expected",
    "lower_bound",
    "upper_bound",
    "score",
    "direction",
    "is_anomaly",
    "history_weeks",
)
SCHEMA = [
    bigquery.SchemaField("activity_date", "DATE"),
    bigquery.SchemaField("metric", "STRING"),
    bigquery.SchemaField("kind", "STRING"),
    bigquery.SchemaField("value", "FLOAT64"),
    bigquery.SchemaField("metric_day_key", "STRING"),
]


def _copy_metric_daily(client: bigquery.Client, database: Path) -> int:
    export = database.with_name("metric_daily.ndjson")
    with duckdb.connect(str(database), read_only=True) as connection:
        rows = connection.execute(
            "select activity_date, metric, kind, value, metric_day_key from metric_daily"
        ).fetchall()
    with export.open("w") as handle:
        for day, metric, kind, value, key in rows:
            row = {
                "activity_date": day.isoformat(),
                "metric": metric,
                "kind": kind,
                "value": value,
                "metric_day_key": key,
            }
            handle.write(json.dumps(row) + "\n")
    client.create_dataset(DATASET, exists_ok=True)
    config = bigquery.LoadJobConfig(
        source_format=bigquery.SourceFormat.NEWLINE_DELIMITED_JSON, schema=SCHEMA
    )
    with export.open("rb") as handle:
        job = client.load_table_from_file(
            handle, f"{client.project}.{DATASET}.metric_daily", job_config=config
        )
    job.result()
    return int(job.output_rows or 0)


def _key(row: dict[str, Any]) -> tuple[Any, ...]:
    def rounded(value: Any) -> Any:
        if isinstance(value, float):
            return None if math.isnan(value) else round(value, 6)
        return str(value) if value is not None else None

    return tuple(rounded(row[column]) for column in COLUMNS)


def test_the_detector_gives_the_same_rows_on_bigquery(
    world: World, emulators: Emulators, tmp_path: Path
) -> None:
    install_dbt_shim()
    client = emulators.bigquery()
    copied = _copy_metric_daily(client, world.database)
    assert copied > 900  # 11 metrics a day, 90 days, less the days a metric is missing
    project = DbtProject(
        tmp_path / "dbt",
        "emulator",
        {
            "SNOWPLOW_BIGQUERY_ENDPOINT": emulators.bigquery_url,
            "SNOWPLOW_PROJECT": emulators.project,
            "SNOWPLOW_DATASET": DATASET,
            "SNOWPLOW_MODELS_DATASET": DATASET,
            "SNOWPLOW_ANALYTICS_DATASET": DATASET,
        },
    )
    project.invoke("run", "--quiet", "--select", "metric_anomalies", "--full-refresh")
    columns = ", ".join(COLUMNS)
    on_bigquery = [
        dict(row.items())
        for row in client.query_and_wait(f"select {columns} from {DATASET}.metric_anomalies")
    ]
    with duckdb.connect(str(world.database), read_only=True) as connection:
        cursor = connection.execute(f"select {columns} from metric_anomalies")
        on_duckdb = [dict(zip(COLUMNS, row, strict=True)) for row in cursor.fetchall()]
    # a count missing on a day scores as 0 there: a row for every metric and day
    assert len(on_bigquery) == len(on_duckdb) >= copied
    assert sorted(map(_key, on_bigquery)) == sorted(map(_key, on_duckdb))
    assert sum(1 for row in on_bigquery if row["is_anomaly"]) >= 4  # the incidents

"""The BigQuery tables the function writes, built from the contract's table layouts.

Infra declares the same tables (from the same schemas) in production; ``ensure``
creates whatever is missing, for tests, emulators and a first manual deployment.
Staging tables are per file and created by their load job alone (no concurrent
DDL between deliveries); they live in a dataset of their own whose default table
expiration removes an abandoned one, and each successful commit drops its own.
"""

from typing import TYPE_CHECKING

from snowplow_loader import bigquery_sql as sql
from snowplow_loader.cloud.config import Config
from snowplow_loader.contract import (
    BAD_ROWS_LAYOUT,
    MANIFEST_LAYOUT,
    RAW_EVENTS_LAYOUT,
    bigquery_schema,
)

if TYPE_CHECKING:
    from google.cloud import bigquery


def names(config: Config, project: str) -> sql.Tables:
    dataset = f"{project}.{config.dataset}"
    return sql.Tables(
        raw_events=f"{dataset}.{config.raw_table}",
        bad_rows=f"{dataset}.{config.bad_rows_table}",
        manifest=f"{dataset}.{config.manifest_table}",
    )


def staging_table(config: Config, project: str, digest: str) -> str:
    return f"{project}.{config.staging_dataset_name}.stg_{digest}"


def schema_fields(fields: list[dict[str, str]]) -> list["bigquery.SchemaField"]:
    from google.cloud import bigquery

    return [bigquery.SchemaField.from_api_repr(field) for field in fields]


def ensure(client: "bigquery.Client", config: Config, project: str) -> None:
    """Create the datasets and the three tables if missing (never alters existing ones)."""
    from google.cloud import bigquery

    client.create_dataset(f"{project}.{config.dataset}", exists_ok=True)
    staging = bigquery.Dataset(f"{project}.{config.staging_dataset_name}")
    staging.default_table_expiration_ms = config.staging_ttl_hours * 3600 * 1000
    client.create_dataset(staging, exists_ok=True)
    tables = names(config, project)
    layouts = [
        (tables.raw_events, RAW_EVENTS_LAYOUT),
        (tables.bad_rows, BAD_ROWS_LAYOUT),
        (tables.manifest, MANIFEST_LAYOUT),
    ]
    for name, layout in layouts:
        table = bigquery.Table(name, schema=schema_fields(bigquery_schema(layout.fields)))
        if layout.partition:
            table.time_partitioning = bigquery.TimePartitioning(field=layout.partition)
        table.clustering_fields = list(layout.clustering)
        client.create_table(table, exists_ok=True)

"""The loader's BigQuery tables as the warehouse declares them, from the loader's contract.

The CDKTF warehouse construct passes these specs to its google_bigquery_table
resources, so the tables the function writes cannot drift from the rows it produces.
"""

import json
from dataclasses import dataclass

from snowplow_loader.contract import (
    BAD_ROWS_LAYOUT,
    MANIFEST_LAYOUT,
    RAW_EVENTS_LAYOUT,
    TableLayout,
    bigquery_schema,
)


@dataclass(frozen=True)
class TableSpec:
    """The parts of a google_bigquery_table that come from the contract."""

    table_id: str
    schema_json: str
    partition_field: str | None  # day partitions when set
    clustering: tuple[str, ...]


def table_spec(layout: TableLayout) -> TableSpec:
    return TableSpec(
        table_id=layout.name,
        schema_json=json.dumps(bigquery_schema(layout.fields), indent=2),
        partition_field=layout.partition,
        clustering=layout.clustering,
    )


LOADER_TABLES = tuple(table_spec(t) for t in (RAW_EVENTS_LAYOUT, BAD_ROWS_LAYOUT, MANIFEST_LAYOUT))
"""raw_events, raw_events_bad_rows and load_manifest, in that order."""

"""raw_events as the warehouse declares it, derived from the loader's contract.

The CDKTF warehouse construct passes this spec to its BigQuery table, so the table
the function loads into cannot drift from the rows the function produces.
"""

import json
from dataclasses import dataclass

from snowplow_loader.contract import CLUSTER_COLUMNS, PARTITION_COLUMN, bigquery_schema


@dataclass(frozen=True)
class TableSpec:
    """The parts of a google_bigquery_table that come from the contract."""

    table_id: str
    schema_json: str
    partition_field: str
    partition_type: str
    clustering: tuple[str, ...]


def raw_events_table_spec(table_id: str = "raw_events") -> TableSpec:
    return TableSpec(
        table_id=table_id,
        schema_json=json.dumps(bigquery_schema(), indent=2),
        partition_field=PARTITION_COLUMN,
        partition_type="DAY",
        clustering=CLUSTER_COLUMNS,
    )

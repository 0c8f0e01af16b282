"""The warehouse as the propensity step and the anomaly log see it: batches in, batches out.

Reading goes through each engine's streaming interface (DuckDB's record-batch reader,
BigQuery's page iterator as Arrow), and scores are written batch by batch into a staging
table, so memory holds one batch whatever the number of users. Both engines run the same
statements; the only differences (names, hashing, the staging write) live here.
"""

import io
import os
from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Protocol

import duckdb
import pyarrow as pa
import pyarrow.parquet as pq
from google.cloud import bigquery

# A small query's row by column name. Both clients leave column values untyped (DuckDB's
# fetchall, BigQuery's Row): what a column holds is the query's, not the library's.
type Row = dict[str, Any]


class Warehouse(Protocol):
    """What the propensity step needs of an engine."""

    def models(self, name: str) -> str:
        """The quoted relation of a model of the models layer (dbt's target schema)."""
        ...

    def analytics(self, name: str) -> str:
        """The quoted relation of a table of the analytics layer."""
        ...

    def hash_order(self, column: str) -> str:
        """An expression ordering rows pseudo-randomly but reproducibly by `column`."""
        ...

    def batches(self, sql: str, size: int) -> Iterator[pa.RecordBatch]:
        """The rows of a query, `size` at a time."""
        ...

    def rows(self, sql: str) -> list[Row]:
        """The rows of a small query."""
        ...

    def execute(self, sql: str) -> None:
        """Run one statement."""
        ...

    def exists(self, name: str) -> bool:
        """Whether the analytics table `name` exists."""
        ...

    def append(self, name: str, batch: pa.Table) -> None:
        """Append rows to the analytics table `name` (created from the first batch)."""
        ...


@dataclass
class DuckDBWarehouse:
    """The local DuckDB file dbt builds into (every layer in schema `main`)."""

    connection: duckdb.DuckDBPyConnection
    schema: str = "main"

    @classmethod
    def open(cls, path: Path) -> "DuckDBWarehouse":
        return cls(duckdb.connect(str(path)))

    def close(self) -> None:
        self.connection.close()

    def models(self, name: str) -> str:
        return f'"{self.schema}"."{name}"'

    analytics = models

    def hash_order(self, column: str) -> str:
        return f"hash({column})"

    def batches(self, sql: str, size: int) -> Iterator[pa.RecordBatch]:
        # a cursor of its own: statements run between batches (the score writes) would
        # otherwise close the pending result on the shared connection
        cursor = self.connection.cursor()
        try:
            yield from cursor.execute(sql).to_arrow_reader(size)
        finally:
            cursor.close()

    def rows(self, sql: str) -> list[Row]:
        result = self.connection.execute(sql)
        names = [column[0] for column in result.description or []]
        return [dict(zip(names, row, strict=True)) for row in result.fetchall()]

    def execute(self, sql: str) -> None:
        self.connection.execute(sql)

    def exists(self, name: str) -> bool:
        found = self.connection.execute(
            "select count(*) from information_schema.tables"
            " where table_schema = ? and table_name = ?",
            [self.schema, name],
        ).fetchone()
        return bool(found and found[0])

    def append(self, name: str, batch: pa.Table) -> None:
        self.connection.register("snowplow_batch", batch)
        try:
            if self.exists(name):
                self.connection.execute(
                    f"insert into {self.analytics(name)} select * from snowplow_batch"
                )
            else:
                self.connection.execute(
                    f"create table {self.analytics(name)} as select * from snowplow_batch"
                )
        finally:
            self.connection.unregister("snowplow_batch")


@dataclass
class BigQueryWarehouse:
    """BigQuery through its client (the job's identity): models and analytics datasets."""

    client: bigquery.Client
    models_dataset: str
    analytics_dataset: str

    @classmethod
    def from_env(cls, env: Mapping[str, str] = os.environ) -> "BigQueryWarehouse":
        """The datasets the dbt profile writes to (transform/profiles.yml's variables)."""
        credentials, client_options = None, None
        endpoint = env.get("SNOWPLOW_BIGQUERY_ENDPOINT")
        if endpoint:  # the local emulator (tests)
            from google.auth.credentials import AnonymousCredentials

            credentials = AnonymousCredentials()  # type: ignore[no-untyped-call]
            client_options = {"api_endpoint": endpoint}
        client = bigquery.Client(
            project=env["SNOWPLOW_PROJECT"], credentials=credentials, client_options=client_options
        )
        models = env.get("SNOWPLOW_MODELS_DATASET") or "snowplow"
        return cls(client, models, env.get("SNOWPLOW_ANALYTICS_DATASET") or models)

    def _name(self, dataset: str, name: str) -> str:
        return f"`{self.client.project}.{dataset}.{name}`"

    def models(self, name: str) -> str:
        return self._name(self.models_dataset, name)

    def analytics(self, name: str) -> str:
        return self._name(self.analytics_dataset, name)

    def hash_order(self, column: str) -> str:
        return f"farm_fingerprint({column})"

    def batches(self, sql: str, size: int) -> Iterator[pa.RecordBatch]:
        # one page per request: the client holds one page, not the result
        rows = self.client.query_and_wait(sql, page_size=size)
        for table in rows.to_arrow_iterable():
            yield from table.to_batches() if isinstance(table, pa.Table) else [table]

    def rows(self, sql: str) -> list[Row]:
        return [dict(row.items()) for row in self.client.query_and_wait(sql)]

    def execute(self, sql: str) -> None:
        self.client.query_and_wait(sql)

    def exists(self, name: str) -> bool:
        from google.api_core.exceptions import NotFound

        try:
            self.client.get_table(f"{self.client.project}.{self.analytics_dataset}.{name}")
        except NotFound:
            return False
        return True

    def append(self, name: str, batch: pa.Table) -> None:
        """One load job per batch (Parquet in memory): no streaming buffer, no DML quota."""
        buffer = io.BytesIO()
        pq.write_table(batch, buffer)
        buffer.seek(0)
        config = bigquery.LoadJobConfig(
            source_format=bigquery.SourceFormat.PARQUET,
            write_disposition=bigquery.WriteDisposition.WRITE_APPEND,
        )
        table = f"{self.client.project}.{self.analytics_dataset}.{name}"
        self.client.load_table_from_file(buffer, table, job_config=config).result()

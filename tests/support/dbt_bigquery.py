"""dbt-bigquery against the local BigQuery emulator: the one gap a test must bridge."""

from google.cloud import bigquery


def install_dbt_shim() -> None:
    """Let dbt-bigquery run against the emulator (test use only).

    After a CREATE TABLE AS SELECT or a SELECT, dbt-bigquery reads the job's destination
    table to report a row count; the emulator leaves the destination empty, and
    `Client.get_table(None)` fails. With the shim, a missing destination yields a table
    of unknown size. Installing it twice is harmless.
    """
    if getattr(bigquery.Client.get_table, "_snowplow_shim", False):
        return
    original = bigquery.Client.get_table

    def get_table(self: bigquery.Client, table: object, *args: object, **kwargs: object) -> object:
        if table is None:
            return _UnknownTable()
        return original(self, table, *args, **kwargs)  # type: ignore[arg-type]

    get_table._snowplow_shim = True  # type: ignore[attr-defined]
    bigquery.Client.get_table = get_table  # type: ignore[method-assign,assignment]


class _UnknownTable:
    num_rows = None
    schema: tuple[bigquery.SchemaField, ...] = ()

"""The BigQuery source, on the local-bigquery emulator with the real client."""

from snowplow_sheets.config import Environment, Tab
from snowplow_sheets.source import BigQuerySource

from tests.emulators import Emulators


def test_reads_the_shape_and_the_ordered_rows_of_an_analytics_table(
    emulators: Emulators,
) -> None:
    client = emulators.bigquery()
    client.create_dataset("sheets_analytics", exists_ok=True)
    client.query(
        "create or replace table sheets_analytics.daily_active_users as "
        "select date '2026-11-02' as activity_date, 7 as active_users, 'a' as note "
        "union all select date '2026-11-01', 5, repeat('b', 12)"
    ).result()
    environment = Environment(
        target="dev", project=client.project, analytics_dataset="sheets_analytics"
    )
    source = BigQuerySource(client, environment)
    tab = Tab(
        tab="Daily", model="daily_active_users", dataset="analytics", order_by=["activity_date"]
    )
    shape = source.shape(tab)
    assert (shape.rows, shape.columns) == (2, ["activity_date", "active_users", "note"])
    assert shape.longest == {"note": 12}
    table = source.read(tab, None)
    assert table.rows == [["2026-11-01", 5, "b" * 12], ["2026-11-02", 7, "a"]]
    assert source.bigquery_table(tab) == (client.project, "sheets_analytics", "daily_active_users")

"""Connected mode against the fake: created once, refreshed after, never retried blindly."""

from pathlib import Path

import pytest
from googleapiclient.errors import HttpError
from snowplow_sheets.config import Mode, OnRefused, SyncConfig, Tab
from snowplow_sheets.sheets_api import service
from snowplow_sheets.sheets_writer import SheetsWriter, SyncError
from snowplow_sheets.source import BigQuerySource, DuckDBSource
from snowplow_sheets.sync import sync
from snowplow_sheets.writer import Run

from tests.support.fake_sheets import FakeSheets
from tests.support.sheets import CONNECTED, PROJECT, api_for, writer_for


def requests_of(fake: FakeSheets, kind: str) -> list[dict[str, object]]:
    return [
        request[kind]
        for call in fake.calls
        if call.method_id == "sheets.spreadsheets.batchUpdate" and call.status == 200
        for request in (call.body or {})["requests"]
        if kind in request
    ]


def test_first_run_creates_the_data_sources_and_the_second_refreshes_them(
    fake: FakeSheets, source: BigQuerySource
) -> None:
    writer = SheetsWriter(api_for(fake))
    first = sync(CONNECTED, source, writer, Run.new("run-1"))
    assert [r.action.split(",")[0] for r in first] == ["data source created"] * 2
    added = requests_of(fake, "addDataSource")
    sessions = fake.spreadsheet.titled("Sessions").sheet_id
    assert added[0] == {
        "dataSource": {
            "spec": {
                "bigQuery": {
                    "projectId": PROJECT,
                    "tableSpec": {
                        "tableProjectId": PROJECT,
                        "datasetId": "snowplow_dev_marts",
                        "tableId": "fct_sessions",
                    },
                }
            },
            "sheetId": sessions,  # chosen by the sync, so the same batch can tag the sheet
        }
    }
    titles = {s.title: s.sheet_type for s in fake.spreadsheet.sheets}
    assert titles["Sessions"] == titles["Users"] == "DATA_SOURCE"

    second = sync(CONNECTED, source, writer, Run.new("run-2"))
    assert [r.action.split(",")[0] for r in second] == ["data source refreshed"] * 2
    assert len(requests_of(fake, "addDataSource")) == 2  # none added by the second run
    refreshed = requests_of(fake, "refreshDataSource")
    assert {r["dataSourceId"] for r in refreshed} == {
        s["dataSourceId"] for s in fake.spreadsheet.data_sources
    }
    assert set(fake.spreadsheet.refreshes.values()) == {1}

    again = sync(CONNECTED, source, writer, Run.new("run-2"))
    assert all(r.action.startswith("unchanged") for r in again)
    assert set(fake.spreadsheet.refreshes.values()) == {1}
    assert fake.invalid == []  # every request matched the discovery document


def test_a_refresh_that_failed_with_5xx_is_not_retried(
    fake: FakeSheets, source: BigQuerySource
) -> None:
    writer = SheetsWriter(api_for(fake))
    sync(CONNECTED, source, writer, Run.new("run-1"))
    fake.forced = [429, 503]  # 429: refused before running, retried; 503: may have run
    with pytest.raises(SyncError, match=r"may or may not have run\. Not retried"):
        sync(CONNECTED, source, writer, Run.new("run-2"))
    attempts = [
        call
        for call in fake.calls
        if call.method_id.endswith("batchUpdate") and "refreshDataSource" in str(call.body)
    ]
    assert [call.status for call in attempts] == [429, 503]


def test_the_fake_refuses_what_the_discovery_document_does_not_allow(fake: FakeSheets) -> None:
    sheets = service(connected=True, endpoint=fake.endpoint).spreadsheets()
    wrong_field = {"bigQuery": {"projectId": PROJECT, "tableSpec": {"table": "fct_sessions"}}}
    wrong_enum = {"addChart": {"chart": {"spec": {"basicChart": {"chartType": "CURVY"}}}}}
    for request in ({"addDataSource": {"dataSource": {"spec": wrong_field}}}, wrong_enum):
        call = sheets.batchUpdate(
            spreadsheetId=fake.spreadsheet.spreadsheet_id, body={"requests": [request]}
        )
        with pytest.raises(HttpError) as refused:
            call.execute()
        assert refused.value.resp.status == 400
    assert 'Unknown name "table"' in fake.invalid[0]
    assert "'CURVY' is not one of" in fake.invalid[1]
    assert fake.spreadsheet.data_sources == []
    mask = "sheets(properties(sheetId,dataSourceSheetProperties(executionStatus)))"
    with pytest.raises(HttpError) as refused:
        sheets.get(spreadsheetId=fake.spreadsheet.spreadsheet_id, fields=mask).execute()
    assert refused.value.resp.status == 400
    assert "Invalid field selection executionStatus" in fake.invalid[2]


def test_a_refused_connection_says_which_identity_and_the_fallback(
    fake: FakeSheets, source: BigQuerySource
) -> None:
    fake.forced = [403]
    with pytest.raises(SyncError) as refused:
        sync(CONNECTED, source, SheetsWriter(api_for(fake)), Run.new("run-1"))
    message = str(refused.value)
    assert (
        "Sessions: Sheets refused to connect my-project-dev.snowplow_dev_marts.fct_sessions"
        in message
    )
    assert "a person's OAuth login" in message and "set `mode: values`" in message
    assert fake.spreadsheet.data_sources == []


class WarehouseAsBigQuery(DuckDBSource):
    """The test warehouse standing in for BigQuery: connected tabs name the BigQuery
    table; a tab that falls back to values reads its rows from DuckDB."""

    def bigquery_table(self, tab: Tab) -> tuple[str, str, str]:  # type: ignore[override]
        return PROJECT, "snowplow_dev_marts", tab.model


def test_a_refused_connection_falls_back_to_values_where_the_tab_allows(
    warehouse: Path, fake: FakeSheets
) -> None:
    config = SyncConfig(
        tabs=[
            Tab(
                tab="Sessions",
                model="fct_sessions",
                dataset="marts",
                mode=Mode.CONNECTED,
                on_refused=OnRefused.VALUES,
            ),
            Tab(tab="Users", model="dim_users", dataset="marts", mode=Mode.CONNECTED),
        ]
    )
    source = WarehouseAsBigQuery(warehouse)
    fake.forced = [403]  # the Sessions data source: refused (edition, identity or scope)
    results = sync(config, source, writer_for(fake), Run.new("run-1"))
    assert [r.action.split(",")[0] for r in results] == ["replaced", "data source created"]
    note = results[0].notes[-1]
    assert note.startswith("written as values (on_refused: values): Sessions: Sheets refused")
    assert "bigquery.readonly scope" in note
    sessions = fake.spreadsheet.titled("Sessions")
    assert sessions.sheet_type == "GRID" and len(sessions.values) == 2 + 120
    # once Sheets allows it, the next run connects the tab and the values tab goes
    sync(config, source, writer_for(fake), Run.new("run-2"))
    assert fake.spreadsheet.titled("Sessions").sheet_type == "DATA_SOURCE"
    assert [s.title for s in fake.spreadsheet.sheets] == ["Sheet1", "Users", "Sessions"]
    assert fake.invalid == []

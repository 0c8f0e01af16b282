"""The tabs survive the people who use them: renamed, deleted, built upon, half-converted.

The sync finds its tabs by developer metadata, updates a values tab in place (its sheet
id never changes, so formulas and charts people built on it keep reading live data) and
turns a values tab into a connected one in a single batchUpdate.
"""

from pathlib import Path

import duckdb
import pytest
from snowplow_sheets.config import Chart, SyncConfig, Tab
from snowplow_sheets.owned import RUN_KEY, STAGING_KEY, TAB_KEY
from snowplow_sheets.sheets_api import service
from snowplow_sheets.source import BigQuerySource, DuckDBSource
from snowplow_sheets.sync import sync
from snowplow_sheets.writer import Run, SyncError

from tests.support.fake_sheets import FakeSheets
from tests.support.fake_sheets.spreadsheet import Sheet
from tests.support.sheets import CONNECTED, PROJECT, build_warehouse, writer_for

DAU = Tab(
    tab="Daily active users",
    model="daily_active_users",
    dataset="analytics",
    order_by=["activity_date"],
    chart=Chart(title="DAU", x="activity_date", y=["active_users"], y_title="users"),
)
VALUES = SyncConfig(
    tabs=[DAU, Tab(tab="User engagement", model="user_engagement", dataset="analytics")]
)


def tagged(sheet: Sheet, key: str) -> str | None:
    found = [m["metadataValue"] for m in sheet.metadata if m["metadataKey"] == key]
    return str(found[0]) if found else None


def owned(fake: FakeSheets, tab: str) -> list[Sheet]:
    return [s for s in fake.spreadsheet.sheets if tagged(s, TAB_KEY) == tab]


def person(fake: FakeSheets, *requests: dict[str, object]) -> None:
    """A person's edit in the Sheets UI, sent as the API request it amounts to."""
    sheets = service(connected=True, endpoint=fake.endpoint).spreadsheets()
    body = {"requests": list(requests)}
    sheets.batchUpdate(spreadsheetId=fake.spreadsheet.spreadsheet_id, body=body).execute()


def rename(sheet_id: int, title: str) -> dict[str, object]:
    properties = {"sheetId": sheet_id, "title": title}
    return {"updateSheetProperties": {"properties": properties, "fields": "title"}}


def no_orphans(fake: FakeSheets, tabs: list[str], people: int = 0) -> None:
    """Sheet1, the people's tabs and one owned sheet per tab, nothing else; every data
    source has its sheet."""
    for tab in tabs:
        assert len(owned(fake, tab)) == 1, tab
    assert len(fake.spreadsheet.sheets) == 1 + people + len(tabs)
    assert not [s for s in fake.spreadsheet.sheets if tagged(s, STAGING_KEY)]
    sheet_ids = {s.sheet_id for s in fake.spreadsheet.sheets}
    assert all(source["sheetId"] in sheet_ids for source in fake.spreadsheet.data_sources)
    assert fake.invalid == [] and fake.rejected == []


def test_what_people_built_on_a_values_tab_reads_live_data_after_three_runs(
    tmp_path: Path, fake: FakeSheets
) -> None:
    database = build_warehouse(tmp_path / "w.duckdb", {"daily_active_users": 30})
    writer = writer_for(fake)
    sync(SyncConfig(tabs=[DAU]), DuckDBSource(database), writer, Run.new("run-0"))
    live = fake.spreadsheet.titled("Daily active users").sheet_id
    column = fake.spreadsheet.by_id(live).values[1].index("active_users")
    # a dashboard tab: a chart of the first week's active users, a formula on the first day
    series = {"sheetId": live, "startRowIndex": 2, "endRowIndex": 9}
    series |= {"startColumnIndex": column, "endColumnIndex": column + 1}
    dashboard = {"sheetId": 77, "title": "Dashboard"}
    person(
        fake,
        {"addSheet": {"properties": dashboard}},
        {
            "addChart": {
                "chart": {
                    "spec": {
                        "basicChart": {
                            "chartType": "COLUMN",
                            "series": [{"series": {"sourceRange": {"sources": [series]}}}],
                        }
                    },
                    "position": {"overlayPosition": {"anchorCell": {"sheetId": 77}}},
                }
            }
        },
    )
    for run in (1, 2, 3):
        with duckdb.connect(str(database)) as connection:
            connection.execute(
                "update main.daily_active_users set active_users = active_users + 100"
            )
            first = connection.execute(
                "select active_users from main.daily_active_users order by activity_date limit 7"
            ).fetchall()
        sync(SyncConfig(tabs=[DAU]), DuckDBSource(database), writer, Run.new(f"run-{run}"))
        assert fake.spreadsheet.titled("Daily active users").sheet_id == live
        # the formula ='Daily active users'!<first day's active_users> and the chart's range
        assert fake.spreadsheet.evaluate(live, 3, column + 1) == first[0][0]
        [chart] = fake.spreadsheet.titled("Dashboard").charts
        [source] = chart["spec"]["basicChart"]["series"][0]["series"]["sourceRange"]["sources"]
        shown = [
            fake.spreadsheet.evaluate(source["sheetId"], row + 1, column + 1) for row in range(2, 9)
        ]
        assert shown == [value for (value,) in first]
    sheet = fake.spreadsheet.by_id(live)
    assert len(sheet.charts) == 1  # the sync's own chart, updated in place each run
    assert sheet.frozen_rows == 2 and tagged(sheet, RUN_KEY) == "run-3"
    no_orphans(fake, ["Daily active users"], people=1)


def test_a_renamed_values_tab_is_updated_in_place_and_a_deleted_one_comes_back_once(
    warehouse: Path, fake: FakeSheets
) -> None:
    writer = writer_for(fake)
    sync(VALUES, DuckDBSource(warehouse), writer, Run.new("run-1"))
    engagement = fake.spreadsheet.titled("User engagement").sheet_id
    daily = fake.spreadsheet.titled("Daily active users").sheet_id
    person(fake, rename(engagement, "Engagement (mine)"), {"deleteSheet": {"sheetId": daily}})
    sync(VALUES, DuckDBSource(warehouse), writer, Run.new("run-2"))
    mine = fake.spreadsheet.titled("Engagement (mine)")
    assert mine.sheet_id == engagement and mine.values[0][:2] == ["run_id", "run-2"]
    assert len(mine.values) == 2 + 60
    again = fake.spreadsheet.titled("Daily active users")
    assert again.sheet_id != daily and again.values[0][:2] == ["run_id", "run-2"]
    assert len(again.values) == 2 + 30 and len(again.charts) == 1
    sync(VALUES, DuckDBSource(warehouse), writer, Run.new("run-3"))
    assert fake.spreadsheet.titled("Daily active users").sheet_id == again.sheet_id
    no_orphans(fake, ["Daily active users", "User engagement"])


def test_renamed_and_deleted_data_source_sheets_are_refreshed_once_or_replaced(
    fake: FakeSheets, source: BigQuerySource
) -> None:
    writer = writer_for(fake)
    sync(CONNECTED, source, writer, Run.new("run-1"))
    [sessions], [users] = owned(fake, "Sessions"), owned(fake, "Users")
    person(
        fake,
        rename(sessions.sheet_id, "All sessions"),
        {"deleteSheet": {"sheetId": users.sheet_id}},
    )
    assert len(fake.spreadsheet.data_sources) == 2  # the Users source outlives its sheet
    results = sync(CONNECTED, source, writer, Run.new("run-2"))
    assert [r.action.split(",")[0] for r in results] == [
        "data source refreshed",
        "data source created",
    ]
    assert fake.spreadsheet.titled("All sessions").sheet_id == sessions.sheet_id
    assert fake.spreadsheet.refreshes == {sessions.data_source_id: 1}  # one billed refresh
    assert users.data_source_id not in {s["dataSourceId"] for s in fake.spreadsheet.data_sources}
    assert fake.spreadsheet.titled("Users").sheet_type == "DATA_SOURCE"
    no_orphans(fake, ["Sessions", "Users"])


def test_a_run_stopped_after_adding_a_data_source_is_completed_by_the_next(
    fake: FakeSheets, source: BigQuerySource
) -> None:
    fake.spreadsheet.execution_seconds = float("inf")  # the run stops while it waits
    with pytest.raises(SyncError, match="still RUNNING"):
        sync(CONNECTED, source, writer_for(fake, refresh_timeout=0.1), Run.new("run-1"))
    fake.spreadsheet.execution_seconds = 0.0
    sync(CONNECTED, source, writer_for(fake), Run.new("run-2"))
    [sessions] = owned(fake, "Sessions")
    assert fake.spreadsheet.refreshes == {sessions.data_source_id: 1}
    assert all(tagged(sheet, RUN_KEY) == "run-2" for sheet in fake.spreadsheet.sheets[1:])
    no_orphans(fake, ["Sessions", "Users"])


def test_a_conversion_left_halfway_by_an_earlier_run_is_repaired(
    warehouse: Path, fake: FakeSheets, source: BigQuerySource
) -> None:
    # values tabs first (the source was DuckDB), then a data source on fct_sessions whose
    # sheet was never renamed nor tagged: what a run killed after addDataSource left
    sync(CONNECTED, DuckDBSource(warehouse), writer_for(fake), Run.new("run-1"))
    table = {
        "tableProjectId": PROJECT,
        "datasetId": "snowplow_dev_marts",
        "tableId": "fct_sessions",
    }
    spec = {"bigQuery": {"projectId": PROJECT, "tableSpec": table}}
    person(fake, {"addDataSource": {"dataSource": {"spec": spec}}})
    [leftover] = [s for s in fake.spreadsheet.sheets if s.sheet_type == "DATA_SOURCE"]
    sync(CONNECTED, source, writer_for(fake), Run.new("run-2"))
    [sessions], [users] = owned(fake, "Sessions"), owned(fake, "Users")
    assert sessions.sheet_id == leftover.sheet_id  # adopted, not doubled
    assert sessions.sheet_type == users.sheet_type == "DATA_SOURCE"
    assert fake.spreadsheet.refreshes == {leftover.data_source_id: 1}
    assert len(fake.spreadsheet.data_sources) == 2
    no_orphans(fake, ["Sessions", "Users"])

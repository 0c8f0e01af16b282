"""Connected tabs are checked: a FAILED or never-ending data execution fails the run.

Adding or refreshing a data source runs in the background; the fake reports RUNNING,
then SUCCEEDED or FAILED with an error code and message, as the Sheets API does. The
run must wait for the outcome and exit 1 with the API's own words when it is not good.
"""

import math
from pathlib import Path

import pytest
from snowplow_sheets.cli import main
from snowplow_sheets.config import Pivot, PivotValue, SyncConfig
from snowplow_sheets.owned import REFRESHED_KEY, RUN_KEY, TAB_KEY
from snowplow_sheets.source import BigQuerySource
from snowplow_sheets.sync import sync
from snowplow_sheets.writer import Run, SyncError

from tests.support.fake_sheets import FakeSheets
from tests.support.fake_sheets.spreadsheet import Execution, Sheet
from tests.support.sheets import CONNECTED, PROJECT, writer_for

DENIED = (
    "Access Denied: Table my-project-dev:snowplow_dev_marts.fct_sessions: User does not "
    "have permission to query table my-project-dev:snowplow_dev_marts.fct_sessions"
)


def tagged(sheet: Sheet, key: str) -> str | None:
    found = [m["metadataValue"] for m in sheet.metadata if m["metadataKey"] == key]
    return str(found[0]) if found else None


def sessions_sheet(fake: FakeSheets) -> Sheet:
    [sheet] = [s for s in fake.spreadsheet.sheets if tagged(s, TAB_KEY) == "Sessions"]
    return sheet


@pytest.fixture
def cloud(fake: FakeSheets, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> FakeSheets:
    """`snowplow-sheets` as the daily job runs it on BigQuery, against the fake Sheets."""
    config = tmp_path / "connected.yml"
    config.write_text(
        "tabs:\n"
        "  - {tab: Sessions, model: fct_sessions, dataset: marts, mode: connected}\n"
        "  - {tab: Users, model: dim_users, dataset: marts, mode: connected}\n"
    )
    environment = {
        "SNOWPLOW_SHEETS_CONFIG": str(config),
        "SNOWPLOW_DBT_TARGET": "dev",
        "SNOWPLOW_PROJECT": PROJECT,
        "SNOWPLOW_MODELS_DATASET": "snowplow_dev_marts",
        "SNOWPLOW_SPREADSHEET_ID": fake.spreadsheet.spreadsheet_id,
        "SNOWPLOW_SHEETS_ENDPOINT": fake.endpoint,
        # connected tabs only name their table: nothing is sent to BigQuery, so no server
        "BIGQUERY_EMULATOR_HOST": "http://127.0.0.1:9",
    }
    for name, value in environment.items():
        monkeypatch.setenv(name, value)
    return fake


@pytest.mark.parametrize("when", ["adding", "refreshing"])
def test_a_failed_data_execution_exits_1_with_the_api_message(
    cloud: FakeSheets, when: str, capsys: pytest.CaptureFixture[str]
) -> None:
    if when == "refreshing":
        assert main(["--run-id", "run-1"]) == 0
        assert tagged(sessions_sheet(cloud), RUN_KEY) == "run-1"
    cloud.spreadsheet.outcomes = [Execution("FAILED", "PERMISSION_DENIED", DENIED)]
    capsys.readouterr()
    assert main(["--run-id", "run-2"]) == 1
    error = capsys.readouterr().err
    assert f"Sessions: the BigQuery data source FAILED (PERMISSION_DENIED): {DENIED}" in error
    assert "Completed by run run-2: no tab; not completed" in error
    # not recorded as done, so the same run id tries again, and then succeeds
    assert tagged(sessions_sheet(cloud), RUN_KEY) == ("run-1" if when == "refreshing" else None)
    assert main(["--run-id", "run-2"]) == 0
    assert tagged(sessions_sheet(cloud), RUN_KEY) == "run-2"
    assert tagged(sessions_sheet(cloud), REFRESHED_KEY)
    assert cloud.invalid == []


def test_a_refresh_still_running_at_the_timeout_fails_the_run(
    fake: FakeSheets, source: BigQuerySource
) -> None:
    sync(CONNECTED, source, writer_for(fake), Run.new("run-1"))
    fake.spreadsheet.execution_seconds = math.inf  # the query never ends
    writer = writer_for(fake, refresh_timeout=0.3)
    with pytest.raises(SyncError) as failed:
        sync(CONNECTED, source, writer, Run.new("run-2"))
    message = str(failed.value)
    assert "Sessions: the BigQuery data source is still RUNNING after" in message
    assert "timeout 0.3 s" in message and "not completed (each shows its previous run)" in message
    assert tagged(sessions_sheet(fake), RUN_KEY) == "run-1"
    assert fake.spreadsheet.refreshes == {sessions_sheet(fake).data_source_id: 1}


def test_the_poll_waits_for_a_slow_execution_to_succeed(
    fake: FakeSheets, source: BigQuerySource
) -> None:
    fake.spreadsheet.execution_seconds = 0.2
    results = sync(CONNECTED, source, writer_for(fake), Run.new("run-1"))
    assert [r.action.split(",")[0] for r in results] == ["data source created"] * 2
    polls = [c for c in fake.calls if c.method_id == "sheets.spreadsheets.get"]
    assert len(polls) >= 4  # read while RUNNING, more than once per tab
    assert all(tagged(s, RUN_KEY) == "run-1" for s in fake.spreadsheet.sheets if s.data_source_id)


@pytest.mark.slow  # imports dbt and starts `snowplow-sheets` as the job does, in a process
def test_the_daily_job_fails_with_the_api_message(
    cloud: FakeSheets, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    from snowplow_dbt import job

    cloud.spreadsheet.outcomes = [Execution("FAILED", "PERMISSION_DENIED", DENIED)]
    settings = job.Settings.from_env()
    daily = job.Job(settings, job.parse(["--run-id", "run-1"]), "run-1", tmp_path)
    assert job.run_step("sheets", "run-1", daily.sheets) is False
    logged = capsys.readouterr().out
    assert '"severity": "ERROR"' in logged and "sheets failed: sheets sync exited with 1" in logged
    assert f"the BigQuery data source FAILED (PERMISSION_DENIED): {DENIED}" in logged


def test_a_pivot_of_the_whole_table_refreshes_with_its_data_source(
    fake: FakeSheets, source: BigQuerySource
) -> None:
    pivot = Pivot(
        tab="Sessions by day",
        rows=["start_date"],
        values=[
            PivotValue(column="domain_sessionid", function="COUNTA"),
            PivotValue(column="engaged_time_in_s"),
        ],
    )
    tab = CONNECTED.tabs[0].model_copy(update={"pivot": pivot})
    config = SyncConfig(tabs=[tab])
    sync(config, source, writer_for(fake), Run.new("run-1"))
    by_day = fake.spreadsheet.titled("Sessions by day")
    [table] = by_day.pivots.values()
    data_source = sessions_sheet(fake).data_source_id
    assert table["dataSourceId"] == data_source
    assert [r["dataSourceColumnReference"]["name"] for r in table["rows"]] == ["start_date"]
    sync(config, source, writer_for(fake), Run.new("run-2"))
    # one refreshDataSource request: the data source and the pivot on it, once each
    assert fake.spreadsheet.refreshes == {data_source: 1, f"pivot:{by_day.sheet_id}:0:0": 1}
    assert fake.spreadsheet.titled("Sessions by day").sheet_id == by_day.sheet_id
    failed = Execution("FAILED", "TOO_MANY_ROWS", "The pivot table has too many rows")
    fake.spreadsheet.outcomes = [Execution(), failed]  # the data source, then the pivot
    with pytest.raises(SyncError, match="the pivot table on tab 'Sessions by day' FAILED"):
        sync(config, source, writer_for(fake), Run.new("run-3"))
    assert tagged(sessions_sheet(fake), RUN_KEY) == "run-2"
    assert fake.invalid == [] and fake.rejected == []

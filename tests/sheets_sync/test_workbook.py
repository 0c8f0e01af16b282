"""The embedded default: `snowplow-sheets` writes every configured tab to a local workbook."""

import datetime as dt
import zipfile
from pathlib import Path

import duckdb
import openpyxl
import pytest
from snowplow_sheets.cli import main
from snowplow_sheets.config import DEFAULT_CONFIG, ConfigError, load_config


@pytest.fixture
def local(warehouse: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    monkeypatch.setenv("SNOWPLOW_DUCKDB", str(warehouse))
    monkeypatch.delenv("SNOWPLOW_SPREADSHEET_ID", raising=False)
    monkeypatch.delenv("SNOWPLOW_DBT_TARGET", raising=False)
    return warehouse


def test_the_workbook_holds_every_tab_with_the_warehouse_rows_and_the_chart(
    local: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    path = tmp_path / "out" / "snowplow.xlsx"
    assert main(["--workbook", str(path), "--run-id", "demo-1"]) == 0
    assert f"run demo-1: {path}" in capsys.readouterr().out

    config = load_config(DEFAULT_CONFIG)
    book = openpyxl.load_workbook(path, read_only=True)
    assert book.sheetnames == [tab.tab for tab in config.tabs]
    with duckdb.connect(str(local), read_only=True) as warehouse:
        for tab in config.tabs:
            rows = list(book[tab.tab].values)
            count = warehouse.execute(f"select count(*) from main.{tab.model}").fetchone()
            assert count is not None and len(rows) - 2 == count[0] > 0
            assert rows[0][:2] == ("run_id", "demo-1") and rows[0][7] == count[0]
            columns = [c[0] for c in warehouse.execute(f"describe main.{tab.model}").fetchall()]
            assert list(rows[1][: len(columns)]) == columns
    book.close()

    with zipfile.ZipFile(path) as archive:
        charts = [name for name in archive.namelist() if name.startswith("xl/charts/chart")]
        assert len(charts) == 3  # daily active users; sessions by channel; the anomaly band
        texts = [archive.read(name).decode() for name in charts]
        chart = next(text for text in texts if "'Daily active users'!" in text)
        by_channel = next(text for text in texts if "'Sessions by channel'!" in text)
    assert "<c:lineChart>" in chart or "<lineChart>" in chart
    assert "'Daily active users'!$B$3:$B$32" in chart  # active_users, 30 days
    assert "'Daily active users'!$A$3:$A$32" in chart  # activity_date on the x axis
    # sessions by channel by day: one line per channel column (direct is column C)
    assert "'Sessions by channel'!$C$3:$C$32" in by_channel
    assert "'Sessions by channel'!$A$3:$A$32" in by_channel
    assert by_channel.count("<c:ser>") == 19


def test_the_same_run_id_leaves_the_workbook_alone(
    local: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    path = tmp_path / "snowplow.xlsx"
    assert main(["--workbook", str(path), "--run-id", "same"]) == 0
    written = path.stat().st_mtime_ns
    assert main(["--workbook", str(path), "--run-id", "same"]) == 0
    assert path.stat().st_mtime_ns == written
    tabs = len(load_config(DEFAULT_CONFIG).tabs)
    assert capsys.readouterr().out.count("unchanged: already written by same") == tabs
    assert main(["--workbook", str(path), "--run-id", "next"]) == 0
    assert path.stat().st_mtime_ns != written


def test_a_wrong_tab_list_names_the_file_and_the_field(tmp_path: Path) -> None:
    path = tmp_path / "sheets.yml"
    path.write_text("tabs:\n  - {tab: Users, modle: dim_users, dataset: marts, mode: live}\n")
    with pytest.raises(ConfigError) as wrong:
        load_config(path)
    message = str(wrong.value)
    assert f"{path}: tabs.0.mode: Input should be 'connected' or 'values'" in message
    assert f"{path}: tabs.0.modle: Extra inputs are not permitted" in message
    assert f"{path}: tabs.0.model: Field required" in message


def test_a_chart_on_a_missing_column_stops_the_run_before_writing(
    local: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    config = tmp_path / "sheets.yml"
    config.write_text(
        "tabs:\n  - tab: Daily\n    model: daily_active_users\n    dataset: analytics\n"
        "    chart: {title: DAU, x: activity_date, y: [daily_users]}\n"
    )
    path = tmp_path / "snowplow.xlsx"
    assert main(["--config", str(config), "--workbook", str(path)]) == 1
    assert "tab 'Daily': daily_active_users has no column daily_users" in capsys.readouterr().err
    assert not path.exists()


def test_dates_are_dates_and_numbers_numbers_with_a_frozen_header(
    local: Path, tmp_path: Path
) -> None:
    path = tmp_path / "snowplow.xlsx"
    assert main(["--workbook", str(path), "--run-id", "typed"]) == 0
    book = openpyxl.load_workbook(path)  # not read-only: it shows panes and widths
    daily = book["Daily active users"]
    assert daily.freeze_panes == "A3"
    day = daily["A3"]
    assert isinstance(day.value, dt.datetime) and day.value == dt.datetime(2026, 11, 1)
    assert day.number_format == "yyyy-mm-dd"
    assert isinstance(daily["B3"].value, int | float) and daily["B3"].number_format == "#,##0"
    assert daily.column_dimensions["A"].width >= 11
    sessions = book["Sessions"]
    header = [cell.value for cell in sessions[2]]
    start = sessions.cell(row=3, column=header.index("start_tstamp") + 1)
    assert isinstance(start.value, dt.datetime) and start.number_format == "yyyy-mm-dd hh:mm:ss"
    engaged = sessions.cell(row=4, column=header.index("is_engaged") + 1)
    assert isinstance(engaged.value, bool)
    assert sessions["A2"].font.b  # the header row is bold
    assert sessions.auto_filter.ref == f"A2:{openpyxl.utils.get_column_letter(len(header))}122"
    book.close()

"""Tables that do not fit are refused before anything is written, with a message that says why."""

from pathlib import Path

import duckdb
import pytest
from snowplow_sheets.cli import main
from snowplow_sheets.config import LongCells, SyncConfig, Tab
from snowplow_sheets.sheets_writer import SheetsWriter
from snowplow_sheets.source import DuckDBSource
from snowplow_sheets.sync import sync
from snowplow_sheets.table import LimitError
from snowplow_sheets.writer import Run

from tests.support.fake_sheets import FakeSheets
from tests.support.fake_sheets.spreadsheet import Sheet
from tests.support.sheets import api_for


def warehouse_with(path: Path, sql: str) -> Path:
    with duckdb.connect(str(path)) as connection:
        connection.execute(sql)
    return path


def tabs(model: str = "wide", long_cells: LongCells = LongCells.REFUSE) -> SyncConfig:
    small = Tab(tab="Small", model="small", dataset="analytics")
    return SyncConfig(
        tabs=[small, Tab(tab="Wide", model=model, dataset="marts", long_cells=long_cells)]
    )


@pytest.fixture(scope="module")
def warehouse(tmp_path_factory: pytest.TempPathFactory) -> Path:
    path = tmp_path_factory.mktemp("limits") / "limits.duckdb"
    return warehouse_with(
        path,
        "create table small as select i from range(5) r(i);"
        # 2,000,000 rows x 6 columns, in a 10-column tab with metadata: 20,000,020 cells
        "create table wide as select i as a, i as b, i as c, i as d, i as e, i as f "
        "from range(2000000) r(i);"
        "create table long_text as select i, repeat('x', 60000 + i) as body from range(3) r(i);",
    )


def test_a_table_over_ten_million_cells_is_refused_and_nothing_written(
    warehouse: Path, fake: FakeSheets
) -> None:
    with pytest.raises(LimitError) as refused:
        sync(tabs(), DuckDBSource(warehouse), SheetsWriter(api_for(fake)), Run.new("r1"))
    message = str(refused.value)
    assert "'Wide' (wide)" in message
    assert "20,000,020 cells" in message and "10,000,000 cells" in message
    assert "nothing written" in message
    assert fake.write_times() == []  # not even the small tab that fits
    assert [s.title for s in fake.spreadsheet.sheets] == ["Sheet1"]


def test_cells_already_in_the_spreadsheet_count_against_the_limit(
    tmp_path: Path, fake: FakeSheets
) -> None:
    database = warehouse_with(
        tmp_path / "w.duckdb",
        "create table small as select i from range(5) r(i);"
        "create table wide as select i as a from range(300000) r(i);",
    )
    fake.spreadsheet.sheets.append(Sheet(7, "Someone's notes", 1, rows=970_000, columns=10))
    with pytest.raises(LimitError, match=r"3,000,020 cells .* \(9,7\d\d,\d{3} already in use\)"):
        sync(tabs(), DuckDBSource(database), SheetsWriter(api_for(fake)), Run.new("r1"))
    assert fake.write_times() == []


def test_a_cell_over_fifty_thousand_characters_is_refused(
    warehouse: Path, fake: FakeSheets
) -> None:
    with pytest.raises(LimitError) as refused:
        sync(tabs("long_text"), DuckDBSource(warehouse), SheetsWriter(api_for(fake)), Run.new("r"))
    message = str(refused.value)
    assert "body (60,002 characters)" in message and "50,000 characters per cell" in message
    assert "long_cells: truncate" in message
    assert fake.write_times() == []


def test_truncation_only_where_the_file_asks_and_says_how(
    warehouse: Path, fake: FakeSheets
) -> None:
    config = tabs("long_text", LongCells.TRUNCATE)
    results = sync(config, DuckDBSource(warehouse), SheetsWriter(api_for(fake)), Run.new("r"))
    written = fake.spreadsheet.titled("Wide").values
    assert [len(str(row[1])) for row in written[2:]] == [50_000, 50_000, 50_000]
    note = str(written[0][9])
    assert "body (60,002 characters) cut to their first 50,000 characters" in note
    assert "3 cells cut" in note
    assert results[1].notes == [note.split("; ")[0], "3 cells cut"]
    assert fake.invalid == []


def test_the_workbook_refuses_more_rows_than_excel_holds(
    warehouse: Path,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    config = tmp_path / "sheets.yml"
    config.write_text(
        "tabs:\n  - {tab: Small, model: small, dataset: analytics}\n"
        "  - {tab: Wide, model: wide, dataset: marts}\n"
    )
    monkeypatch.setenv("SNOWPLOW_DUCKDB", str(warehouse))
    monkeypatch.delenv("SNOWPLOW_SPREADSHEET_ID", raising=False)
    monkeypatch.delenv("SNOWPLOW_DBT_TARGET", raising=False)
    workbook = tmp_path / "out.xlsx"
    assert main(["--config", str(config), "--workbook", str(workbook)]) == 1
    error = capsys.readouterr().err
    assert "'Wide' (wide): 2,000,002 rows x 10 columns" in error
    assert "1,048,576 rows" in error and "nothing written" in error
    assert not workbook.exists()

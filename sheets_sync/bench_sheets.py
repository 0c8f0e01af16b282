"""Benchmark of the Sheets sync on the demo's tables (`make bench`; not a timed test).

Every tab in sheets.yml, read from the demo's DuckDB warehouse (built by `make demo`;
connected tabs are written as values, as embedded mode does), synced:

1. to a local .xlsx workbook, by the sync's writer (rust_xlsxwriter) and, for the ratio,
   by openpyxl's write-only mode as the sync wrote workbooks before (text dates, one
   Python call per cell): cells per second from the first read to the file on disk;
2. to the local fake of the Sheets API, with Sheets' real pacing (60 write requests
   per minute, requests under 2 MB): wall time, write requests, the most in one minute;
3. the same with 20 % of requests meeting a fault (429 with Retry-After, 5xx, a reset or
   refused connection): what backoff costs.

Each figure is recorded with snowplow_sample.benchmarks.record (BENCHMARKS.md).

    python sheets_sync/bench_sheets.py [--duckdb FILE] [--work DIR]
"""

import argparse
import os
import sys
import time
from pathlib import Path

from openpyxl import Workbook
from snowplow_sample.benchmarks import Figure, record
from snowplow_sheets.config import DEFAULT_CONFIG, SyncConfig, Tab, load_config
from snowplow_sheets.pacing import Deadline
from snowplow_sheets.sheets_api import Pacing, SheetsApi, service
from snowplow_sheets.sheets_writer import SheetsWriter
from snowplow_sheets.source import DuckDBSource
from snowplow_sheets.sync import sync
from snowplow_sheets.table import EXCEL_LIMITS, Table
from snowplow_sheets.workbook import WorkbookWriter
from snowplow_sheets.writer import Run, Writer, metadata_row

# the fake Sheets API is test support code, not part of the product: import it from the repo
sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
from tests.support.fake_sheets import FakeSheets

COMMAND = "python sheets_sync/bench_sheets.py"
TABLE = "Sheets sync: the demo's tables"
WRITES_PER_MINUTE = 60
SPEEDUP = 3.0


class OpenpyxlWriter:
    """The workbook writer the sync had before: openpyxl write-only, dates as ISO text."""

    limits = EXCEL_LIMITS
    can_connect = False
    keeps_dates = False

    def __init__(self, path: Path) -> None:
        self.path = path
        self.book = Workbook(write_only=True)

    def sheet_cells(self) -> dict[str, int]:
        return {}

    def run_id(self, tab: Tab) -> str | None:
        return None

    def write_values(self, tab: Tab, table: Table, run: Run, notes: list[str]) -> int:
        sheet = self.book.create_sheet(tab.tab)
        sheet.append(metadata_row(run, table, notes))
        sheet.append(table.columns)
        for row in table.rows:
            sheet.append(row)
        return 0

    def connect(self, tab: Tab, table: tuple[str, str, str], run: Run) -> str:
        raise NotImplementedError

    def finish(self) -> str:
        self.book.save(self.path)
        return str(self.path)


def cells_per_second(config: SyncConfig, source: DuckDBSource, writer: Writer) -> float:
    cells = sum(source.shape(tab).cells for tab in config.tabs)
    started = time.perf_counter()
    sync(config, source, writer, Run.new("bench"))
    writer.finish()
    return cells / (time.perf_counter() - started)


def to_sheets(config: SyncConfig, source: DuckDBSource, fault_rate: float) -> tuple[str, int]:
    """One sync to the fake API at Sheets' real pacing: a line of figures, and the most
    write requests the fake received in one minute."""
    faults = (429, 500, 503, "reset", "refuse")
    with FakeSheets(
        fault_rate=fault_rate, seed=1, fault_kinds=faults, retry_after=1
    ).running() as fake:
        pacing = Pacing(deadline=Deadline.after(1800))
        api = SheetsApi(service(False, fake.endpoint), fake.spreadsheet.spreadsheet_id, pacing)
        started = time.perf_counter()
        sync(config, source, SheetsWriter(api, progress=False), Run.new("bench"))
        seconds = time.perf_counter() - started
        met = sum(1 for call in fake.calls if call.status != 200) + fake.outages
        most = fake.max_writes_per_window()
        largest = max(call.size for call in fake.calls) / 1e6
        assert not fake.invalid, fake.invalid
    return (
        f"{seconds:.1f} s, {api.write_requests} write requests ({met} faults met, "
        f"{api.pacing.backoff.retries} retries), at most {most} in a minute, "
        f"largest request {largest:.2f} MB"
    ), most


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    default = Path(os.environ.get("SNOWPLOW_DUCKDB", ".data/snowplow.duckdb"))
    parser.add_argument("--duckdb", type=Path, default=default, help="the demo's warehouse")
    parser.add_argument("--work", type=Path, default=Path(".data/bench"), help="scratch folder")
    args = parser.parse_args(argv)
    source = DuckDBSource(args.duckdb)
    config = load_config(DEFAULT_CONFIG)
    args.work.mkdir(parents=True, exist_ok=True)
    cells = sum(source.shape(tab).cells for tab in config.tabs)

    before = cells_per_second(config, source, OpenpyxlWriter(args.work / "openpyxl.xlsx"))
    workbook = args.work / "sheets-bench.xlsx"
    workbook.unlink(missing_ok=True)
    titles = [tab.tab for tab in config.tabs]
    now = cells_per_second(config, source, WorkbookWriter(workbook, titles))
    size = workbook.stat().st_size / 2**20
    record(
        Figure(
            table=TABLE,
            command=COMMAND,
            measurement=f"workbook before: openpyxl write-only, {cells:,} cells",
            figure=f"{before:,.0f} cells/s",
        )
    )
    record(
        Figure(
            table=TABLE,
            command=COMMAND,
            measurement="workbook: rust_xlsxwriter, streamed, typed cells",
            figure=f"{now:,.0f} cells/s ({now / before:.1f}x), {size:.1f} MiB",
            target=f">= {SPEEDUP:g}x openpyxl",
            met=now >= SPEEDUP * before,
        )
    )
    for rate, name in ((0.0, "no faults"), (0.2, "20 % of calls meet a fault")):
        line, most = to_sheets(config, source, rate)
        record(
            Figure(
                table=TABLE,
                command=COMMAND,
                measurement=f"fake Sheets API, real pacing, {name}",
                figure=line,
                target=f"<= {WRITES_PER_MINUTE} writes a minute",
                met=most <= WRITES_PER_MINUTE,
            )
        )


if __name__ == "__main__":
    main()

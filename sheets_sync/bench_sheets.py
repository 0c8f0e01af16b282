"""Benchmark of the Sheets sync on the demo's tables (`make bench`; not a timed test).

Three syncs of every tab in sheets.yml, read from the demo's DuckDB warehouse (built
by `make demo`; connected tabs are written as values, as embedded mode does):

1. to a local .xlsx workbook (the embedded default);
2. to the local fake of the Sheets API, with Sheets' real pacing (60 write requests
   per minute, requests under 2 MB): wall time, write requests, the most in one minute;
3. the same with 20 % of requests answered 429 or 5xx: what backoff costs.

    python sheets_sync/bench_sheets.py [--duckdb FILE] [--work DIR]
"""

import argparse
import os
import resource
import sys
import time
from pathlib import Path

from snowplow_sheets.config import DEFAULT_CONFIG, load_config
from snowplow_sheets.sheets_api import Pacing, SheetsApi, service
from snowplow_sheets.sheets_writer import SheetsWriter
from snowplow_sheets.source import DuckDBSource
from snowplow_sheets.sync import TabResult, sync
from snowplow_sheets.workbook import WorkbookWriter
from snowplow_sheets.writer import Run, Writer

# the fake Sheets API is test support code, not part of the product: import it from the repo
sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
from tests.support.fake_sheets import FakeSheets

WRITES_PER_MINUTE = 60


def peak_memory_mib() -> float:
    """Peak resident memory of this process so far (Linux reports kilobytes)."""
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def timed(source: DuckDBSource, writer: Writer, run_id: str) -> tuple[float, list[TabResult]]:
    started = time.perf_counter()
    results = sync(load_config(DEFAULT_CONFIG), source, writer, Run.new(run_id))
    writer.finish()
    return time.perf_counter() - started, results


def to_sheets(source: DuckDBSource, fault_rate: float) -> str:
    """One sync to the fake API at Sheets' real pacing; a line of figures."""
    with FakeSheets(fault_rate=fault_rate, seed=1).running() as fake:
        api = SheetsApi(service(False, fake.endpoint), fake.spreadsheet.spreadsheet_id, Pacing())
        seconds, _ = timed(source, SheetsWriter(api, progress=False), "bench")
        faults = sum(1 for call in fake.calls if call.status != 200)
        most = fake.max_writes_per_window()
        largest = max(call.size for call in fake.calls) / 1e6
        assert not fake.invalid, fake.invalid
    return (
        f"{seconds:6.1f} s, {api.write_requests} write requests ({faults} answered 429/5xx, "
        f"{api.pacing.backoff.retries} retries), at most {most} in a minute "
        f"(quota {WRITES_PER_MINUTE}), largest request {largest:.2f} MB"
    )


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    default = Path(os.environ.get("SNOWPLOW_DUCKDB", ".data/snowplow.duckdb"))
    parser.add_argument("--duckdb", type=Path, default=default, help="the demo's warehouse")
    parser.add_argument("--work", type=Path, default=Path(".data/bench"), help="scratch folder")
    args = parser.parse_args(argv)
    source = DuckDBSource(args.duckdb)
    args.work.mkdir(parents=True, exist_ok=True)
    workbook = args.work / "sheets-bench.xlsx"
    workbook.unlink(missing_ok=True)

    titles = [tab.tab for tab in load_config(DEFAULT_CONFIG).tabs]
    seconds, _ = timed(source, WorkbookWriter(workbook, titles), "bench")
    print(f"{'tab':20} {'rows':>9} {'columns':>8} {'cells':>11}")
    for tab in load_config(DEFAULT_CONFIG).tabs:
        shape = source.shape(tab)
        print(f"{tab.tab:20} {shape.rows:>9,} {len(shape.columns):>8} {shape.cells:>11,}")
    size = workbook.stat().st_size / 2**20
    print(f"workbook (.xlsx, openpyxl): {seconds:6.1f} s, {size:.1f} MiB")
    print(f"Sheets API (fake), no faults: {to_sheets(source, 0.0)}")
    print(f"Sheets API (fake), 20 % 429/5xx: {to_sheets(source, 0.2)}")
    print(f"peak memory {peak_memory_mib():.0f} MiB")


if __name__ == "__main__":
    main()

"""Loader benchmark (`make bench`): the figures the README quotes, measured in one run.

1. Throughput on 1M generated events: the loader beside DuckDB's bare read_csv of the
   same file into a table of a fresh database file (the loader writes to a file too).
2. Per-row Python parsing with Snowplow's Python analytics SDK, the approach avoided.
3. Peak memory (max RSS of a fresh process) while loading a file of at least 1.5 GB.
4. The same 1M events as a landing folder of 100 files, as enrich writes them, loaded
   in batches (several files per read and transaction), against the single file; then
   the same for gzip: 100 gzip files against one gzip file of the same events.
Each measured step runs in its own process so RSS and caches do not leak between them.
"""

import argparse
import json
import resource
import subprocess
import sys
import time
import warnings
from pathlib import Path

from snowplow_sample import generate, generate_many

BENCH_DIR = Path(".data/bench")
GIB = 1024**3


def _run_child(mode: str, path: Path, database: Path) -> tuple[float, float, int]:
    """Seconds, peak RSS in GiB and rows, measured in a fresh interpreter."""
    for stale in (database, database.with_suffix(".duckdb.wal")):
        stale.unlink(missing_ok=True)
    output = subprocess.run(
        [sys.executable, __file__, "--child", mode, str(path), str(database)],
        check=True, capture_output=True, text=True,
    ).stdout  # fmt: skip
    seconds, rows, peak_kib = json.loads(output)
    return seconds, peak_kib * 1024 / GIB, rows


def _child(mode: str, path: Path, database: Path) -> None:
    import duckdb
    from snowplow_loader.cli import load_all
    from snowplow_loader.embedded import EmbeddedLoader
    from snowplow_loader.files import discover

    started = time.perf_counter()
    if mode == "read_csv":
        with duckdb.connect(str(database)) as db:
            db.execute(
                "CREATE TABLE events AS SELECT * FROM read_csv(?, delim = '\t', header = false, "
                "quote = '', escape = '')",
                [str(path)],
            )
            (rows,) = db.execute("SELECT count(*) FROM events").fetchone() or (0,)
    else:
        with EmbeddedLoader(database) as loader:  # `path` is a file or a folder of files
            summary = load_all(loader, discover([path]))  # as snowplow-load does
            rows = summary.rows_loaded + summary.rows_bad
    peak_kib = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss  # this process only
    print(json.dumps([time.perf_counter() - started, rows, peak_kib]))


def _python_per_row(path: Path, limit: int) -> float:
    """Rows/s of Snowplow's own Python analytics SDK turning each line into typed JSON.

    Parse only, nothing written: the most generous case for per-row Python.
    """
    with warnings.catch_warnings():  # the 2017 SDK has invalid escapes in its regexes
        warnings.simplefilter("ignore", SyntaxWarning)
        from snowplow_analytics_sdk.event_transformer import transform  # type: ignore[import-untyped]

    with path.open(encoding="utf-8") as handle:
        sample = [line.rstrip("\n") for line, _ in zip(handle, range(limit), strict=False)]
    started = time.perf_counter()
    for line in sample:
        transform(line)
    return len(sample) / (time.perf_counter() - started)


def _events_file(name: str, events: int, seed: int, gzip: bool = False) -> Path:
    path = BENCH_DIR / f"{name}-{events}-{seed}.tsv{'.gz' if gzip else ''}"
    if not path.exists():
        BENCH_DIR.mkdir(parents=True, exist_ok=True)
        started = time.perf_counter()
        generate(path, events, seed=seed, gzip=gzip)
        print(f"generated {events:,} events ({path.stat().st_size / GIB:.2f} GiB) "
              f"in {time.perf_counter() - started:.0f} s")  # fmt: skip
    return path


def _events_folder(events: int, files: int, seed: int, gzip: bool = False) -> Path:
    folder = BENCH_DIR / f"files-{events}-{files}-{seed}{'-gz' if gzip else ''}"
    if not folder.exists():
        generate_many(folder, events, files, seed=seed, gzip=gzip)
    return folder


def _folder_against_file(
    label: str, single: tuple[float, int], folder: Path, database: Path
) -> None:
    """Load the same events as a folder of files; print it beside the file and the ratio."""
    one_s, one = single
    many_s, _, many = _run_child("loader", folder, database)
    assert one == many, f"{folder} holds other events than its single file"
    files = sum(1 for _ in folder.iterdir())
    print(f"{label}: one file        : {one_s:6.1f} s  {one / one_s:>9,.0f} rows/s")
    print(f"{label}: {files} files       : {many_s:6.1f} s  {many / many_s:>9,.0f} rows/s")
    print(f"{label}: {files} files / one : {one_s / many_s:.2f}x   (target >= 0.8x)")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--events", type=int, default=1_000_000)
    parser.add_argument("--memory-file-gib", type=float, default=1.5)
    parser.add_argument("--files", type=int, default=100, help="files in the landing folders")
    args = parser.parse_args()

    path = _events_file("events", args.events, seed=1)
    database = BENCH_DIR / "bench.duckdb"
    base_s, base_peak, rows = _run_child("read_csv", path, database)
    load_s, load_peak, loaded = _run_child("loader", path, database)
    assert rows == loaded == args.events
    python_rate = _python_per_row(path, limit=50_000)
    size = path.stat().st_size / GIB
    per_event = path.stat().st_size / rows
    print(f"\nfile: {args.events:,} events, {size:.2f} GiB ({per_event:,.0f} B/event)")
    print(
        f"DuckDB read_csv into a table : {base_s:6.1f} s  {rows / base_s:>9,.0f} rows/s  "
        f"peak {base_peak:.2f} GiB"
    )
    print(
        f"snowplow-load (validated)    : {load_s:6.1f} s  {loaded / load_s:>9,.0f} rows/s  "
        f"peak {load_peak:.2f} GiB"
    )
    print(f"per-row Python (Snowplow SDK):           {python_rate:>9,.0f} rows/s")
    print(f"loader / read_csv            : {base_s / load_s:.2f}x   (target >= 0.8x)")
    print(f"loader / per-row Python      : {loaded / load_s / python_rate:.1f}x   (target >= 10x)")

    big = path
    if size < args.memory_file_gib:
        events = int(args.events * args.memory_file_gib / size) + 1
        big = _events_file("events", events, seed=2)
    _, peak, _ = _run_child("loader", big, database)
    print(f"peak RSS loading {big.stat().st_size / GIB:.2f} GiB: {peak:.2f} GiB   (target < 2 GiB)")

    folder = _events_folder(args.events, args.files, seed=1)
    _folder_against_file("tsv ", (load_s, loaded), folder, database)
    gzip_s, _, gzip_rows = _run_child(
        "loader", _events_file("events", args.events, 1, True), database
    )
    folder = _events_folder(args.events, args.files, seed=1, gzip=True)
    _folder_against_file("gzip", (gzip_s, gzip_rows), folder, database)


if __name__ == "__main__":
    if len(sys.argv) > 1 and sys.argv[1] == "--child":
        _child(sys.argv[2], Path(sys.argv[3]), Path(sys.argv[4]))
    else:
        main()

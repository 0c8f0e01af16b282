"""Loader benchmark (`make bench`): each figure recorded with `snowplow_sample.benchmarks`.

1. Throughput on 1M generated events: the loader beside DuckDB's bare read_csv of the
   same file into a table of a fresh database file (the loader writes to a file too);
   target: the loader at least at DuckDB's bare ingest (>= 1.0x of read_csv's rate).
2. Per-row Python parsing with Snowplow's Python analytics SDK, the approach avoided:
   its rate is reported beside the others, without a target.
3. Peak memory (max RSS of a fresh process) while loading a file of at least 1.5 GB.
4. The same 1M events as a landing folder of 100 files, as enrich writes them, loaded
   in batches (several files per read and transaction), against the single file; then
   the same for gzip: 100 gzip files against one gzip file of the same events (target:
   the folder at least 0.8x the single file's rate).
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
from snowplow_sample.benchmarks import Figure, record

BENCH_DIR = Path(".data/bench")
GIB = 1024**3
COMMAND = "python functions/bench_loader.py"
THROUGHPUT = "Embedded loader: throughput"
MEMORY = "Embedded loader: peak memory on a large file"
FOLDERS = "Embedded loader: a landing folder against one file of the same events"


def _run_child(mode: str, path: Path, database: Path) -> tuple[float, float, int]:
    """Seconds, peak RSS in GiB and rows, measured in a fresh interpreter."""
    for stale in (database, database.with_suffix(".duckdb.wal")):
        stale.unlink(missing_ok=True)
    output = subprocess.run(
        [sys.executable, __file__, "--child", mode, str(path), str(database)],
        check=True,
        capture_output=True,
        text=True,
    ).stdout
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
        print(
            f"generated {events:,} events ({path.stat().st_size / GIB:.2f} GiB) "
            f"in {time.perf_counter() - started:.0f} s"
        )
    return path


def _events_folder(events: int, files: int, seed: int, gzip: bool = False) -> Path:
    folder = BENCH_DIR / f"files-{events}-{files}-{seed}{'-gz' if gzip else ''}"
    if not folder.exists():
        generate_many(folder, events, files, seed=seed, gzip=gzip)
    return folder


def _folder_against_file(
    label: str, single: tuple[float, int], folder: Path, database: Path
) -> None:
    """Load the same events as a folder of files; record it beside the file, and the ratio."""
    one_s, one = single
    many_s, _, many = _run_child("loader", folder, database)
    assert one == many, f"{folder} holds other events than its single file"
    files = sum(1 for _ in folder.iterdir())
    record(
        Figure(FOLDERS, COMMAND, f"{label}: one file", f"{one_s:.1f} s, {one / one_s:,.0f} rows/s")
    )
    record(
        Figure(
            FOLDERS,
            COMMAND,
            f"{label}: {files} files",
            f"{many_s:.1f} s, {many / many_s:,.0f} rows/s",
        )
    )
    ratio = one_s / many_s
    record(
        Figure(
            FOLDERS,
            COMMAND,
            f"{label}: {files} files / one file",
            f"{ratio:.2f}x",
            ">= 0.8x",
            ratio >= 0.8,
        )
    )


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
    sizes = f"{args.events:,} events, {size:.2f} GiB ({per_event:,.0f} B/event)"
    record(Figure(THROUGHPUT, COMMAND, "file", sizes))
    for name, seconds, count, peak in (
        ("DuckDB read_csv into a table (bare ingest)", base_s, rows, base_peak),
        ("snowplow-load (validated, with bad rows and manifest)", load_s, loaded, load_peak),
    ):
        figure = f"{seconds:.1f} s, {count / seconds:,.0f} rows/s, peak {peak:.2f} GiB"
        record(Figure(THROUGHPUT, COMMAND, name, figure))
    ratio = base_s / load_s
    record(
        Figure(THROUGHPUT, COMMAND, "loader / read_csv", f"{ratio:.2f}x", ">= 1.0x", ratio >= 1.0)
    )
    sdk = "per-row Python (Snowplow's Python analytics SDK, parse only)"
    record(Figure(THROUGHPUT, COMMAND, sdk, f"{python_rate:,.0f} rows/s"))

    big = path
    if size < args.memory_file_gib:
        events = int(args.events * args.memory_file_gib / size) + 1
        big = _events_file("events", events, seed=2)
    _, peak, _ = _run_child("loader", big, database)
    loaded_gib = big.stat().st_size / GIB
    record(
        Figure(
            MEMORY,
            COMMAND,
            f"peak RSS loading {loaded_gib:.2f} GiB",
            f"{peak:.2f} GiB",
            "< 2 GiB",
            peak < 2,
        )
    )

    folder = _events_folder(args.events, args.files, seed=1)
    _folder_against_file("tsv", (load_s, loaded), folder, database)
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

"""`snowplow-load`: load enriched files (or folders of them) into the local DuckDB.

Exit codes: 0 when every file was accounted for (bad rows and quarantined files are
recorded, not fatal; a file that could not be read is reported and the others still
load); 1 with --strict when anything was bad, a file failed, a folder held no
enriched file or a file in a folder matched no name pattern (``--names``); 2 on a
real fault (a path that does not exist, a full disk), with a
message that says what to do.
"""

import argparse
import os
import sys
import threading
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import TextIO

import duckdb
from tqdm import tqdm

from snowplow_loader.batches import batches
from snowplow_loader.embedded import EmbeddedLoader
from snowplow_loader.files import SourceFile, discover_all
from snowplow_loader.names import DEFAULT_PATTERNS, NameRule, parse_patterns
from snowplow_loader.results import FileResult, FileStatus, Summary

DEFAULT_DATABASE = Path(os.environ.get("SNOWPLOW_DUCKDB", ".data/snowplow.duckdb"))


def load_all(
    loader: EmbeddedLoader, files: list[SourceFile], progress: TextIO | None = None
) -> Summary:
    """Load files in order, in batches, and total the outcome; draw a bar of bytes on a stream."""
    started = time.perf_counter()
    results: list[FileResult] = []
    total = sum(f.size for f in files)
    with tqdm(total=total, unit="B", file=progress, disable=progress is None) as bar:
        for batch in batches(files):
            with _follow(bar, sum(f.size for f in batch), loader.query_progress()):
                results.extend(loader.load_batch(batch))
    return Summary(tuple(results), time.perf_counter() - started)


def _empty_folders(paths: list[Path], files: list[SourceFile]) -> list[Path]:
    """Folders given on the command line that hold no enriched file at all."""
    return [
        path
        for path in paths
        if path.is_dir() and not any(f.path.is_relative_to(path.resolve()) for f in files)
    ]


@contextmanager
def _follow(bar: tqdm, size: int, progress: Callable[[], float]) -> Iterator[None]:
    """Move the bar through one file while DuckDB works on it, polling its progress."""
    base, done = bar.n, threading.Event()

    def poll() -> None:
        while not done.wait(0.5):
            percent = progress()
            if percent > 0:
                bar.update(base + int(size * percent / 100) - bar.n)

    poller = threading.Thread(target=poll, daemon=True)
    if not bar.disable:
        poller.start()
    try:
        yield
    finally:
        done.set()
        if poller.is_alive():
            poller.join()
        bar.update(base + size - bar.n)


def _parse(argv: list[str] | None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(prog="snowplow-load", description=__doc__.splitlines()[0])
    parser.add_argument("paths", nargs="+", type=Path, help="enriched files or folders of them")
    parser.add_argument(
        "--names",
        type=parse_patterns,
        default=os.environ.get("SNOWPLOW_NAME_PATTERNS", ",".join(DEFAULT_PATTERNS)),
        help="comma-separated patterns of the file names a folder's files load by, any case "
        "(env SNOWPLOW_NAME_PATTERNS; default: %(default)s)",
    )
    parser.add_argument(
        "--db", type=Path, default=DEFAULT_DATABASE, help="DuckDB file (env SNOWPLOW_DUCKDB)"
    )
    parser.add_argument(
        "--quarantine", type=Path, help="folder for unreadable files (default: beside the db)"
    )
    parser.add_argument("--strict", action="store_true", help="exit 1 if any row or file was bad")
    parser.add_argument("--quiet", action="store_true", help="no progress bar")
    return parser.parse_args(argv)


def main(argv: list[str] | None = None) -> int:
    args = _parse(argv)
    quarantine = args.quarantine or args.db.parent / "quarantine"
    try:
        names = NameRule(tuple(args.names))
        found = discover_all(args.paths, names)
        files = found.files
        empty = _empty_folders(args.paths, files)
        for folder in empty:
            print(f"snowplow-load: no file named {names.describe()} in {folder}", file=sys.stderr)
        if found.unmatched:  # one warning per run, never a silent skip
            shown = ", ".join(str(p) for p in found.unmatched[:3])
            more = f" and {len(found.unmatched) - 3} more" if len(found.unmatched) > 3 else ""
            warning = (
                f"snowplow-load: WARNING {len(found.unmatched)} files match no name pattern "
                f"({names.describe()}) and were not loaded: {shown}{more}; "
                "add a pattern with --names to load them"
            )
            print(warning, file=sys.stderr)
        with EmbeddedLoader(args.db, quarantine) as loader:
            show = not args.quiet and sys.stderr.isatty()
            summary = load_all(loader, files, progress=sys.stderr if show else None)
    except (OSError, duckdb.IOException) as error:
        print(f"snowplow-load: {error}", file=sys.stderr)
        print(
            "Nothing was half-loaded: each file commits whole. Fix the path or free disk "
            "space, then run the same command again; loaded files are skipped.",
            file=sys.stderr,
        )
        return 2
    for source, result in zip(files, summary.results, strict=True):
        if result.status is FileStatus.QUARANTINED:
            copy = loader.quarantine_path(source)
            print(f"quarantined {result.key}: {result.reason} (copy: {copy})", file=sys.stderr)
        elif result.status is FileStatus.FAILED:
            print(
                f"failed {result.key}: {result.reason}; run again once it is readable",
                file=sys.stderr,
            )
    print(summary.line())
    if summary.rows_bad:
        print(f"bad rows are in {args.db}: table raw_events_bad_rows", file=sys.stderr)
    return 1 if args.strict and (empty or found.unmatched or not summary.clean) else 0


if __name__ == "__main__":
    sys.exit(main())

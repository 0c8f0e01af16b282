"""The embedded engine: loads enriched files into a local DuckDB database.

Files load in batches (``snowplow_loader.batches``): consecutive files of one compression are read
by one read_csv over their list, which DuckDB reads in parallel (a small file alone
gets one thread), and commit in one transaction, so a landing folder of small files
pays the query planning and the commit once per batch, not once per file. Each file
still gets its own manifest entry, counts and bad rows with its own line numbers:
counts are grouped by the reader's file index, and a file whose rows did not all
load is read again alone to number its bad lines. A crash rolls the whole batch back
and a re-run loads it from scratch; the manifest makes loading a file twice a no-op.

This module is the policy (what loads together, quarantine, reframing, the manifest);
the reads beneath it (counts, good rows, bad rows) run in ``duckdb_reads``.
"""

import dataclasses
import hashlib
import shutil
import tempfile
import time
from collections.abc import Callable, Sequence
from datetime import UTC, datetime
from pathlib import Path

import duckdb

from snowplow_loader import duckdb_reads as reads
from snowplow_loader import duckdb_sql as sql
from snowplow_loader.files import SourceFile, unreadable_reason
from snowplow_loader.reframe import Reframed, reframe
from snowplow_loader.results import FileResult, FileStatus

MEMORY_LIMIT = "1GB"  # keeps a 1.5 GB file's load well under 2 GB of RSS (see make bench)
# DuckDB's default (16 MB of WAL) checkpoints at nearly every file's commit, recompressing
# the table's last, partly filled row group each time: ten 20k-row files took 10.3 s (not
# 8.0 s) and made a 49 MB database (not 41 MB). Commits stay durable in the WAL; closing
# the connection checkpoints.
CHECKPOINT_THRESHOLD = "256MB"


class EmbeddedLoader:
    """Loads files into `raw_events`, `raw_events_bad_rows` and `load_manifest`."""

    def __init__(self, database: Path, quarantine_dir: Path | None = None) -> None:
        database.parent.mkdir(parents=True, exist_ok=True)
        self.connection = duckdb.connect(str(database))
        self.connection.execute(f"SET memory_limit = '{MEMORY_LIMIT}'")
        self.connection.execute(f"SET checkpoint_threshold = '{CHECKPOINT_THRESHOLD}'")
        for statement in sql.DDL:
            self.connection.execute(statement)
        self.quarantine_dir = quarantine_dir
        self.work_dir = database.parent  # reframed copies of refused files, while they load

    def close(self) -> None:
        self.connection.close()

    def __enter__(self) -> "EmbeddedLoader":
        return self

    def __exit__(self, *_: object) -> None:
        self.close()

    def load(self, source: SourceFile) -> FileResult:
        """Load one file exactly once; never raises for bad data, only for real faults."""
        return self.load_batch([source])[0]

    def load_batch(self, sources: Sequence[SourceFile]) -> list[FileResult]:
        """Load files together, each exactly once; one result per file, in their order.

        A file that cannot be opened is FAILED (reported, not recorded: the next run
        tries it again) and the others still load.
        """
        results: dict[int, FileResult] = {}
        ready: dict[int, SourceFile] = {}
        seen: set[str] = set()
        for index, source in enumerate(sources):
            if source.key in seen or self._already_loaded(source.key):
                results[index] = FileResult(source.key, FileStatus.SKIPPED)
                continue
            seen.add(source.key)
            try:
                reason = unreadable_reason(source)
            except OSError as error:
                failure = f"could not read {source.path}: {error.strerror or error}"
                results[index] = FileResult(source.key, FileStatus.FAILED, reason=failure)
                continue
            if reason is None:
                ready[index] = source
            else:
                results[index] = self._quarantine(source, reason)
        for gzipped in (False, True):  # one read takes files of one compression
            if same := {i: s for i, s in ready.items() if s.gzipped is gzipped}:
                results.update(self._load_readable(same))
        return [results[index] for index in range(len(sources))]

    def quarantine_path(self, source: SourceFile) -> Path | None:
        """Where a quarantined file's copy goes: a folder per key, so no copy overwrites another."""
        if self.quarantine_dir is None:
            return None
        digest = hashlib.sha256(source.key.encode()).hexdigest()[:16]
        return self.quarantine_dir / digest / source.path.name

    def query_progress(self) -> Callable[[], float]:
        """A probe for the CLI's progress bar: the running query's completion, 0 to 100."""
        return self.connection.query_progress

    def _load_readable(self, ready: dict[int, SourceFile]) -> dict[int, FileResult]:
        sources = list(ready.values())
        compression = "gzip" if sources[0].gzipped else "none"
        try:
            loaded = self._read(sources, [str(s.path) for s in sources], compression)
            return dict(zip(ready, loaded, strict=True))
        except duckdb.InvalidInputException as error:
            if not _is_reader_error(error):
                raise
            if len(ready) == 1:
                [(index, source)] = ready.items()
                return {index: self._load_reframed(source, error)}
            # The reader names the file it refused: that one alone, the rest together again.
            # Unnamed, each file alone.
            named = [i for i, s in ready.items() if f"\n  file = {s.path}\n" in str(error)]
            groups = (
                [named, [i for i in ready if i not in named]] if named else [[i] for i in ready]
            )
            results: dict[int, FileResult] = {}
            for group in filter(None, groups):
                results.update(self._load_readable({i: ready[i] for i in group}))
            return results

    def _load_reframed(self, source: SourceFile, refusal: duckdb.Error) -> FileResult:
        """A file DuckDB's reader refused, through the framer both engines share."""
        with tempfile.TemporaryDirectory(dir=self.work_dir, prefix="reframe-") as folder:
            reframed = reframe(source, Path(folder))
            try:
                [result] = self._read([source], [str(reframed.lines)], "none", reframed)
            except duckdb.InvalidInputException as error:
                if not _is_reader_error(error):
                    raise
                return self._quarantine(source, f"unreadable: {str(refusal).splitlines()[0]}")
        return result

    def _read(
        self,
        sources: list[SourceFile],
        paths: list[str],
        compression: str,
        reframed: Reframed | None = None,
    ) -> list[FileResult]:
        """Count, then insert every file's rows in one transaction (see the module doc)."""
        started = time.perf_counter()
        params: reads.Params = {
            "paths": paths,
            "keys": [s.key for s in sources],
            "compression": compression,
            "load_tstamp": _now(),
        }
        flagged_rows = reframed.flagged_rows if reframed else 0
        counts = reads.count(self.connection, params, len(sources), flagged_rows)
        self.connection.execute("BEGIN TRANSACTION")
        try:
            loaded = reads.insert_good(self.connection, counts, params)
            bad = [
                reads.insert_bad(self.connection, i, c.rows - loaded[i], params)
                for i, c in enumerate(counts)
            ]
            if reframed is not None and reframed.flagged_rows:
                flagged = {"file_key": sources[0].key, "flagged": str(reframed.flagged)}
                reads.execute(self.connection, sql.INSERT_FLAGGED, {**params, **flagged})
            results = [
                c.result(s.key, loaded[i], bad[i])
                for i, (s, c) in enumerate(zip(sources, counts, strict=True))
            ]
            results = self._record(sources, results, params["load_tstamp"], started)
            self.connection.execute("COMMIT")
        except BaseException:
            self.connection.execute("ROLLBACK")
            raise
        return results

    def _already_loaded(self, key: str) -> bool:
        found = self.connection.execute(
            f"SELECT 1 FROM {sql.MANIFEST_TABLE} WHERE file_key = ?", [key]
        ).fetchone()
        return found is not None

    def _record(
        self,
        sources: list[SourceFile],
        results: list[FileResult],
        load_tstamp: datetime,
        started: float,
    ) -> list[FileResult]:
        """Write the manifest rows; a batch's time is shared out by file size."""
        seconds = time.perf_counter() - started
        total = sum(s.size for s in sources) or len(sources)
        results = [
            dataclasses.replace(r, seconds=seconds * (s.size or 1) / total)
            for s, r in zip(sources, results, strict=True)
        ]
        self.connection.executemany(
            f"INSERT INTO {sql.MANIFEST_TABLE} VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
            [
                [
                    s.key,
                    str(s.path),
                    s.size,
                    r.status,
                    r.rows_in,
                    r.rows_loaded,
                    r.rows_bad,
                    r.blank_lines,
                    r.reason,
                    load_tstamp,
                    r.seconds,
                ]
                for s, r in zip(sources, results, strict=True)
            ],
        )
        return results

    def _quarantine(self, source: SourceFile, reason: str) -> FileResult:
        started = time.perf_counter()
        copy = self.quarantine_path(source)
        if copy is not None:
            copy.parent.mkdir(parents=True, exist_ok=True)
            shutil.copy2(source.path, copy)
        result = FileResult(source.key, FileStatus.QUARANTINED, reason=reason)
        [recorded] = self._record([source], [result], _now(), started)
        return recorded


def _now() -> datetime:
    return datetime.now(UTC).replace(tzinfo=None)


def _is_reader_error(error: duckdb.Error) -> bool:
    """DuckDB's CSV reader refused the file's bytes (as opposed to a fault in our SQL)."""
    text = str(error)
    return "CSV" in text or "line size" in text or "file =" in text

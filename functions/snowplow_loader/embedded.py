"""The embedded engine: loads enriched files into a local DuckDB database.

Files load in batches (``snowplow_loader.batches``): consecutive files of one compression are read
by one read_csv over their list, which DuckDB reads in parallel (a small file alone
gets one thread), and commit in one transaction, so a landing folder of small files
pays the query planning and the commit once per batch, not once per file. Each file
still gets its own manifest entry, counts and bad rows with its own line numbers:
counts are grouped by the reader's file index, and a file whose rows did not all
load is read again alone to number its bad lines. A crash rolls the whole batch back
and a re-run loads it from scratch; the manifest makes loading a file twice a no-op.
"""

import dataclasses
import hashlib
import shutil
import tempfile
import time
from collections.abc import Callable, Mapping, Sequence
from datetime import UTC, datetime
from pathlib import Path
from typing import TypedDict

import duckdb

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


@dataclasses.dataclass(frozen=True)
class _Counts:
    """One file's lines as the line read counted them (undecodable lines included)."""

    lines: int = 0
    rows: int = 0
    lines_with_nul: int = 0
    flagged: int = 0  # judged by the framer (``reframe``): blank in what DuckDB read

    def result(self, key: str, loaded: int, bad: int) -> FileResult:
        rows_in = self.rows + self.flagged
        status = FileStatus.LOADED if rows_in else FileStatus.EMPTY
        return FileResult(key, status, rows_in, loaded, bad + self.flagged, self.lines - rows_in)


class _Params(TypedDict):
    """The parameters of one read's queries (``_execute`` passes each the ones it names)."""

    paths: list[str]
    keys: list[str]
    compression: str
    load_tstamp: datetime


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
        params: _Params = {
            "paths": paths,
            "keys": [s.key for s in sources],
            "compression": compression,
            "load_tstamp": _now(),
        }
        counts = self._count(params, len(sources), reframed.flagged_rows if reframed else 0)
        self.connection.execute("BEGIN TRANSACTION")
        try:
            loaded = self._insert_good(counts, params)
            bad = [self._insert_bad(i, c.rows - loaded[i], params) for i, c in enumerate(counts)]
            if reframed is not None and reframed.flagged_rows:
                flagged = {"file_key": sources[0].key, "flagged": str(reframed.flagged)}
                self._execute(sql.INSERT_FLAGGED, {**params, **flagged})
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

    def _count(self, params: _Params, files: int, flagged: int) -> list[_Counts]:
        """Each file's lines, read before anything is written (a refusal writes nothing)."""
        counts = [_Counts(flagged=flagged) for _ in range(files)]
        for index, lines, rows, with_nul in self._execute(sql.COUNT_LINES, params).fetchall():
            counts[index] = dataclasses.replace(
                counts[index], lines=lines, rows=rows, lines_with_nul=with_nul
            )
        for index, undecodable in self._execute(sql.COUNT_REJECTED_LINES, params).fetchall():
            c = counts[index]
            counts[index] = dataclasses.replace(
                c, lines=c.lines + undecodable, rows=c.rows + undecodable
            )
        return counts

    def _insert_good(self, counts: list[_Counts], params: _Params) -> list[int]:
        """Insert the good rows of all files; how many each file gave.

        Raw rows have no order, and not keeping one halves the insert's memory.
        """
        rows = sum(c.rows for c in counts)
        if rows == 0:
            return [0] * len(counts)
        check_nul = any(c.lines_with_nul for c in counts)
        self.connection.execute("SET preserve_insertion_order = false")
        try:
            inserted = int(self._fetch(sql.insert_good(check_nul), params)[0])
        finally:  # classify_lines numbers lines by the order rows come out in
            self.connection.execute("RESET preserve_insertion_order")
        if inserted == rows:  # no file can give more rows than it has: all of each loaded
            return [c.rows for c in counts]
        per_key = dict(self._execute(sql.COUNT_LOADED, params).fetchall())
        return [int(per_key.get(key, 0)) for key in params["keys"]]

    def _insert_bad(self, index: int, missing: int, params: _Params) -> int:
        """Number the failing lines of one file, read alone, and insert them as bad rows."""
        if missing == 0:
            return 0
        alone = {**params, "paths": [params["paths"][index]], "file_key": params["keys"][index]}
        self._execute(sql.classify_lines(), alone)
        return int(self._fetch(sql.insert_bad(), alone)[0])

    def _execute(self, query: str, params: Mapping[str, object]) -> duckdb.DuckDBPyConnection:
        """Run with the parameters the query names (DuckDB refuses unused ones)."""
        if "store_rejects" in query:  # each line read starts a fresh rejects table
            self.connection.execute(sql.DROP_REJECTS)
        used = {name: value for name, value in params.items() if f"${name}" in query}
        return self.connection.execute(query, used)

    def _fetch(self, query: str, params: Mapping[str, object]) -> tuple[int, ...]:  # counts
        (row,) = self._execute(query, params).fetchall()  # drained: rejects land at the end
        return tuple(row)

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

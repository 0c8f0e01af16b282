"""The embedded engine: loads enriched files into a local DuckDB database.

Each file is one transaction: its good rows, its bad rows and its manifest entry
commit together or not at all, so a crash never leaves half a file behind and a
re-run loads it from scratch. The manifest makes loading the same file twice a no-op.
"""

import shutil
import time
from collections.abc import Callable
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import duckdb

from snowplow_loader import duckdb_sql as sql
from snowplow_loader.files import SourceFile, unreadable_reason
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

    def close(self) -> None:
        self.connection.close()

    def __enter__(self) -> "EmbeddedLoader":
        return self

    def __exit__(self, *_: object) -> None:
        self.close()

    def load(self, source: SourceFile) -> FileResult:
        """Load one file exactly once; never raises for bad data, only for real faults."""
        started = time.perf_counter()
        if self._already_loaded(source.key):
            return FileResult(source.key, FileStatus.SKIPPED)
        params = {
            "path": str(source.path),
            "compression": "gzip" if source.gzipped else "none",
            "file_key": source.key,
            "load_tstamp": datetime.now(UTC).replace(tzinfo=None),
        }
        reason = unreadable_reason(source)
        if reason is None:
            try:
                result = self._load_rows(source, params, started)
            except duckdb.InvalidInputException as error:
                if not _is_reader_error(error):
                    raise
                reason = f"unreadable: {str(error).splitlines()[0]}"
            else:
                return result
        self._quarantine(source)
        result = FileResult(source.key, FileStatus.QUARANTINED, reason=reason)
        return self._record(source, result, params, started)

    def _load_rows(self, source: SourceFile, params: dict[str, Any], started: float) -> FileResult:
        db = self.connection
        lines, rows, lines_with_nul = self._fetch(sql.COUNT_LINES, params)
        undecodable = self._fetch(sql.COUNT_REJECTED_LINES, params)[0]
        lines, rows = lines + undecodable, rows + undecodable
        if rows == 0:
            result = FileResult(source.key, FileStatus.EMPTY, blank_lines=lines)
            return self._record(source, result, params, started)
        db.execute("BEGIN TRANSACTION")
        try:
            loaded = self._insert_good(lines_with_nul > 0, params)
            bad = 0
            if loaded < rows:
                self._execute(sql.classify_lines(), params)
                bad = self._fetch(sql.insert_bad(), params)[0]
            result = FileResult(source.key, FileStatus.LOADED, rows, loaded, bad, lines - rows)
            result = self._record(source, result, params, started, commit=True)
        except BaseException:
            db.execute("ROLLBACK")
            raise
        return result

    def _insert_good(self, check_nul: bool, params: dict[str, Any]) -> int:
        """Raw rows have no order, and not keeping one halves the insert's memory."""
        self.connection.execute("SET preserve_insertion_order = false")
        try:
            return int(self._fetch(sql.insert_good(check_nul), params)[0])
        finally:  # classify_lines numbers lines by the order rows come out in
            self.connection.execute("RESET preserve_insertion_order")

    def _execute(self, query: str, params: dict[str, Any]) -> duckdb.DuckDBPyConnection:
        """Run with the parameters the query names (DuckDB refuses unused ones)."""
        if "store_rejects" in query:  # each line read starts a fresh rejects table
            self.connection.execute(sql.DROP_REJECTS)
        used = {name: value for name, value in params.items() if f"${name}" in query}
        return self.connection.execute(query, used)

    def _fetch(self, query: str, params: dict[str, Any]) -> tuple[Any, ...]:
        (row,) = self._execute(query, params).fetchall()  # drained: rejects land at the end
        return tuple(row)

    def _already_loaded(self, key: str) -> bool:
        found = self.connection.execute(
            f"SELECT 1 FROM {sql.MANIFEST_TABLE} WHERE file_key = ?", [key]
        ).fetchone()
        return found is not None

    def _record(
        self,
        source: SourceFile,
        result: FileResult,
        params: dict[str, Any],
        started: float,
        commit: bool = False,
    ) -> FileResult:
        seconds = time.perf_counter() - started
        self.connection.execute(
            f"INSERT INTO {sql.MANIFEST_TABLE} VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
            [
                source.key, str(source.path), source.size, result.status, result.rows_in,
                result.rows_loaded, result.rows_bad, result.blank_lines, result.reason,
                params["load_tstamp"], seconds,
            ],
        )  # fmt: skip
        if commit:
            self.connection.execute("COMMIT")
        return FileResult(
            result.key, result.status, result.rows_in, result.rows_loaded, result.rows_bad,
            result.blank_lines, result.reason, seconds,
        )  # fmt: skip

    def _quarantine(self, source: SourceFile) -> None:
        if self.quarantine_dir is not None:
            self.quarantine_dir.mkdir(parents=True, exist_ok=True)
            shutil.copy2(source.path, self.quarantine_dir / source.path.name)

    def query_progress(self) -> Callable[[], float]:
        """A probe for the CLI's progress bar: the running query's completion, 0 to 100."""
        return self.connection.query_progress


def _is_reader_error(error: duckdb.Error) -> bool:
    """DuckDB's CSV reader refused the file's bytes (as opposed to a fault in our SQL)."""
    text = str(error)
    return "CSV" in text or "line size" in text or "file =" in text

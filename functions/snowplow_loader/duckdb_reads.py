"""The reads of ``duckdb_sql`` run on one connection: each file's counts, good rows, bad rows.

``embedded`` decides which files are read together, inside which transaction, and
what a refused or unreadable file becomes; this module is the protocol with DuckDB's
reader beneath it: count every file's lines before anything is written (so a refusal
writes nothing), insert the good rows of all files in one statement, and read a file
alone, numbering its lines, only when its counts say rows are missing. Kept apart so
the engine's policy reads in one file and the reader's rules (it refuses unused
parameters, each line read needs a fresh rejects table, rejects land only once a
result is drained) in another.
"""

import dataclasses
from collections.abc import Mapping
from datetime import datetime
from typing import TypedDict

import duckdb

from snowplow_loader import duckdb_sql as sql
from snowplow_loader.results import FileResult, FileStatus


@dataclasses.dataclass(frozen=True)
class Counts:
    """One file's lines as the line read counted them (undecodable lines included)."""

    lines: int = 0
    rows: int = 0
    lines_with_nul: int = 0
    flagged: int = 0  # judged by the framer (``reframe``): blank in what DuckDB read

    def result(self, key: str, loaded: int, bad: int) -> FileResult:
        rows_in = self.rows + self.flagged
        status = FileStatus.LOADED if rows_in else FileStatus.EMPTY
        return FileResult(key, status, rows_in, loaded, bad + self.flagged, self.lines - rows_in)


class Params(TypedDict):
    """The parameters of one read's queries (``execute`` passes each the ones it names)."""

    paths: list[str]
    keys: list[str]
    compression: str
    load_tstamp: datetime


def count(
    connection: duckdb.DuckDBPyConnection, params: Params, files: int, flagged: int
) -> list[Counts]:
    """Each file's lines, read before anything is written (a refusal writes nothing)."""
    counts = [Counts(flagged=flagged) for _ in range(files)]
    for index, lines, rows, with_nul in execute(connection, sql.COUNT_LINES, params).fetchall():
        counts[index] = dataclasses.replace(
            counts[index], lines=lines, rows=rows, lines_with_nul=with_nul
        )
    for index, undecodable in execute(connection, sql.COUNT_REJECTED_LINES, params).fetchall():
        c = counts[index]
        counts[index] = dataclasses.replace(
            c, lines=c.lines + undecodable, rows=c.rows + undecodable
        )
    return counts


def insert_good(
    connection: duckdb.DuckDBPyConnection, counts: list[Counts], params: Params
) -> list[int]:
    """Insert the good rows of all files; how many each file gave.

    Raw rows have no order, and not keeping one halves the insert's memory.
    """
    rows = sum(c.rows for c in counts)
    if rows == 0:
        return [0] * len(counts)
    check_nul = any(c.lines_with_nul for c in counts)
    connection.execute("SET preserve_insertion_order = false")
    try:
        inserted = int(fetch(connection, sql.insert_good(check_nul), params)[0])
    finally:  # classify_lines numbers lines by the order rows come out in
        connection.execute("RESET preserve_insertion_order")
    if inserted == rows:  # no file can give more rows than it has: all of each loaded
        return [c.rows for c in counts]
    per_key = dict(execute(connection, sql.COUNT_LOADED, params).fetchall())
    return [int(per_key.get(key, 0)) for key in params["keys"]]


def insert_bad(
    connection: duckdb.DuckDBPyConnection, index: int, missing: int, params: Params
) -> int:
    """Number the failing lines of one file, read alone, and insert them as bad rows."""
    if missing == 0:
        return 0
    alone = {**params, "paths": [params["paths"][index]], "file_key": params["keys"][index]}
    execute(connection, sql.classify_lines(), alone)
    return int(fetch(connection, sql.insert_bad(), alone)[0])


def execute(
    connection: duckdb.DuckDBPyConnection, query: str, params: Mapping[str, object]
) -> duckdb.DuckDBPyConnection:
    """Run with the parameters the query names (DuckDB refuses unused ones)."""
    if "store_rejects" in query:  # each line read starts a fresh rejects table
        connection.execute(sql.DROP_REJECTS)
    used = {name: value for name, value in params.items() if f"${name}" in query}
    return connection.execute(query, used)


def fetch(
    connection: duckdb.DuckDBPyConnection, query: str, params: Mapping[str, object]
) -> tuple[int, ...]:  # counts
    (row,) = execute(connection, query, params).fetchall()  # drained: rejects land at the end
    return tuple(row)

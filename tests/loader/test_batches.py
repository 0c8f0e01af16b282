"""A landing folder loads in batches, and each file's accounting is what it would be alone:
the same manifest entry, the same bad rows with the same line numbers, the same rows."""

import gzip
from pathlib import Path
from typing import Any

import pytest
from snowplow_loader.batches import BATCH_BYTES, batches
from snowplow_loader.cli import load_all
from snowplow_loader.embedded import EmbeddedLoader
from snowplow_loader.files import SourceFile, discover
from snowplow_loader.results import FileStatus

from tests.support.enriched import line, lines


def _text(start: int, count: int, *extra: str) -> bytes:
    return ("\n".join([*lines(count, start), *extra]) + "\n").encode()


FOLDER: dict[str, bytes] = {
    "2026/10/01/a.tsv": _text(100, 5),
    "2026/10/01/b.tsv": _text(200, 4, "broken", line(299, event_id="x")),
    "2026/10/01/c.tsv": b"\xc3\x28 not utf-8\n\n" + _text(300, 3) + b"a\x00b\n",
    "2026/10/01/d.tsv": b"",
    "2026/10/01/e.tsv": bytes(range(256)) * 64,  # quarantined
    "2026/10/01/f.tsv": _text(600, 2).replace(b"\n", b"\r\n", 1),  # refused by DuckDB's reader
    "2026/10/02/g.tsv.gz": gzip.compress(_text(700, 6)),
    "2026/10/02/h.tsv.gz": gzip.compress(_text(800, 2, line(899, br_cookies="yes"))),
    "2026/10/02/i.tsv": _text(900, 3),
}
MANIFEST = (
    "SELECT file_key, status, rows_in, rows_loaded, rows_bad, blank_lines, reason "
    "FROM load_manifest ORDER BY 1"
)
BAD_ROWS = (
    "SELECT file_key, line_number, reason, error_fields, message, payload "
    "FROM raw_events_bad_rows ORDER BY 1, 2"
)
RAW = "SELECT load_file_key, event_id, collector_tstamp FROM raw_events ORDER BY 1, 2"


@pytest.fixture
def landing(tmp_path: Path) -> list[SourceFile]:
    folder = tmp_path / "landing"
    for name, data in FOLDER.items():
        (folder / name).parent.mkdir(parents=True, exist_ok=True)
        (folder / name).write_bytes(data)
    return discover([folder])


def _tables(loader: EmbeddedLoader) -> list[list[Any]]:
    return [loader.connection.execute(query).fetchall() for query in (MANIFEST, BAD_ROWS, RAW)]


def test_batched_accounting_equals_loading_files_one_by_one_and_loads_once(
    tmp_path: Path, landing: list[SourceFile]
) -> None:
    with EmbeddedLoader(tmp_path / "one-by-one.duckdb") as loader:
        alone = [loader.load(source) for source in landing]
        expected = _tables(loader)
    with EmbeddedLoader(tmp_path / "batched.duckdb", tmp_path / "quarantine") as loader:
        summary = load_all(loader, landing)
        assert _tables(loader) == expected
        [(transactions,)] = loader.connection.execute(
            "SELECT count(DISTINCT load_tstamp) FROM load_manifest"
        ).fetchall()
        again = load_all(loader, [*landing, landing[0]])  # exactly once, even listed twice
        assert {r.status for r in again.results} == {FileStatus.SKIPPED}
        assert _tables(loader) == expected

    assert [r.status for r in summary.results] == [r.status for r in alone]
    assert [(r.rows_in, r.rows_loaded, r.rows_bad) for r in summary.results] == [
        (r.rows_in, r.rows_loaded, r.rows_bad) for r in alone
    ]
    # Counts are conserved file by file, and the bad rows come from several files of a batch.
    assert all(r.rows_in == r.rows_loaded + r.rows_bad for r in summary.results)
    assert {key.rsplit("/", 1)[1].split("#")[0] for key, *_ in expected[1]} == {
        "b.tsv",
        "c.tsv",
        "h.tsv.gz",
    }
    assert summary.count(FileStatus.QUARANTINED) == 1 and summary.count(FileStatus.EMPTY) == 1
    # One transaction per batch (text files, gzip files, then the last text file), plus
    # the quarantined file and the file DuckDB's reader refused, each on its own.
    assert transactions == 5 < len(landing)


def test_batches_group_consecutive_files_of_one_compression(tmp_path: Path) -> None:
    def source(name: str, size: int) -> SourceFile:
        return SourceFile(tmp_path / name, size, 0)

    sizes = {
        "a.tsv": 10,
        "b.tsv": BATCH_BYTES - 10,
        "c.tsv": 1,
        "d.tsv.gz": 5,
        "e.tsv.gz": 5,
        "f.tsv": BATCH_BYTES * 2,
    }
    files = [source(name, size) for name, size in sizes.items()]
    assert [[f.path.name for f in batch] for batch in batches(files)] == [
        ["a.tsv", "b.tsv"],
        ["c.tsv"],
        ["d.tsv.gz", "e.tsv.gz"],
        ["f.tsv"],
    ]

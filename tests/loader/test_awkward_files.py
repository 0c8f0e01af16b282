"""Awkward but valid files load completely; unreadable ones are refused whole."""

import gzip
from decimal import Decimal
from pathlib import Path

import pytest
from snowplow_loader.embedded import EmbeddedLoader
from snowplow_loader.files import SourceFile
from snowplow_loader.results import FileStatus

from tests.support.embedded import LoadBytes, count
from tests.support.enriched import line, lines

ROWS = [text.encode() for text in lines(5)]


@pytest.mark.parametrize(
    ("name", "data"),
    [
        ("plain.tsv", b"\n".join(ROWS) + b"\n"),
        ("gzip.tsv.gz", gzip.compress(b"\n".join(ROWS) + b"\n")),
        ("crlf.tsv", b"\r\n".join(ROWS) + b"\r\n"),
        ("bom.tsv", b"\xef\xbb\xbf" + b"\n".join(ROWS) + b"\n"),
        ("no-final-newline.tsv", b"\n".join(ROWS)),
        ("multi-member.tsv.gz", gzip.compress(b"\n".join(ROWS[:2]) + b"\n")
         + gzip.compress(b"\n".join(ROWS[2:]) + b"\n")),
    ],
)  # fmt: skip
def test_awkward_but_valid_files_load_every_row(
    loader: EmbeddedLoader, load_bytes: LoadBytes, name: str, data: bytes
) -> None:
    result = load_bytes(name, data)
    assert (result.status, result.rows_in, result.rows_loaded, result.rows_bad) == (
        FileStatus.LOADED,
        5,
        5,
        0,
    )
    assert count(loader, "raw_events") == 5
    first = loader.connection.execute(
        "SELECT app_id, event_id FROM raw_events ORDER BY event_id LIMIT 1"
    ).fetchone()
    assert first == ("web", "00000000-0000-0000-0000-000000000001")  # no BOM, no CR left


def test_fields_over_50000_characters_load_whole(
    loader: EmbeddedLoader, load_bytes: LoadBytes
) -> None:
    title = "x" * 120_000
    result = load_bytes("long.tsv", (line(1, page_title=title) + "\n").encode())
    assert (result.rows_loaded, result.rows_bad) == (1, 0)
    stored = loader.connection.execute("SELECT length(page_title) FROM raw_events").fetchone()
    assert stored == (120_000,)


def test_typed_values_are_cast(loader: EmbeddedLoader, load_bytes: LoadBytes) -> None:
    load_bytes("typed.tsv", (line(1, br_cookies="0", tr_total="12.34") + "\n").encode())
    row = loader.connection.execute(
        "SELECT collector_tstamp::VARCHAR, domain_sessionidx, geo_latitude, br_cookies, "
        "br_features_pdf, tr_total, contexts->>'$.data[0].data.id', load_file_key IS NOT NULL "
        "FROM raw_events"
    ).fetchone()
    assert row == (
        "2026-10-01 12:00:00.123",
        3,
        51.5,
        False,
        True,
        Decimal("12.34"),
        "00000000-0000-0000-0000-000000000001",
        True,
    )


BINARY = bytes(range(256)) * 64


@pytest.mark.parametrize(
    ("name", "data", "reason"),
    [
        ("garbage.tsv", BINARY, "not text"),
        ("garbage.tsv.gz", BINARY, "not gzip data"),
        ("truncated.tsv.gz", gzip.compress(b"\n".join(ROWS * 400))[:3000], "truncated gzip"),
        ("corrupt.tsv.gz", gzip.compress(b"\n".join(ROWS))[:20] + b"\x00" * 200, "corrupt gzip"),
        ("hidden.tsv", gzip.compress(b"\n".join(ROWS)), "gzip data under a .tsv name"),
    ],
)
def test_unreadable_files_are_quarantined_whole(
    tmp_path: Path,
    loader: EmbeddedLoader,
    load_bytes: LoadBytes,
    name: str,
    data: bytes,
    reason: str,
) -> None:
    result = load_bytes(name, data)
    assert result.status is FileStatus.QUARANTINED
    assert result.reason is not None and reason in result.reason
    assert count(loader, "raw_events") == 0
    assert count(loader, "raw_events_bad_rows") == 0
    copy = loader.quarantine_path(SourceFile.at(tmp_path / "landing" / name))
    assert copy is not None and copy.read_bytes() == data
    manifest = loader.connection.execute("SELECT status, reason FROM load_manifest").fetchall()
    assert manifest == [("quarantined", result.reason)]


@pytest.mark.parametrize(
    "data", [b"", b"\n\n", gzip.compress(b"", mtime=0)], ids=["zero-bytes", "blank-lines", "gzip"]
)
def test_empty_files_are_recorded_and_load_nothing(
    loader: EmbeddedLoader, load_bytes: LoadBytes, data: bytes
) -> None:
    name = "empty.tsv.gz" if data.startswith(b"\x1f\x8b") else "empty.tsv"
    result = load_bytes(name, data)
    assert (result.status, result.rows_in) == (FileStatus.EMPTY, 0)
    assert count(loader, "raw_events") == 0
    assert count(loader, "load_manifest") == 1

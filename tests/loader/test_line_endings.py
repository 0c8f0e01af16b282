"""Files DuckDB's reader refuses for their line endings still load, line by line.

A file mixing CRLF and LF lines loads whole; a lone CR inside a field makes its own
line a bad row (enrich never writes one) and the rest loads; a first line longer than
the sniff window without a tab is a bad row, not a reason to quarantine the file.
Line numbers are the file's, and rows in = rows loaded + bad rows.
"""

import gzip

import pytest
from snowplow_loader.embedded import EmbeddedLoader
from snowplow_loader.results import BadRowReason, FileStatus

from tests.loader.conftest import LoadBytes, count, lines

L = [text.encode() for text in lines(4)]
STRAY = L[1].replace(b"\tweb\t", b"\tw\reb\t", 1)
LONG = b"x" * 70_000  # no tab, longer than the 64 KiB the whole-file check reads

# name: (bytes, lines that load, (line number, reason, message part) of each bad row)
FILES: dict[str, tuple[bytes, int, list[tuple[int, str, str]]]] = {
    "lone-cr.tsv": (
        b"\n".join([L[0], STRAY, L[2]]) + b"\n", 2,
        [(2, BadRowReason.NOT_TSV, "carriage return")],
    ),
    "lone-cr-in-crlf.tsv": (
        b"\r\n".join([L[0], STRAY, L[2]]) + b"\r\n", 2,
        [(2, BadRowReason.NOT_TSV, "carriage return")],
    ),
    "crlf-and-lf.tsv": (
        L[0] + b"\r\n" + L[1] + b"\n" + b"broken\r\n" + L[2] + b"\n\r\n" + L[3] + b"\r\n", 4,
        [(3, BadRowReason.FIELD_NUMBER_MISMATCH, "found 1")],
    ),
    "lf-then-crlf.tsv.gz": (
        gzip.compress(L[0] + b"\n" + L[1] + b"\r\n" + L[2] + b"\r\n"), 3, [],
    ),
    "long-first-line.tsv": (
        LONG + b"\n" + b"\n".join(L) + b"\n", 4,
        [(1, BadRowReason.FIELD_NUMBER_MISMATCH, "found 1")],
    ),
    "long-first-line.tsv.gz": (
        gzip.compress(LONG + b"\r\n" + b"\r\n".join(L[:2])), 2,
        [(1, BadRowReason.FIELD_NUMBER_MISMATCH, "found 1")],
    ),
}  # fmt: skip


@pytest.mark.parametrize("name", FILES)
def test_only_the_broken_lines_are_bad_rows(
    loader: EmbeddedLoader, load_bytes: LoadBytes, name: str
) -> None:
    data, good, bad = FILES[name]
    result = load_bytes(name, data)

    assert result.status is FileStatus.LOADED, result.reason
    assert (result.rows_loaded, result.rows_bad) == (good, len(bad))
    assert result.rows_in == result.rows_loaded + result.rows_bad
    assert count(loader, "raw_events") == good
    found = loader.connection.execute(
        "SELECT line_number, reason, message FROM raw_events_bad_rows ORDER BY 1"
    ).fetchall()
    assert [(n, reason) for n, reason, _ in found] == [(n, reason) for n, reason, _ in bad]
    for (_, _, message), (_, _, part) in zip(found, bad, strict=True):
        assert part in message
    ids = loader.connection.execute("SELECT count(DISTINCT event_id) FROM raw_events").fetchone()
    assert ids == (good,)  # no CR left in a value, no line loaded twice


def test_a_stray_cr_line_keeps_its_bytes_as_payload(
    loader: EmbeddedLoader, load_bytes: LoadBytes
) -> None:
    load_bytes("lone-cr.tsv", FILES["lone-cr.tsv"][0])
    payload = loader.connection.execute("SELECT payload FROM raw_events_bad_rows").fetchone()
    assert payload == (STRAY.decode(),)

"""Files DuckDB's reader refuses for their line endings still load, line by line.

A file mixing CRLF and LF lines loads whole; a lone CR inside a field makes its own
line a bad row (enrich never writes one) and the rest loads; a first line longer than
the sniff window without a tab is a bad row, not a reason to quarantine the file.
Line numbers are the file's, and rows in = rows loaded + bad rows.
"""

import pytest
from snowplow_loader.embedded import EmbeddedLoader
from snowplow_loader.results import FileStatus

from tests.support.embedded import LoadBytes, count
from tests.support.line_endings import FILES, STRAY


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

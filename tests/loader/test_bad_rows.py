"""Each invalid-row class becomes one typed bad row naming file, line and field,
while the rest of the file still loads: rows in = rows loaded + bad rows."""

import pytest
from snowplow_loader.embedded import EmbeddedLoader
from snowplow_loader.results import BadRowReason, FileStatus

from tests.support.bad_input import CASES, broken
from tests.support.embedded import LoadBytes, bad_rows
from tests.support.enriched import line, lines


@pytest.mark.parametrize("case", CASES)
def test_bad_line_is_recorded_and_the_rest_loads(
    loader: EmbeddedLoader, load_bytes: LoadBytes, case: str
) -> None:
    bad, reason, error_fields, message_part = CASES[case]
    good = [text.encode() for text in lines(4)]
    result = load_bytes("mixed.tsv", b"\n".join([*good[:2], bad, *good[2:]]) + b"\n")

    assert result.status is FileStatus.LOADED
    assert (result.rows_in, result.rows_loaded, result.rows_bad) == (5, 4, 1)
    [(line_number, got_reason, got_fields, message)] = bad_rows(loader)
    assert (line_number, got_reason) == (3, reason)
    if error_fields is not None:
        assert got_fields == error_fields
    assert message_part in message


def test_several_failing_fields_are_all_named(
    loader: EmbeddedLoader, load_bytes: LoadBytes
) -> None:
    bad = broken(event_id="x", br_cookies="2", geo_longitude="east")
    result = load_bytes("multi.tsv", bad + b"\n")
    assert (result.rows_in, result.rows_bad) == (1, 1)
    [(_, _, error_fields, message)] = bad_rows(loader)
    assert error_fields == ["event_id", "geo_longitude", "br_cookies"]
    assert "event_id: not a UUID 'x'" in message


def test_line_numbers_count_blank_and_undecodable_lines(
    loader: EmbeddedLoader, load_bytes: LoadBytes
) -> None:
    good = [text.encode() for text in lines(6)]
    data = [good[0], b"", b"\xc3\x28 not utf-8", good[1], broken(event_id="bad"), good[2]]
    result = load_bytes("numbers.tsv", b"\n".join(data))
    assert (result.rows_in, result.rows_loaded, result.rows_bad) == (5, 3, 2)
    assert result.blank_lines == 1
    numbers = [(n, reason) for n, reason, _, _ in bad_rows(loader)]
    assert numbers == [(3, BadRowReason.NOT_TSV), (5, BadRowReason.ROW_DECODING_ERROR)]


def test_line_numbers_stay_exact_when_a_large_file_is_read_in_parallel(
    loader: EmbeddedLoader, load_bytes: LoadBytes
) -> None:
    # ~100 MB: several of DuckDB's read buffers, so threads read parts of it at once.
    padding = "p" * 2_500
    broken = {7, 12_345, 20_001, 39_999}
    data = "\n".join(
        line(n, event_id="bad") if n in broken else line(n, page_title=padding)
        for n in range(1, 40_001)
    )
    result = load_bytes("large.tsv", data.encode())
    assert (result.rows_loaded, result.rows_bad) == (40_000 - len(broken), len(broken))
    assert [n for n, *_ in bad_rows(loader)] == sorted(broken)

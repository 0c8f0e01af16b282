"""Each invalid-row class becomes one typed bad row naming file, line and field,
while the rest of the file still loads: rows in = rows loaded + bad rows."""

import pytest
from snowplow_loader.contract import ENRICHED_FIELDS
from snowplow_loader.embedded import EmbeddedLoader
from snowplow_loader.results import BadRowReason, FileStatus

from tests.loader.conftest import LoadBytes, bad_rows, fields, line, lines

HEADER = "\t".join(f.name for f in ENRICHED_FIELDS)


def _broken(**overrides: str) -> bytes:
    return line(99, **overrides).encode()


CASES: dict[str, tuple[bytes, BadRowReason, list[str] | None, str]] = {
    "130 fields": (
        "\t".join(fields(99)[:130]).encode(),
        BadRowReason.FIELD_NUMBER_MISMATCH, None, "found 130",
    ),
    "132 fields": (
        (line(99) + "\textra").encode(), BadRowReason.FIELD_NUMBER_MISMATCH, None, "found 132"
    ),
    "non-UUID event_id": (
        _broken(event_id="not-a-uuid"), BadRowReason.ROW_DECODING_ERROR, ["event_id"], "not a UUID"
    ),
    "missing collector_tstamp": (
        _broken(collector_tstamp=""), BadRowReason.ROW_DECODING_ERROR,
        ["collector_tstamp"], "required but empty",
    ),
    "malformed collector_tstamp": (
        _broken(collector_tstamp="2026-13-01 00:00:00.000"), BadRowReason.ROW_DECODING_ERROR,
        ["collector_tstamp"], "not a timestamp",
    ),
    "malformed other timestamp": (
        _broken(dvce_created_tstamp="yesterday"), BadRowReason.ROW_DECODING_ERROR,
        ["dvce_created_tstamp"], "not a timestamp",
    ),
    "non-numeric integer": (
        _broken(domain_sessionidx="1.5"), BadRowReason.ROW_DECODING_ERROR,
        ["domain_sessionidx"], "not an integer",
    ),
    "non-numeric double": (
        _broken(geo_latitude="north"), BadRowReason.ROW_DECODING_ERROR,
        ["geo_latitude"], "not a number",
    ),
    "boolean other than 0/1": (
        _broken(br_cookies="true"), BadRowReason.ROW_DECODING_ERROR,
        ["br_cookies"], "not a boolean",
    ),
    "broken JSON in contexts": (
        _broken(contexts='{"schema":'), BadRowReason.ROW_DECODING_ERROR,
        ["contexts"], "not self-describing JSON",
    ),
    "broken JSON in unstruct_event": (
        _broken(unstruct_event="[1,2"), BadRowReason.ROW_DECODING_ERROR,
        ["unstruct_event"], "not self-describing JSON",
    ),
    "JSON that is not self-describing in derived_contexts": (
        _broken(derived_contexts='{"a":1}'), BadRowReason.ROW_DECODING_ERROR,
        ["derived_contexts"], "not self-describing JSON",
    ),
    "invalid UTF-8": (
        b"\xff\xfe" + _broken(), BadRowReason.NOT_TSV, None, "not valid UTF-8",
    ),
    "NUL bytes": (
        _broken(page_title="a\x00b"), BadRowReason.NOT_TSV, None, "NUL bytes",
    ),
    "a header row": (
        HEADER.encode(), BadRowReason.ROW_DECODING_ERROR, None, "collector_tstamp: not a timestamp",
    ),
}  # fmt: skip


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
    bad = _broken(event_id="x", br_cookies="2", geo_longitude="east")
    result = load_bytes("multi.tsv", bad + b"\n")
    assert (result.rows_in, result.rows_bad) == (1, 1)
    [(_, _, error_fields, message)] = bad_rows(loader)
    assert error_fields == ["event_id", "geo_longitude", "br_cookies"]
    assert "event_id: not a UUID 'x'" in message


def test_line_numbers_count_blank_and_undecodable_lines(
    loader: EmbeddedLoader, load_bytes: LoadBytes
) -> None:
    good = [text.encode() for text in lines(6)]
    data = [good[0], b"", b"\xc3\x28 not utf-8", good[1], _broken(event_id="bad"), good[2]]
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

"""Broken enriched lines, one per class of bad row, and random damage, shared by both engines'
tests: each case is (line bytes, expected reason, failing fields or None, message part)."""

import random

from snowplow_loader.results import BadRowReason

from tests.support.enriched import HEADER, fields, line


def broken(**overrides: str) -> bytes:
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
        broken(event_id="not-a-uuid"), BadRowReason.ROW_DECODING_ERROR, ["event_id"], "not a UUID"
    ),
    "missing collector_tstamp": (
        broken(collector_tstamp=""), BadRowReason.ROW_DECODING_ERROR,
        ["collector_tstamp"], "required but empty",
    ),
    "malformed collector_tstamp": (
        broken(collector_tstamp="2026-13-01 00:00:00.000"), BadRowReason.ROW_DECODING_ERROR,
        ["collector_tstamp"], "not a timestamp",
    ),
    "malformed other timestamp": (
        broken(dvce_created_tstamp="yesterday"), BadRowReason.ROW_DECODING_ERROR,
        ["dvce_created_tstamp"], "not a timestamp",
    ),
    "non-numeric integer": (
        broken(domain_sessionidx="1.5"), BadRowReason.ROW_DECODING_ERROR,
        ["domain_sessionidx"], "not an integer",
    ),
    "non-numeric double": (
        broken(geo_latitude="north"), BadRowReason.ROW_DECODING_ERROR,
        ["geo_latitude"], "not a number",
    ),
    "boolean other than 0/1": (
        broken(br_cookies="true"), BadRowReason.ROW_DECODING_ERROR,
        ["br_cookies"], "not a boolean",
    ),
    "broken JSON in contexts": (
        broken(contexts='{"schema":'), BadRowReason.ROW_DECODING_ERROR,
        ["contexts"], "not self-describing JSON",
    ),
    "broken JSON in unstruct_event": (
        broken(unstruct_event="[1,2"), BadRowReason.ROW_DECODING_ERROR,
        ["unstruct_event"], "not self-describing JSON",
    ),
    "JSON that is not self-describing in derived_contexts": (
        broken(derived_contexts='{"a":1}'), BadRowReason.ROW_DECODING_ERROR,
        ["derived_contexts"], "not self-describing JSON",
    ),
    "invalid UTF-8": (
        b"\xff\xfe" + broken(), BadRowReason.NOT_TSV, None, "not valid UTF-8",
    ),
    "NUL bytes": (
        broken(page_title="a\x00b"), BadRowReason.NOT_TSV, None, "NUL bytes",
    ),
    "a header row": (
        HEADER.encode(), BadRowReason.ROW_DECODING_ERROR, None, "collector_tstamp: not a timestamp",
    ),
}  # fmt: skip


def mutate(rng: random.Random, data: bytes) -> bytes:
    """Damage a line the way transfers and buggy producers do."""
    position = rng.randrange(len(data))
    match rng.randrange(6):
        case 0:  # drop a byte (may remove a tab, or cut a UTF-8 character)
            return data[:position] + data[position + 1 :]
        case 1:  # add a tab
            return data[:position] + b"\t" + data[position:]
        case 2:  # an invalid UTF-8 byte
            return data[:position] + b"\xff" + data[position:]
        case 3:  # a NUL byte
            return data[:position] + b"\x00" + data[position:]
        case 4:  # a letter in the middle of a value
            return data[:position] + b"z" + data[position:]
        case _:
            return data

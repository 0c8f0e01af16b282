"""Files DuckDB's reader refuses for their line endings, or the whole-file check refused
for a long first line, with the lines and bad rows both engines must give them.

Shared by the embedded tests (``tests/loader/test_line_endings``) and the Cloud
Function's (``tests/cloud_function/test_line_endings_on_bigquery``).
"""

import gzip

from snowplow_loader.results import BadRowReason

from tests.support.enriched import lines

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

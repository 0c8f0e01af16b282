"""The stager frames and flags lines exactly as the embedded engine does, in bounded memory.

Each case is a whole file; the embedded loader (DuckDB) is the reference: both must
agree on quarantine vs load, on how many rows and blank lines there are, and on
which line numbers hold unreadable bytes.
"""

import gzip
import io
import json
from pathlib import Path

import pytest
from snowplow_loader.cloud.stager import Stager
from snowplow_loader.embedded import EmbeddedLoader
from snowplow_loader.files import SourceFile
from snowplow_loader.framing import PAYLOAD_BYTES, Framer, UnreadableFileError
from snowplow_loader.results import BadRowReason

from tests.support.enriched import lines

L = [text.encode() for text in lines(3)]
CUT = L[1][:50] + b"\r" + L[1][50:]
FILES: dict[str, bytes] = {
    "lf.tsv": b"\n".join(L) + b"\n",
    "crlf.tsv": b"\r\n".join(L) + b"\r\n",
    "cr.tsv": b"\r".join(L) + b"\r",
    "bom.tsv": b"\xef\xbb\xbf" + b"\n".join(L),
    "bom-mid-file.tsv": L[0] + b"\n\xef\xbb\xbf" + L[1] + b"\n",
    "blank-lines.tsv": b"\n" + L[0] + b"\n\n" + L[1] + b"\n",
    "crlf-blank-lines.tsv": L[0] + b"\r\n\r\n" + L[1] + b"\r\n",
    "crlf-last-cr.tsv": L[0] + b"\r\n" + L[1] + b"\r",
    "lone-cr.tsv": L[0] + b"\n" + CUT + b"\n",
    "lf-then-crlf.tsv": L[0] + b"\n" + L[1] + b"\r\n",
    "crlf-then-lf.tsv": L[0] + b"\r\n" + L[1] + b"\n",
    "cr-then-lf.tsv": L[0] + b"\r" + L[1] + b"\n",
    "lf-last-cr.tsv": L[0] + b"\n" + L[1] + b"\r",
    "spaces.tsv": L[0] + b"\n   \n" + L[1] + b"\n",
    "not-utf8.tsv": L[0] + b"\n\xc3\x28" + L[1] + b"\n",
    "nul.tsv": L[0] + b"\n" + L[1].replace(b"web", b"w\x00b", 1) + b"\n",
    "nul-and-not-utf8.tsv": b"\xff\x00" + L[0] + b"\n" + L[1] + b"\n",
    "too-long.tsv": L[0] + b"\n" + b"x" * (10 * 1024 * 1024 + 10) + b"\n" + L[1] + b"\n",
    "gzip.tsv.gz": gzip.compress(b"\n".join(L) + b"\n"),
    "members.tsv.gz": gzip.compress(L[0] + b"\n") + gzip.compress(L[1] + b"\n"),
    "truncated.tsv.gz": gzip.compress(b"\n".join(L * 400))[:3000],
    "corrupt.tsv.gz": gzip.compress(b"\n".join(L))[:20] + b"\x00" * 200,
    "binary.tsv": bytes(range(256)) * 64,
    "not-gzip.tsv.gz": b"\n".join(L),
    "gzip-as-tsv.tsv": gzip.compress(b"\n".join(L)),
    "empty.tsv": b"",
    "only-blank.tsv": b"\n\n",
    "empty.tsv.gz": gzip.compress(b""),
}


def stage(name: str, data: bytes, chunk: int = 4096) -> tuple[str, int, int, list[tuple[int, str]]]:
    """(status, rows, blank lines, flagged line numbers) as the cloud path sees the file."""
    out = io.BytesIO()
    stager = Stager(name.endswith(".gz"), out)
    try:
        for start in range(0, len(data), chunk):
            stager.write(data[start : start + chunk])
        staged = stager.finish()
    except UnreadableFileError:
        return ("quarantined", 0, 0, [])
    rows = [json.loads(row) for row in out.getvalue().splitlines()]
    assert [row["n"] for row in rows] == sorted({row["n"] for row in rows})
    flagged = [(row["n"], row["flag"]) for row in rows if row["flag"]]
    status = "empty" if staged.rows == 0 else "loaded"
    return (status, staged.rows, staged.blank_lines, flagged)


@pytest.mark.parametrize("name", FILES)
def test_both_engines_frame_the_file_alike(tmp_path: Path, name: str) -> None:
    path = tmp_path / name
    path.write_bytes(FILES[name])
    with EmbeddedLoader(tmp_path / "db.duckdb") as loader:
        result = loader.load(SourceFile.at(path))
        unreadable = loader.connection.execute(
            "SELECT line_number FROM raw_events_bad_rows WHERE reason = ? ORDER BY 1",
            [BadRowReason.NOT_TSV],
        ).fetchall()
    status, rows, blank, flagged = stage(name, FILES[name])
    assert (status, rows, blank) == (str(result.status), result.rows_in, result.blank_lines)
    assert [n for n, _ in flagged] == [n for (n,) in unreadable]


@pytest.mark.parametrize("chunk", [1, 7, 1 << 16])
def test_chunk_boundaries_change_nothing(chunk: int) -> None:
    for name in ("crlf.tsv", "bom.tsv", "crlf-last-cr.tsv", "members.tsv.gz", "lone-cr.tsv"):
        assert stage(name, FILES[name], chunk) == stage(name, FILES[name], 1 << 20), name


def test_a_line_over_the_limit_keeps_only_its_head() -> None:
    framer = Framer(max_line_bytes=1000)
    data = b"a\n" + b"x" * 5000 + b"\nb\n"
    found = [line for i in range(0, len(data), 100) for line in framer.feed(data[i : i + 100])]
    found += list(framer.finish())
    assert [(line.number, line.too_long) for line in found] == [(1, False), (2, True), (3, False)]
    assert 1000 < len(found[1].data) <= min(PAYLOAD_BYTES, 1100)  # cut when seen, not kept


def test_staging_rows_carry_line_numbers_flags_and_text() -> None:
    _, _, _, flagged = stage("x.tsv", b"\n".join([L[0], b"", b"\xff", b"a\x00b"]) + b"\n")
    assert flagged == [(3, "not_utf8"), (4, "nul")]
    out = io.BytesIO()
    stager = Stager(False, out)
    stager.write(b"a\tb\n\xff\tz\nc\x00d\n" + L[0] + b"\n")
    stager.finish()
    assert [json.loads(row) for row in out.getvalue().splitlines()] == [
        {"n": 1, "flag": None, "line": "a\tb"},  # two fields: fails the precheck
        {"n": 2, "flag": "not_utf8", "line": "\\xff\tz"},
        {"n": 3, "flag": "nul", "line": "c\u2400d"},
        {"n": 4, "flag": None, "candidate": L[0].decode()},
    ]

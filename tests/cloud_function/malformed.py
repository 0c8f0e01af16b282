"""Malformed files across the bad-input classes the embedded loader's tests define.

Row classes come from ``tests.support.bad_input.CASES`` (each in a file of good
rows), file classes from ``test_awkward_files`` (unreadable, empty), and seeded
random damage from ``bad_input.mutate``. Event ids differ from file to file, so a
count of distinct ids proves that nothing was loaded twice.
"""

import gzip
import random

from tests.support.bad_input import CASES, mutate
from tests.support.enriched import HEADER, line, lines

RANDOM_FILES = 22


def _good(file: int, count: int) -> list[bytes]:
    return [text.encode() for text in lines(count, start=10_000 * (file + 1))]


def malformed_files() -> dict[str, bytes]:
    files: dict[str, bytes] = {}
    for index, (bad, *_) in enumerate(CASES.values()):
        good = _good(index, 4)
        files[f"rows/class-{index:02}.tsv"] = b"\n".join([*good[:2], bad, *good[2:]]) + b"\n"
    good = _good(20, len(CASES) + 1)
    mixed = [
        part
        for pair in zip(good, [bad for bad, *_ in CASES.values()], strict=False)
        for part in pair
    ]
    files["rows/every-class.tsv.gz"] = gzip.compress(b"\n".join([*mixed, good[-1]]) + b"\n")
    several = line(21 * 10_000, event_id="x", br_cookies="2", geo_longitude="east")
    files["rows/several-fields.tsv"] = (several + "\n").encode()
    files["rows/header-only.tsv"] = (HEADER + "\n").encode()
    rows = _good(22, 5)
    files.update(
        {
            "files/binary.tsv": bytes(range(256)) * 64,
            "files/binary.tsv.gz": bytes(range(256)) * 64,
            "files/truncated.tsv.gz": gzip.compress(b"\n".join(rows * 400))[:3000],
            "files/corrupt.tsv.gz": gzip.compress(b"\n".join(rows))[:20] + b"\x00" * 200,
            "files/gzip-under-tsv-name.tsv": gzip.compress(b"\n".join(rows)),
            "files/lone-cr.tsv": rows[0] + b"\n" + rows[1].replace(b"\tweb\t", b"\tw\reb\t", 1),
            "files/mixed-line-endings.tsv": rows[0] + b"\n" + rows[1] + b"\r\n",
            "files/empty.tsv": b"",
            "files/blank-lines-only.tsv": b"\n\n\n",
            "files/empty.tsv.gz": gzip.compress(b""),
        }
    )
    rng = random.Random(2026)
    for index in range(RANDOM_FILES):
        damaged = [mutate(rng, text) for text in _good(30 + index, 20)]
        files[f"random/damaged-{index:02}.tsv"] = b"\n".join(damaged) + b"\n"
    return files

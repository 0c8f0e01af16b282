"""Nothing is silently dropped: every non-blank line ends in raw_events or bad rows."""

import random

import pytest
from snowplow_loader.embedded import EmbeddedLoader

from tests.support.bad_input import CASES, mutate
from tests.support.embedded import LoadBytes, count
from tests.support.enriched import lines


def _account(loader: EmbeddedLoader, text: bytes) -> tuple[int, int, int]:
    non_blank = sum(1 for part in text.replace(b"\r\n", b"\n").split(b"\n") if part)
    return non_blank, count(loader, "raw_events"), count(loader, "raw_events_bad_rows")


def test_every_bad_class_in_one_file_is_accounted_for(
    loader: EmbeddedLoader, load_bytes: LoadBytes
) -> None:
    good = [text.encode() for text in lines(len(CASES) + 1)]
    mixed = [
        part
        for pair in zip(good, [bad for bad, *_ in CASES.values()], strict=False)
        for part in pair
    ]
    data = b"\n".join([*mixed, good[-1], b""])
    result = load_bytes("all-classes.tsv", data)

    rows_in, loaded, bad = _account(loader, data)
    assert rows_in == loaded + bad == result.rows_in
    assert (loaded, bad) == (len(CASES) + 1, len(CASES))
    numbers = [
        n
        for (n,) in loader.connection.execute(
            "SELECT line_number FROM raw_events_bad_rows ORDER BY 1"
        ).fetchall()
    ]
    assert numbers == list(range(2, 2 * len(CASES) + 1, 2))


@pytest.mark.parametrize("seed", [1, 2, 3])
def test_randomly_damaged_lines_are_all_accounted_for(
    loader: EmbeddedLoader, load_bytes: LoadBytes, seed: int
) -> None:
    rng = random.Random(seed)
    damaged = [mutate(rng, text.encode()) for text in lines(400)]
    data = b"\n".join(damaged) + b"\n"
    result = load_bytes("damaged.tsv", data)

    rows_in, loaded, bad = _account(loader, data)
    assert rows_in == loaded + bad == result.rows_in == 400
    assert 0 < bad < 400  # the mutations really produced both outcomes
    manifest = loader.connection.execute(
        "SELECT rows_in, rows_loaded, rows_bad FROM load_manifest"
    ).fetchone()
    assert manifest == (rows_in, loaded, bad)

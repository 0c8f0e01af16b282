"""The one generated file most sample-data tests share."""

import pytest
from snowplow_sample import generate

from tests.support.samples import DAYS, EVENTS, START, Generated, as_rows, read_lines


@pytest.fixture(scope="session")
def sample(tmp_path_factory: pytest.TempPathFactory) -> Generated:
    """6,000 events with the default awkward cases: enough for each case to appear."""
    path = tmp_path_factory.mktemp("sample") / "events.tsv"
    stats = generate(path, EVENTS, seed=42, start=START, days=DAYS)
    lines = read_lines(path)
    return Generated(path, stats, lines, as_rows(lines))

"""The stager's precheck asks only what the rules ask: a line it refuses, the rules refuse.

It decides which staging column holds a line (so BigQuery bills the text once), never
the line's fate; a line it wrongly refused would become a bad row the rules never
judged. So it is held to the embedded engine's verdicts (DuckDB, the same rules) on
every named bad case and on randomly damaged lines.
"""

import json
import random

from snowplow_loader.embedded import EmbeddedLoader
from snowplow_loader.framing import Line, staging_row
from snowplow_loader.precheck import is_candidate

from tests.support.bad_input import CASES, mutate
from tests.support.embedded import LoadBytes, bad_rows
from tests.support.enriched import lines


def test_good_lines_are_candidates() -> None:
    assert all(is_candidate(text.encode()) for text in lines(200))


def staged_as(data: bytes) -> str:
    """The staging column the stager puts a line in."""
    row = json.loads(staging_row(Line(1, data)))
    return "candidate" if "candidate" in row else "line"


def test_named_cases_are_staged_as_other_lines_unless_sql_must_judge_them() -> None:
    assert {staged_as(text.encode()) for text in lines(20)} == {"candidate"}
    candidates = {name for name, (data, *_) in CASES.items() if staged_as(data) == "candidate"}
    # field counts, patterns, empty required fields, JSON that is no object, bytes that
    # are no text: refused before BigQuery; a month 13 needs the cast, in SQL
    assert candidates == {"malformed collector_tstamp"}


def test_damaged_lines_it_refuses_are_bad_rows(
    load_bytes: LoadBytes, loader: EmbeddedLoader
) -> None:
    rng = random.Random(7)
    damaged = [mutate(rng, text.encode()) for text in lines(600)]
    result = load_bytes("damaged.tsv", b"\n".join(damaged) + b"\n")
    bad = {number for number, *_ in bad_rows(loader)}
    refused = {n for n, data in enumerate(damaged, 1) if not is_candidate(data)}
    assert refused <= bad
    # the damage is varied enough to show both ways a bad line reaches SQL
    assert len(refused) > 100 and len(bad - refused) > 10
    assert result.rows_loaded == len(damaged) - len(bad)

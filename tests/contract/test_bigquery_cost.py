"""The per-file cost model (``bigquery_cost``) is the SQL's: which statement reads which
columns of which table, derived here from ``bigquery_sql``'s scripts; and the README
shows that model."""

import re
from pathlib import Path

import sqlglot
from snowplow_loader import bigquery_cost as cost
from snowplow_loader import bigquery_sql as sql
from snowplow_loader.contract import MANIFEST_LAYOUT
from sqlglot import exp

from tests.support.enriched import lines

TABLES = sql.Tables("p.raw.raw_events", "p.raw.raw_events_bad_rows", "p.raw.load_manifest")
STAGING = "p.scratch.stg_0123"
COLUMNS = {
    STAGING: {column["name"] for column in sql.STAGING_SCHEMA},
    TABLES.manifest: {f.name for f in MANIFEST_LAYOUT.fields},
}
ROLES = {STAGING: cost.STAGING, TABLES.manifest: cost.MANIFEST}
# The commit's one conditional block: what runs only when the counts fall short.
CONDITIONAL = re.compile(r"^IF .*? THEN$(?P<inside>.*?)^END IF;$", re.M | re.S)


def reads(script: str) -> list[tuple[str, tuple[str, ...]]]:
    """Per statement that reads a table: the table's role and the columns it reads."""
    found = []
    for statement in sqlglot.parse(script, read="bigquery"):
        if statement is None:
            continue
        written = statement.this if isinstance(statement, exp.Insert | exp.Create) else None
        if isinstance(written, exp.Schema):
            written = written.this
        tables = {
            ".".join(p.name for p in table.parts)
            for table in statement.find_all(exp.Table)
            if table is not written
        }
        names = {column.name for column in statement.find_all(exp.Column)}
        for table in sorted(tables):
            found.append((ROLES[table], tuple(sorted(names & COLUMNS[table]))))
    return found


def modelled(model: tuple[cost.Read, ...]) -> list[tuple[str, tuple[str, ...]]]:
    return [(r.table, tuple(sorted(r.columns))) for r in model]


def test_the_model_lists_what_each_script_reads() -> None:
    script = sql.commit_script(TABLES, STAGING)
    conditional = CONDITIONAL.search(script)
    assert conditional is not None
    assert reads(CONDITIONAL.sub("", script)) == modelled(cost.COMMIT)
    assert reads(conditional["inside"]) == modelled(cost.RECHECK)
    assert reads(sql.record_script(TABLES)) == modelled(cost.RECORD) == []


def test_the_check_sees_a_table_read() -> None:
    script = f"DECLARE x INT64; SELECT status, x FROM `{TABLES.manifest}`;"
    assert reads(script) == [(cost.MANIFEST, ("status",))]


def test_the_readme_shows_the_model() -> None:
    readme = (Path(__file__).parents[2] / "functions" / "README.md").read_text()
    assert cost.readme_table() in readme


def test_what_a_file_bills_before_and_after() -> None:
    small = cost.FileShape(
        rows=1_000, text=1_400_000, split=1_500_000, candidates=1_000, candidate_text=1_400_000
    )
    assert cost.billed(cost.BEFORE, small) == 60 * cost.MB  # six tables, each its minimum
    assert cost.billed(cost.COMMIT, small) == 20 * cost.MB <= cost.target(small)
    assert cost.billed(cost.RECORD, small) == 0
    mb300 = 300 * cost.MB
    large = cost.FileShape(
        rows=10**5, text=mb300, split=mb300, candidates=10**5, candidate_text=mb300
    )
    # the text once, where it was read three times
    assert cost.billed(cost.COMMIT, large) < 1.01 * large.text + 10 * cost.MB
    assert 2.9 * large.text < cost.billed(cost.BEFORE, large)
    # a candidate refused: its file reads the candidates again, about twice the text
    refused = cost.billed(cost.COMMIT + cost.RECHECK, large)
    assert 2 * large.text < refused < 2.05 * large.text
    # lines that fail the precheck are read twice: every line by the raw_events insert,
    # the others by the bad-row insert (half of them here: 1.5 times the text)
    half = cost.FileShape(
        rows=10**5, text=mb300, split=mb300, candidates=5 * 10**4, candidate_text=mb300 // 2
    )
    assert 1.5 * half.text < cost.billed(cost.COMMIT, half) < 1.52 * half.text


def test_the_shape_of_real_lines() -> None:
    good_lines = [text.encode() for text in lines(20)]
    bad = good_lines[0].replace(b"\t", b"", 1)  # a field short: refused by the precheck
    shape = cost.FileShape.of([*good_lines, bad])
    assert (shape.rows, shape.candidates) == (len(good_lines) + 1, len(good_lines))
    assert shape.text - shape.candidate_text == len(bad)

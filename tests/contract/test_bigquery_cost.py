"""The per-file cost model (``bigquery_cost``) is the SQL's: which statement reads which
columns of which table, derived here from ``bigquery_sql``'s scripts; and the README
shows that model."""

from pathlib import Path

import sqlglot
from snowplow_loader import bigquery_cost as cost
from snowplow_loader import bigquery_sql as sql
from snowplow_loader.contract import ENRICHED_FIELDS, MANIFEST_LAYOUT
from sqlglot import exp

TABLES = sql.Tables("p.raw.raw_events", "p.raw.raw_events_bad_rows", "p.raw.load_manifest")
STAGING = "p.scratch.stg_0123"
CHECKED_COLUMNS = {"n", "good", "flag", "line", "field_count", "failures"} | {
    f"e_{f.name}" for f in ENRICHED_FIELDS
}
COLUMNS = {
    STAGING: {"n", "flag", "line"},
    sql.CHECKED: CHECKED_COLUMNS,
    TABLES.manifest: {f.name for f in MANIFEST_LAYOUT.fields},
}
TYPED = {f"e_{f.name}" for f in ENRICHED_FIELDS}
ROLES = {STAGING: cost.STAGING, sql.CHECKED: sql.CHECKED, TABLES.manifest: cost.MANIFEST}


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
            columns = names & COLUMNS[table]
            if columns >= TYPED:  # a good line's typed values, all of them: one entry
                columns = (columns - TYPED) | {cost.TYPED}
            found.append((ROLES[table], tuple(sorted(columns))))
    return found


def test_the_model_lists_what_each_script_reads() -> None:
    commit = reads(sql.commit_script(TABLES, STAGING))
    assert commit == [(r.table, tuple(sorted(r.columns))) for r in cost.COMMIT]
    assert reads(sql.record_script(TABLES)) == [(r.table, r.columns) for r in cost.RECORD] == []


def test_the_check_sees_a_table_read() -> None:
    script = f"DECLARE x INT64; SELECT status, x FROM `{TABLES.manifest}`;"
    assert reads(script) == [(cost.MANIFEST, ("status",))]


def test_the_readme_shows_the_model() -> None:
    readme = (Path(__file__).parents[2] / "functions" / "README.md").read_text()
    assert cost.readme_table() in readme


def test_what_a_file_bills_before_and_after() -> None:
    small = cost.FileShape(rows=1_000, text=1_400_000, typed=1_350_000, split=1_500_000)
    assert cost.billed(cost.BEFORE, small) == 60 * cost.MB  # six tables, each its minimum
    assert cost.billed(cost.COMMIT, small) == 30 * cost.MB <= cost.target(small)
    assert cost.billed(cost.RECORD, small) == 0
    large = cost.FileShape(rows=10**5, text=300 * cost.MB, typed=290 * cost.MB, split=320 * cost.MB)
    # the text once, the typed values once: about 2x, where it was about 3x
    assert cost.billed(cost.COMMIT, large) < 2.05 * large.text < cost.billed(cost.BEFORE, large)

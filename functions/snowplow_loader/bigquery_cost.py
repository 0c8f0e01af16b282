"""What one file's commit bills on demand, on paper, from the statements of ``bigquery_sql``.

On-demand pricing bills the bytes of the columns a statement reads, and at least 10 MB
for each table it references; an INSERT's target is written, not read, and a load job
bills nothing. Value sizes follow BigQuery's data size calculation: INT64, FLOAT64 and
TIMESTAMP 8 bytes, NUMERIC 16, BOOL 1, STRING 2 plus its UTF-8 bytes, JSON its text,
NULL nothing, an array the sum of its elements.

``COMMIT`` and ``RECORD`` declare which statement reads which columns of which table;
``tests/contract/test_bigquery_cost.py`` derives the same from the SQL and fails when
they differ, and checks that functions/README.md shows ``readme_table()``. ``BEFORE`` is
the commit script as it was (six statements that read a table), kept for the figure
that ``functions/bench_cloud.py`` records in ``make bench``.
"""

from collections.abc import Iterable
from dataclasses import dataclass

from snowplow_loader.bigquery_sql import CHECKED
from snowplow_loader.contract import ENRICHED_FIELDS

MB = 2**20
MIN_BILLED = 10 * MB  # per table a statement references
TYPED = "e_*"  # every typed raw_events column of a good line in the temporary table
STAGING, MANIFEST = "staging", "manifest"
WHOLE_LINES = f"{CHECKED} (before: every line whole)"
_FIXED_BYTES = {"INT64": 8, "FLOAT64": 8, "TIMESTAMP": 8, "DATE": 8, "NUMERIC": 16, "BOOL": 1}


@dataclass(frozen=True)
class Read:
    """One statement of a script, the table it reads and the columns it reads of it."""

    statement: str
    table: str
    columns: tuple[str, ...]


COMMIT = (
    Read(f"CREATE TEMP TABLE {CHECKED}", STAGING, ("flag", "line", "n")),
    Read("INSERT INTO raw_events", CHECKED, ("good", TYPED)),
    Read(
        "INSERT INTO raw_events_bad_rows",
        CHECKED,
        ("failures", "field_count", "flag", "good", "line", "n"),
    ),
)
RECORD: tuple[Read, ...] = ()  # an empty, quarantined or failed file: no table read
BEFORE = (
    Read("DECLARE settled (manifest check)", MANIFEST, ("file_key", "status")),
    Read(f"CREATE TEMP TABLE {CHECKED}", STAGING, ("flag", "line", "n")),
    Read("INSERT INTO raw_events", WHOLE_LINES, ("f", "good")),
    Read(
        "INSERT INTO raw_events_bad_rows",
        WHOLE_LINES,
        ("failures", "field_count", "flag", "good", "line", "n"),
    ),
    Read("INSERT INTO load_manifest (row count check)", WHOLE_LINES, ("good",)),
    Read("SELECT the manifest row", MANIFEST, ("file_key", "status", "...")),
)


@dataclass(frozen=True)
class FileShape:
    """The sizes a file's statements read, measured from its lines (all good here)."""

    rows: int
    text: int  # UTF-8 bytes of the lines, without line ends
    typed: int  # their raw_events values, typed (what a good line's e_* columns hold)
    split: int  # their fields as strings (what the old ``f`` array column held)

    @classmethod
    def of(cls, lines: Iterable[bytes]) -> "FileShape":
        rows = text = typed = split = 0
        for line in lines:
            rows += 1
            text += len(line)
            for field, value in zip(ENRICHED_FIELDS, line.split(b"\t"), strict=False):
                split += 2 + len(value)
                if value:
                    kind = field.bigquery_type
                    typed += _FIXED_BYTES.get(kind, len(value) + 2 * (kind == "STRING"))
        return cls(rows, text, typed, split)


def column_bytes(table: str, column: str, shape: FileShape) -> int:
    """What one column of a file's table holds (bad lines, a few, are left out)."""
    if table == MANIFEST:
        return 0  # small: its 10 MB minimum is what it bills
    sizes = {
        "n": 8 * shape.rows,
        "line": 2 * shape.rows + shape.text if table != CHECKED else 0,  # now NULL when good
        "good": shape.rows,
        TYPED: shape.typed,
        "f": shape.split,
    }
    return sizes.get(column, 0)  # flag, field_count, failures: NULL or empty when good


def billed(reads: tuple[Read, ...], shape: FileShape) -> int:
    """Bytes billed on demand for one file's script."""
    return sum(
        max(MIN_BILLED, sum(column_bytes(r.table, c, shape) for c in r.columns)) for r in reads
    )


def target(shape: FileShape) -> int:
    """The issue's target: at most 1.5 times the file's text plus 30 MB."""
    return int(1.5 * shape.text) + 30 * MB


def readme_table() -> str:
    """The statements that read a table, as functions/README.md shows them."""
    rows = ["| script | statement | reads table | columns |", "|---|---|---|---|"]
    for script, reads in (("commit", COMMIT), ("record", RECORD)):
        rows += [
            f"| {script} | {r.statement} | {r.table} | {', '.join(r.columns)} |" for r in reads
        ]
        if not reads:
            rows.append(f"| {script} | (none) | | |")
    return "\n".join(rows)

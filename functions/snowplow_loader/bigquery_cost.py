"""What one file's commit bills on demand, on paper, from the statements of ``bigquery_sql``.

On-demand pricing bills the bytes of the columns a statement reads, and at least 10 MB
for each table it references; an INSERT's target is written, not read, and a load job
bills nothing. Value sizes follow BigQuery's data size calculation: INT64 8 bytes, BOOL
1, STRING 2 plus its UTF-8 bytes, an array the sum of its elements, NULL nothing.

``COMMIT``, ``RECHECK`` and ``RECORD`` declare which statement reads which columns of
which table; ``tests/contract/test_bigquery_cost.py`` derives the same from the SQL and
fails when they differ, and checks that functions/README.md shows ``readme_table()``.
``BEFORE`` is the commit script as the issue found it (six statements that read a
table, the whole text three times), kept for the figure that ``functions/bench_cloud.py``
records in ``make bench``.
"""

from collections.abc import Iterable
from dataclasses import dataclass

from snowplow_loader.contract import ENRICHED_FIELDS
from snowplow_loader.precheck import is_candidate

MB = 2**20
MIN_BILLED = 10 * MB  # per table a statement references
STAGING, MANIFEST = "staging", "manifest"
STAGED_BEFORE = "staging (before: every line in one column)"
CHECKED_BEFORE = "checked_lines (before: every line whole)"


@dataclass(frozen=True)
class Read:
    """One statement of a script, the table it reads and the columns it reads of it."""

    statement: str
    table: str
    columns: tuple[str, ...]


COMMIT = (
    Read("INSERT INTO raw_events", STAGING, ("candidate", "flag", "line", "n")),
    Read("INSERT INTO raw_events_bad_rows", STAGING, ("flag", "line", "n")),
)
# Only in a file where the precheck passed a line the rules refuse (its count is short).
RECHECK = (Read("INSERT INTO raw_events_bad_rows", STAGING, ("candidate", "flag", "n")),)
RECORD: tuple[Read, ...] = ()  # an empty, quarantined or failed file: no table read
BEFORE = (
    Read("DECLARE settled (manifest check)", MANIFEST, ("file_key", "status")),
    Read("CREATE TEMP TABLE checked_lines", STAGED_BEFORE, ("flag", "line", "n")),
    Read("INSERT INTO raw_events", CHECKED_BEFORE, ("f", "good")),
    Read(
        "INSERT INTO raw_events_bad_rows",
        CHECKED_BEFORE,
        ("failures", "field_count", "flag", "good", "line", "n"),
    ),
    Read("INSERT INTO load_manifest (row count check)", CHECKED_BEFORE, ("good",)),
    Read("SELECT the manifest row", MANIFEST, ("file_key", "status", "...")),
)


@dataclass(frozen=True)
class FileShape:
    """The sizes a file's statements read, measured from its lines."""

    rows: int
    text: int  # UTF-8 bytes of the lines, without line ends
    split: int  # their fields as strings (what the old ``f`` array column held)
    candidates: int  # lines that pass the precheck (staged as ``candidate``)
    candidate_text: int  # their bytes

    @classmethod
    def of(cls, lines: Iterable[bytes]) -> "FileShape":
        rows = text = split = candidates = candidate_text = 0
        for line in lines:
            rows += 1
            text += len(line)
            split += sum(2 + len(value) for value in line.split(b"\t")[: len(ENRICHED_FIELDS)])
            if is_candidate(line):
                candidates += 1
                candidate_text += len(line)
        return cls(rows, text, split, candidates, candidate_text)

    def column_bytes(self, table: str, column: str) -> int:
        """What one column of a file's table holds (flags, failures: NULL or empty when
        good; the manifest is small: its 10 MB minimum is what it bills)."""
        whole = 2 * self.rows + self.text  # a STRING is 2 bytes plus its UTF-8 bytes
        sizes = {
            STAGING: {
                "n": 8 * self.rows,
                "candidate": 2 * self.candidates + self.candidate_text,
                "line": whole - 2 * self.candidates - self.candidate_text,
            },
            STAGED_BEFORE: {"n": 8 * self.rows, "line": whole},
            CHECKED_BEFORE: {"n": 8 * self.rows, "line": whole, "good": self.rows, "f": self.split},
        }
        return sizes.get(table, {}).get(column, 0)


def billed(reads: tuple[Read, ...], shape: FileShape) -> int:
    """Bytes billed on demand for one file's script."""
    return sum(
        max(MIN_BILLED, sum(shape.column_bytes(r.table, c) for c in r.columns)) for r in reads
    )


def target(shape: FileShape) -> int:
    """The issue's target: at most 1.5 times the file's text plus 30 MB."""
    return int(1.5 * shape.text) + 30 * MB


def readme_table() -> str:
    """The statements that read a table, as functions/README.md shows them."""
    rows = ["| script | statement | reads table | columns |", "|---|---|---|---|"]
    scripts = (("commit", COMMIT), ("commit, a refused candidate", RECHECK), ("record", RECORD))
    for script, reads in scripts:
        rows += [
            f"| {script} | {r.statement} | {r.table} | {', '.join(r.columns)} |" for r in reads
        ]
        if not reads:
            rows.append(f"| {script} | (none) | | |")
    return "\n".join(rows)

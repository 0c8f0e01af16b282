"""The GoogleSQL the Cloud Function runs, built from the contract and the rules.

The embedded engine's counterpart is ``duckdb_sql``; both apply ``rules.RULES`` and
classify lines in the same order (unreadable bytes, then field count, then field
rules), so a file gets the same bad rows whichever engine loads it.

The function stages each object as rows ``(n, flag, candidate | line)`` (see
``cloud.stager``): a line that passes the stager's precheck (``precheck``) in
``candidate``, any other in ``line``. ``commit_script`` moves the file in ONE
transaction: the lines the rules accept go typed into raw_events, every refused line
goes with its typed reasons into bad rows, and the manifest row. SQL judges every line;
the precheck only decides which column holds it, so that the bad-row insert reads the
few others and a line's text is billed once (twice in a file where the rules refuse a
candidate). The transaction refuses to commit (ERROR, so
BigQuery rolls back) unless the inserts together account for every staged row: a
partial load can never become visible.

Exactly once is the job chain's doing, not this SQL's (``cloud.jobs``: a generation's
writers run one after another, and none follows one that settled the file); under
BigQuery's snapshot isolation a check on the manifest inside the script would be no
lock anyway. So the scripts do not read the manifest, and the cost model
(``bigquery_cost``) counts what is left: two statements that read a table, and a third
in a file with a candidate the rules refuse.
"""

from dataclasses import dataclass

from snowplow_loader.contract import ENRICHED_FIELDS, RAW_EVENTS
from snowplow_loader.limits import MAX_LINE_BYTES
from snowplow_loader.results import BadRowReason
from snowplow_loader.rules import RULES, BigQueryRules

_RULES = BigQueryRules()
_FIELD_COUNT = len(ENRICHED_FIELDS)

STAGING_SCHEMA: list[dict[str, str]] = [
    {"name": "n", "type": "INT64", "mode": "REQUIRED"},
    {"name": "flag", "type": "STRING", "mode": "NULLABLE"},
    {"name": "candidate", "type": "STRING", "mode": "NULLABLE"},
    {"name": "line", "type": "STRING", "mode": "NULLABLE"},
]
CANDIDATE = "candidate"  # the text of a line that passed the stager's precheck
OTHER = "line"  # the text of any other line (flagged, or failed the precheck)
MANIFEST_RESULT = "status, rows_in, rows_loaded, rows_bad, blank_lines, reason, job_id"
_FLAG_MESSAGES = {
    "nul": "line holds NUL bytes",
    "not_utf8": "line is not valid UTF-8 text",
    "too_long": f"line could not be read: longer than the maximum line size of {MAX_LINE_BYTES}",
    "stray_cr": "line holds a carriage return that ends no line",
}


@dataclass(frozen=True)
class Tables:
    """Fully qualified names (`project.dataset.table`) of the tables one load touches."""

    raw_events: str
    bad_rows: str
    manifest: str


def _raw(index: int) -> str:
    """A field's text, NULL when empty (DuckDB reads empty fields as NULL too)."""
    return f"NULLIF(f[SAFE_OFFSET({index})], '')"


def _spec() -> str:
    """The fields that have a check, as an array of (i, name, kind, required) structs."""
    return ", ".join(
        f"STRUCT({i} AS i, '{f.name}' AS name, '{f.kind}' AS kind, "
        f"{str(f.required).upper()} AS required)"
        for i, f in enumerate(ENRICHED_FIELDS)
        if f.required or RULES[f.kind] is not None
    )


def judged(staging: str, column: str) -> str:
    """The staged lines of a column (or an expression of columns), split and judged:
    ``good``, the fields ``f`` and, per line, its ``failures`` in field order."""
    failure = _RULES.failure("spec.required", "spec.kind", "raw")
    message = _RULES.message("spec.name", "spec.kind", "raw")
    return f"""
SELECT *, flag IS NULL AND field_count = {_FIELD_COUNT} AND ARRAY_LENGTH(failures) = 0 AS good
FROM (
    SELECT n, flag, payload, f, ARRAY_LENGTH(f) AS field_count,
        ARRAY(
            SELECT AS STRUCT name, message FROM (
                SELECT position, spec.name AS name, {message} AS message, {failure} AS failed
                FROM (
                    SELECT NULLIF(text, '') AS raw, position
                    FROM UNNEST(f) AS text WITH OFFSET AS position)
                JOIN UNNEST([{_spec()}]) AS spec ON spec.i = position)
            WHERE failed ORDER BY position) AS failures
    FROM (
        SELECT n, flag, {column} AS payload, SPLIT({column}, '\\t') AS f
        FROM `{staging}` WHERE {column} IS NOT NULL))"""


def insert_good(tables: Tables, staging: str) -> str:
    """Every line the rules accept, typed, into raw_events.

    It reads both text columns: the candidates are nearly all of the text and the others
    few, and one statement bills one table's columns once, so the precheck's sorting
    saves the bad-row insert's read without the good lines depending on it.
    """
    typed = ", ".join(_RULES.cast(f, _raw(i)) for i, f in enumerate(ENRICHED_FIELDS))
    columns = ", ".join(f.name for f in RAW_EVENTS)
    every_line = f"COALESCE({CANDIDATE}, {OTHER})"
    return (
        f"INSERT INTO `{tables.raw_events}` ({columns}) "
        f"SELECT {typed}, @load_tstamp, @file_key FROM ({judged(staging, every_line)}) WHERE good"
    )


def insert_bad(tables: Tables, staging: str, column: str) -> str:
    """The lines of one staging column that the rules refuse, as bad rows."""
    flags = " ".join(f"WHEN '{flag}' THEN '{text}'" for flag, text in _FLAG_MESSAGES.items())
    return f"""
INSERT INTO `{tables.bad_rows}`
    (file_key, line_number, reason, error_fields, message, payload, load_tstamp)
SELECT @file_key, n, reason,
    IF(reason = '{BadRowReason.ROW_DECODING_ERROR}',
        ARRAY(SELECT x.name FROM UNNEST(failures) AS x WITH OFFSET AS o ORDER BY o), []),
    CASE reason
        WHEN '{BadRowReason.NOT_TSV}' THEN CASE flag {flags} END
        WHEN '{BadRowReason.FIELD_NUMBER_MISMATCH}'
            THEN CONCAT('{_FIELD_COUNT} tab-separated fields expected, found ',
                CAST(field_count AS STRING))
        ELSE ARRAY_TO_STRING(
            ARRAY(SELECT x.message FROM UNNEST(failures) AS x WITH OFFSET AS o ORDER BY o), '; ')
    END,
    payload, @load_tstamp
FROM (
    SELECT n, flag, payload, field_count, failures,
        CASE
            WHEN flag IS NOT NULL THEN '{BadRowReason.NOT_TSV}'
            WHEN field_count <> {_FIELD_COUNT} THEN '{BadRowReason.FIELD_NUMBER_MISMATCH}'
            ELSE '{BadRowReason.ROW_DECODING_ERROR}'
        END AS reason
    FROM ({judged(staging, column)}) WHERE NOT good
)"""


def _manifest_row(tables: Tables, status: str, loaded: str, bad: str, reason: str) -> str:
    """The manifest insert, from parameters and script variables: it reads no table.

    It inserts nothing, and ERROR rolls the transaction back, unless ``loaded`` +
    ``bad`` rows account for the @rows_in staged.
    """
    return f"""
INSERT INTO `{tables.manifest}` (file_key, path, generation, bytes, status, rows_in,
    rows_loaded, rows_bad, blank_lines, reason, load_tstamp, seconds, job_id)
SELECT @file_key, @path, @generation, @bytes, {status}, @rows_in, {loaded}, {bad},
    @blank_lines, {reason}, @load_tstamp, @seconds, @job_id
FROM UNNEST([IF({loaded} + {bad} = @rows_in, 1, ERROR(FORMAT(
    'refusing a partial load of %s: %d rows written, %d staged',
    @file_key, {loaded} + {bad}, @rows_in)))])"""


def _result(status: str, loaded: str, bad: str, reason: str) -> str:
    """The manifest row this script wrote (``MANIFEST_RESULT``), from its own values."""
    return (
        f"SELECT {status} AS status, @rows_in AS rows_in, {loaded} AS rows_loaded, "
        f"{bad} AS rows_bad, @blank_lines AS blank_lines, {reason} AS reason, @job_id AS job_id"
    )


def commit_script(tables: Tables, staging: str) -> str:
    """Move one staged file into raw_events, bad rows and the manifest, all or nothing.

    Parameters: @file_key, @path, @generation, @bytes, @rows_in, @blank_lines,
    @load_tstamp, @seconds, @job_id. The inserts' row counts (``@@row_count``) make
    the manifest row; it is refused (ERROR: the whole transaction rolls back) unless
    they add up to the @rows_in rows the function staged. The last statement returns
    that row (``MANIFEST_RESULT``).
    """
    loaded, bad = "good_written", "bad_written"  # script variables
    return f"""
DECLARE {loaded} INT64 DEFAULT 0;
DECLARE {bad} INT64 DEFAULT 0;
BEGIN TRANSACTION;
{insert_good(tables, staging)};
SET {loaded} = @@row_count;
{insert_bad(tables, staging, OTHER)};
SET {bad} = @@row_count;
IF {loaded} + {bad} < @rows_in THEN
{insert_bad(tables, staging, CANDIDATE)};
SET {bad} = {bad} + @@row_count;
END IF;
{_manifest_row(tables, "'loaded'", loaded, bad, "CAST(NULL AS STRING)")};
COMMIT TRANSACTION;
{_result("'loaded'", loaded, bad, "CAST(NULL AS STRING)")};
"""


def record_script(tables: Tables) -> str:
    """Record a file that loads no rows (empty, quarantined, failed): no table read.

    Parameters as ``commit_script`` plus @status and @reason; rows_loaded and
    rows_bad are 0 (@rows_in is 0 too, except for a file that failed after staging,
    which is why the row count check is not applied here). A failed file gets one row
    per failed run, so the number of its failed rows is the number of its next replay.
    """
    return f"""
INSERT INTO `{tables.manifest}` (file_key, path, generation, bytes, status, rows_in,
    rows_loaded, rows_bad, blank_lines, reason, load_tstamp, seconds, job_id)
VALUES (@file_key, @path, @generation, @bytes, @status, @rows_in, 0, 0,
    @blank_lines, @reason, @load_tstamp, @seconds, @job_id);
{_result("@status", "0", "0", "@reason")};
"""

"""The GoogleSQL the Cloud Function runs, built from the contract and the rules.

The embedded engine's counterpart is ``duckdb_sql``; both apply ``rules.RULES`` and
classify lines in the same order (unreadable bytes, then field count, then field
rules), so a file gets the same bad rows whichever engine loads it.

The function stages each object as rows ``(n, flag, line)`` (see ``cloud.stager``).
``commit_script`` checks every line once into a temporary table, then moves the file
in ONE transaction: good rows to raw_events, bad rows with their typed reasons, and
the manifest row. It does nothing when the manifest already settles the file (any
status but ``failed``: a failed file may be replayed), and the transaction refuses
to commit (ERROR, so BigQuery rolls back) unless every staged row was accounted for:
a partial load can never become visible.

That check is no lock: two insert-only transactions do not conflict under BigQuery's
snapshot isolation. One commit per generation comes from the job ids (``cloud.jobs``);
the check makes a later attempt that finds the file committed write nothing. It runs
once, before the transaction, so each statement references as few tables as it can
(on demand, every table a statement references bills at least 10 MB).
"""

from dataclasses import dataclass

from snowplow_loader.contract import ENRICHED_FIELDS, RAW_EVENTS
from snowplow_loader.limits import MAX_LINE_BYTES
from snowplow_loader.results import SETTLED, BadRowReason, FileStatus
from snowplow_loader.rules import RULES, BigQueryRules

_RULES = BigQueryRules()
_FIELD_COUNT = len(ENRICHED_FIELDS)

STAGING_SCHEMA: list[dict[str, str]] = [
    {"name": "n", "type": "INT64", "mode": "REQUIRED"},
    {"name": "flag", "type": "STRING", "mode": "NULLABLE"},
    {"name": "line", "type": "STRING", "mode": "REQUIRED"},
]

CHECKED = "checked_lines"  # the script's temporary table
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


def check_lines(staging: str) -> str:
    """Every staged line split, its failing fields (name, message) and its verdict, once.

    A temporary table, so the rules run once per line and both inserts read the
    verdict: ``good`` lines and the others are complements by construction.
    """
    failure = _RULES.failure("spec.required", "spec.kind", "raw")
    message = _RULES.message("spec.name", "spec.kind", "raw")
    return f"""
CREATE TEMP TABLE {CHECKED} AS
SELECT *, flag IS NULL AND field_count = {_FIELD_COUNT} AND ARRAY_LENGTH(failures) = 0 AS good
FROM (
    SELECT n, flag, line, f, ARRAY_LENGTH(f) AS field_count,
        ARRAY(
            SELECT AS STRUCT name, message FROM (
                SELECT position, spec.name AS name, {message} AS message, {failure} AS failed
                FROM (
                    SELECT NULLIF(text, '') AS raw, position
                    FROM UNNEST(f) AS text WITH OFFSET AS position)
                JOIN UNNEST([{_spec()}]) AS spec ON spec.i = position)
            WHERE failed ORDER BY position) AS failures
    FROM (SELECT n, flag, line, SPLIT(line, '\\t') AS f FROM `{staging}`))"""


_SETTLED = ", ".join(f"'{status}'" for status in sorted(SETTLED))


def _settled(tables: Tables) -> str:
    """Declares ``settled``: the manifest already holds this file with a final status."""
    return (
        f"DECLARE settled BOOL DEFAULT EXISTS(SELECT 1 FROM `{tables.manifest}` "
        f"WHERE file_key = @file_key AND status IN ({_SETTLED}))"
    )


def insert_good(tables: Tables) -> str:
    casts = ", ".join(_RULES.cast(f, _raw(i)) for i, f in enumerate(ENRICHED_FIELDS))
    columns = ", ".join(f.name for f in RAW_EVENTS)
    return (
        f"INSERT INTO `{tables.raw_events}` ({columns}) "
        f"SELECT {casts}, @load_tstamp, @file_key FROM {CHECKED} WHERE good"
    )


def insert_bad(tables: Tables) -> str:
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
    line, @load_tstamp
FROM (
    SELECT *,
        CASE
            WHEN flag IS NOT NULL THEN '{BadRowReason.NOT_TSV}'
            WHEN field_count <> {_FIELD_COUNT} THEN '{BadRowReason.FIELD_NUMBER_MISMATCH}'
            ELSE '{BadRowReason.ROW_DECODING_ERROR}'
        END AS reason
    FROM {CHECKED} WHERE NOT good
)"""


def _manifest_row(tables: Tables, status: str, counts: str, reason: str) -> str:
    """The manifest insert; ``counts`` yields loaded, bad and a row only when it may insert."""
    return f"""
INSERT INTO `{tables.manifest}` (file_key, path, generation, bytes, status, rows_in,
    rows_loaded, rows_bad, blank_lines, reason, load_tstamp, seconds, job_id)
SELECT @file_key, @path, @generation, @bytes, {status}, @rows_in, loaded, bad,
    @blank_lines, {reason}, @load_tstamp, @seconds, @job_id
FROM ({counts})"""


def _result(tables: Tables) -> str:
    """The file's manifest row: the settling one, else the newest failure."""
    return (
        f"SELECT {MANIFEST_RESULT} FROM `{tables.manifest}` WHERE file_key = @file_key "
        f"ORDER BY status IN ({_SETTLED}) DESC, load_tstamp DESC LIMIT 1"
    )


_ACCOUNTED = f"""
SELECT COUNTIF(good) AS loaded, COUNTIF(NOT good) AS bad FROM {CHECKED}
HAVING IF(COUNT(*) = @rows_in, TRUE, ERROR(FORMAT(
    'refusing a partial load of %s: %d rows staged, %d expected',
    @file_key, COUNT(*), @rows_in)))"""


def commit_script(tables: Tables, staging: str) -> str:
    """Move one staged file into raw_events, bad rows and the manifest, all or nothing.

    Parameters: @file_key, @path, @generation, @bytes, @rows_in, @blank_lines,
    @load_tstamp, @seconds, @job_id. The manifest insert fails (ERROR, so the whole
    transaction rolls back) unless the staging table holds exactly the @rows_in rows
    the function staged. The last statement returns the manifest row
    (``MANIFEST_RESULT``), whether this run or an earlier one wrote it.
    """
    return f"""
{_settled(tables)};
IF NOT settled THEN
{check_lines(staging)};
BEGIN TRANSACTION;
{insert_good(tables)};
{insert_bad(tables)};
{_manifest_row(tables, "'loaded'", _ACCOUNTED, "NULL")};
COMMIT TRANSACTION;
END IF;
{_result(tables)};
"""


def record_script(tables: Tables) -> str:
    """Record a file that loads no rows (empty, quarantined, failed) unless already settled.

    Parameters as ``commit_script`` plus @status and @reason; rows_loaded and
    rows_bad are 0 (@rows_in is 0 too, except for a file that failed after staging).
    A failed file gets one row per failed run, so the number of its failed rows is
    the number of its next replay.
    """
    return f"""
{_settled(tables)};
IF NOT settled THEN
{_manifest_row(tables, "@status", "SELECT 0 AS loaded, 0 AS bad", "@reason")};
END IF;
{_result(tables)};
"""


def file_states(tables: Tables) -> str:
    """Per file under @prefix: settled or not, failed runs, the newest failure's time."""
    return f"""
SELECT file_key, LOGICAL_OR(status IN ({_SETTLED})) AS settled,
    COUNTIF(status = '{FileStatus.FAILED}') AS failures,
    MAX(IF(status = '{FileStatus.FAILED}', load_tstamp, NULL)) AS last_failure
FROM `{tables.manifest}`
WHERE STARTS_WITH(file_key, @prefix)
GROUP BY file_key"""

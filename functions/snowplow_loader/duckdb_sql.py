"""The SQL the embedded engine runs, built from the contract and the rules.

Three reads of a file, each cheap for what it does:
- ``count_lines``: one VARCHAR column per line; counts lines and proves the file
  decompresses and parses to its end before anything is written.
- ``insert_good``: DuckDB's parallel CSV reader splits the 131 fields; rows whose
  checks all pass are cast and inserted. Lines the reader cannot split (wrong field
  count, invalid UTF-8) are skipped here and accounted for by the next read.
- ``insert_bad``: only when the counts say rows are missing. Lines are numbered
  (row_number over the file's order) and every failing line becomes a bad row.
"""

from snowplow_loader.contract import (
    BAD_ROWS,
    ENRICHED_FIELDS,
    MANIFEST,
    RAW_EVENTS,
    Field,
    duckdb_columns,
)
from snowplow_loader.limits import MAX_LINE_BYTES
from snowplow_loader.results import BadRowReason
from snowplow_loader.rules import DuckDBRules

RAW_EVENTS_TABLE = "raw_events"
BAD_ROWS_TABLE = "raw_events_bad_rows"
MANIFEST_TABLE = "load_manifest"
# Temporary tables of this connection (DuckDB puts a read's rejects in its temp catalog).
REJECTS_TABLE = "line_rejects"
REJECTS_SCAN = "line_reject_scans"
BAD_LINES = "bad_lines"

_NO_DELIMITER = "\x1f\x1e\x1d\x1c"  # four separators in a row: not in any enriched line
_RULES = DuckDBRules()
_FIELD_COUNT = len(ENRICHED_FIELDS)

DDL = [
    f"CREATE TABLE IF NOT EXISTS {RAW_EVENTS_TABLE} ({duckdb_columns(RAW_EVENTS)})",
    f"CREATE TABLE IF NOT EXISTS {BAD_ROWS_TABLE} ({duckdb_columns(BAD_ROWS)})",
    f"CREATE TABLE IF NOT EXISTS {MANIFEST_TABLE} ({duckdb_columns(MANIFEST)}, "
    "PRIMARY KEY (file_key))",
]


def _read_csv(columns: str, delimiter: str, rejects: bool) -> str:
    error_handling = (
        f"store_rejects = true, rejects_table = '{REJECTS_TABLE}', rejects_scan = '{REJECTS_SCAN}'"
        if rejects
        else "ignore_errors = true"
    )
    return (
        f"read_csv($path, columns = {columns}, delim = '{delimiter}', header = false, "
        "quote = '', escape = '', comment = '', auto_detect = false, "
        f"compression = $compression, max_line_size = {MAX_LINE_BYTES}, {error_handling})"
    )


_LINES = _read_csv("{'line': 'VARCHAR'}", _NO_DELIMITER, rejects=True)
_FIELDS = _read_csv(
    "{" + ", ".join(f"'{f.name}': 'VARCHAR'" for f in ENRICHED_FIELDS) + "}", "\t", rejects=False
)

COUNT_LINES = (
    "SELECT count(*) AS lines, count(line) AS rows, "
    f"count_if(contains(line, chr(0))) AS lines_with_nul FROM {_LINES}"
)
COUNT_REJECTED_LINES = f"SELECT count(DISTINCT line) FROM {REJECTS_TABLE}"
DROP_REJECTS = f"DROP TABLE IF EXISTS {REJECTS_TABLE}; DROP TABLE IF EXISTS {REJECTS_SCAN}"


def _failures(fields: dict[Field, str]) -> list[tuple[Field, str]]:
    checks = ((f, _RULES.failure(f, raw)) for f, raw in fields.items())
    return [(f, check) for f, check in checks if check]


def _any_failure(fields: dict[Field, str]) -> str:
    return "coalesce(" + " OR ".join(f"({c})" for _, c in _failures(fields)) + ", false)"


def _has_nul(text_columns: list[str]) -> str:
    return f"contains(concat({', '.join(text_columns)}), chr(0))"


def insert_good(check_nul: bool) -> str:
    """Cast and insert every row that passes all checks; $load_tstamp, $file_key bound.

    The NUL check costs a pass over every text column, so it runs only when the
    line count found NUL bytes in the file at all.
    """
    fields = {f: f"nullif({f.name}, '')" for f in ENRICHED_FIELDS}
    casts = ", ".join(_RULES.cast(f, raw) for f, raw in fields.items())
    columns = ", ".join(f.name for f in RAW_EVENTS)
    return (
        f"INSERT INTO {RAW_EVENTS_TABLE} ({columns}) "
        f"SELECT {casts}, $load_tstamp, $file_key FROM {_FIELDS} "
        f"WHERE NOT {_any_failure(fields)}"
        + (f" AND NOT {_has_nul([f.name for f in ENRICHED_FIELDS])}" if check_nul else "")
    )


def classify_lines() -> str:
    """Number every line and keep those that fail, with their typed reason.

    Run as its own statement: the reader fills the rejects table (lines it could not
    decode) while it runs, and `insert_bad` needs that table complete.
    """
    fields = {f: f"nullif(f[{i + 1}], '')" for i, f in enumerate(ENRICHED_FIELDS)}
    failures = _failures(fields)
    error_fields = (
        "list_filter(["
        + ", ".join(f"CASE WHEN {c} THEN '{f.name}' END" for f, c in failures)
        + "], x -> x IS NOT NULL)"
    )
    message = (
        "concat_ws('; ', "
        + ", ".join(f"CASE WHEN {c} THEN {_RULES.message(f, fields[f])} END" for f, c in failures)
        + ")"
    )
    return f"""
        CREATE OR REPLACE TEMP TABLE {BAD_LINES} AS
        SELECT ordinal, line,
            CASE
                WHEN contains(line, chr(0)) THEN '{BadRowReason.NOT_TSV}'
                WHEN len(f) <> {_FIELD_COUNT} THEN '{BadRowReason.FIELD_NUMBER_MISMATCH}'
                WHEN {_any_failure(fields)} THEN '{BadRowReason.ROW_DECODING_ERROR}'
            END AS reason,
            CASE WHEN reason = '{BadRowReason.ROW_DECODING_ERROR}' THEN {error_fields} END
                AS error_fields,
            CASE reason
                WHEN '{BadRowReason.NOT_TSV}' THEN 'line holds NUL bytes'
                WHEN '{BadRowReason.FIELD_NUMBER_MISMATCH}'
                    THEN '{_FIELD_COUNT} tab-separated fields expected, found ' || len(f)
                ELSE {message}
            END AS message
        FROM (
            SELECT row_number() OVER () AS ordinal, line, string_split(line, chr(9)) AS f
            FROM {_LINES}
        )
        WHERE line IS NOT NULL AND reason IS NOT NULL"""


def insert_bad() -> str:
    """Bad rows from classify_lines plus the lines the reader refused, with file line numbers.

    Rows come out of the reader in file order, so a row's ordinal is its line number
    once the refused lines before it (known by line number) are counted back in.
    """
    return f"""
        INSERT INTO {BAD_ROWS_TABLE}
        WITH refused AS (
            SELECT line AS line_number,
                line - row_number() OVER (ORDER BY line) AS lines_read_before,
                any_value(error_type) AS error_type,
                any_value(error_message) AS error_message,
                any_value(csv_line) AS payload
            FROM {REJECTS_TABLE} GROUP BY line
        )
        SELECT $file_key,
            ordinal + (SELECT count(*) FROM refused WHERE lines_read_before < ordinal),
            reason, error_fields, message, line, $load_tstamp
        FROM {BAD_LINES}
        UNION ALL
        SELECT $file_key, line_number, '{BadRowReason.NOT_TSV}', NULL,
            CASE error_type WHEN 'INVALID ENCODING' THEN 'line is not valid UTF-8 text'
                ELSE 'line could not be read: ' || error_message END,
            payload, $load_tstamp
        FROM refused"""

"""The SQL the embedded engine runs, built from the contract and the rules.

Every read takes a list of files (``$paths``: a batch, or one file) and knows each
row's file by the reader's ``file_index``. Three reads, each cheap for what it does:
- ``COUNT_LINES``: one VARCHAR column per line; counts each file's lines and proves
  the files decompress and parse to their end before anything is written.
- ``insert_good``: DuckDB's parallel CSV reader splits the 131 fields; rows whose
  checks all pass are cast and inserted, each with its own file's key. Lines the
  reader cannot split (wrong field count, invalid UTF-8) are skipped here and
  accounted for by the next read.
- ``classify_lines`` and ``insert_bad``: only for a file whose counts say rows are
  missing, read alone. Lines are numbered (row_number over the file's order) and
  every failing line becomes a bad row.
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
        f"read_csv($paths, columns = {columns}, delim = '{delimiter}', header = false, "
        "quote = '', escape = '', comment = '', auto_detect = false, "
        f"compression = $compression, max_line_size = {MAX_LINE_BYTES}, {error_handling})"
    )


_LINES = _read_csv("{'line': 'VARCHAR'}", _NO_DELIMITER, rejects=True)
_FIELDS = _read_csv(
    "{" + ", ".join(f"'{f.name}': 'VARCHAR'" for f in ENRICHED_FIELDS) + "}", "\t", rejects=False
)

COUNT_LINES = (
    "SELECT file_index, count(*) AS lines, count(line) AS rows, "
    f"count_if(contains(line, chr(0))) AS lines_with_nul FROM {_LINES} GROUP BY file_index"
)
COUNT_REJECTED_LINES = f"SELECT file_id, count(DISTINCT line) FROM {REJECTS_TABLE} GROUP BY file_id"
DROP_REJECTS = f"DROP TABLE IF EXISTS {REJECTS_TABLE}; DROP TABLE IF EXISTS {REJECTS_SCAN}"
# What one batch inserted, per file: load_tstamp is the batch's, and its zone maps let
# the scan skip every row group written before it.
COUNT_LOADED = (
    f"SELECT load_file_key, count(*) FROM {RAW_EVENTS_TABLE} "
    "WHERE load_tstamp = $load_tstamp AND list_contains($keys, load_file_key) GROUP BY 1"
)
# Lines only Python's framer can judge (see ``reframe``), staged as ``cloud.stager`` rows.
_FLAG_MESSAGES = {  # worded as bigquery_sql words them
    "too_long": f"line could not be read: longer than the maximum line size of {MAX_LINE_BYTES}",
    "stray_cr": "line holds a carriage return that ends no line",
}
INSERT_FLAGGED = (
    f"INSERT INTO {BAD_ROWS_TABLE} SELECT $file_key, n, '{BadRowReason.NOT_TSV}', NULL, "
    "CASE flag "
    + " ".join(f"WHEN '{flag}' THEN '{text}'" for flag, text in _FLAG_MESSAGES.items())
    + " END, line, $load_tstamp "
    "FROM read_json($flagged, format = 'newline_delimited', "
    "columns = {n: 'BIGINT', flag: 'VARCHAR', line: 'VARCHAR'})"
)


def _failures(fields: dict[Field, str]) -> list[tuple[Field, str]]:
    checks = ((f, _RULES.failure(f, raw)) for f, raw in fields.items())
    return [(f, check) for f, check in checks if check]


def _any_failure(fields: dict[Field, str]) -> str:
    return "coalesce(" + " OR ".join(f"({c})" for _, c in _failures(fields)) + ", false)"


def _has_nul(text_columns: list[str]) -> str:
    return f"contains(concat({', '.join(text_columns)}), chr(0))"


def insert_good(check_nul: bool) -> str:
    """Cast and insert every row that passes all checks; $load_tstamp, $keys bound.

    The NUL check costs a pass over every text column, so it runs only when the
    line count found NUL bytes in the file at all.
    """
    fields = {f: f"nullif({f.name}, '')" for f in ENRICHED_FIELDS}
    casts = ", ".join(_RULES.cast(f, raw) for f, raw in fields.items())
    columns = ", ".join(f.name for f in RAW_EVENTS)
    return (
        f"INSERT INTO {RAW_EVENTS_TABLE} ({columns}) "
        f"SELECT {casts}, $load_tstamp, $keys[file_index::BIGINT + 1] FROM {_FIELDS} "
        f"WHERE NOT {_any_failure(fields)}"
        + (f" AND NOT {_has_nul([f.name for f in ENRICHED_FIELDS])}" if check_nul else "")
    )


def classify_lines() -> str:
    """Number every line of one file ($paths holds one) and keep those that fail.

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

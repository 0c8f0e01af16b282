"""Validation rules for enriched TSV fields, declared once and rendered per SQL engine.

A rule is data (an RE2 pattern, a cast, a JSON shape check), not code, so the embedded
engine (DuckDB) and the warehouse (BigQuery) apply exactly the same definition: both
use RE2 for patterns. Casts alone are too lenient to be the rule (DuckDB casts '1.5' to
the integer 2 and '2021-03-03' to a timestamp), so every typed field must first match
the textual form Snowplow's enrich writes, then cast.
"""

from dataclasses import dataclass

from snowplow_loader.contract import Field, Kind

_INT = r"[+-]?[0-9]{1,18}"
_NUMBER = r"[+-]?([0-9]+(\.[0-9]*)?|\.[0-9]+)([eE][+-]?[0-9]+)?"
_TSTAMP = r"[0-9]{4}-[0-9]{2}-[0-9]{2}[ T][0-9]{2}:[0-9]{2}:[0-9]{2}(\.[0-9]{1,9})?Z?"
_UUID = r"[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}"


@dataclass(frozen=True)
class Rule:
    """What a non-empty field's text must look like; `message` says why it was refused."""

    pattern: str | None
    message: str
    self_describing_json: bool = False


RULES: dict[Kind, Rule | None] = {
    Kind.STRING: None,
    Kind.UUID: Rule(_UUID, "not a UUID"),
    Kind.INT: Rule(_INT, "not an integer"),
    Kind.DOUBLE: Rule(_NUMBER, "not a number"),
    Kind.MONEY: Rule(_NUMBER, "not a decimal amount"),
    Kind.BOOL: Rule("[01]", "not a boolean (0 or 1)"),
    Kind.TSTAMP: Rule(_TSTAMP, "not a timestamp (yyyy-MM-dd HH:mm:ss.SSS)"),
    Kind.JSON: Rule(None, "not self-describing JSON", self_describing_json=True),
}
MISSING = "required but empty"


def _quote(text: str) -> str:
    return "'" + text.replace("'", "''") + "'"


class DuckDBRules:
    """Renders the rules as DuckDB SQL over a field's raw text (NULL when empty)."""

    def cast(self, field: Field, raw: str) -> str:
        """The typed value of a field that passed its checks.

        TRY_CAST, not CAST: an engine may evaluate the projection before the filter
        that drops failing rows, and those must not abort the load.
        """
        match field.kind:
            case Kind.STRING | Kind.UUID:
                return raw
            case Kind.BOOL:
                return f"({raw} = '1')"
            case _:
                return f"TRY_CAST({raw} AS {field.duckdb_type})"

    def failure(self, field: Field, raw: str) -> str | None:
        """SQL that is TRUE when the field is invalid (NULL/FALSE when fine), or None."""
        rule = RULES[field.kind]
        checks = []
        if field.required:
            checks.append(f"{raw} IS NULL")
        if rule is not None:
            checks.append(f"{raw} IS NOT NULL AND NOT ({self._valid(field, rule, raw)})")
        return " OR ".join(f"({c})" for c in checks) or None

    def message(self, field: Field, raw: str) -> str:
        """A `field: reason 'value'` text for one failing field, for the bad-row record."""
        rule = RULES[field.kind]
        reason = _quote(f"{field.name}: {rule.message if rule else MISSING}")
        missing = _quote(f"{field.name}: {MISSING}")
        return (
            f"CASE WHEN {raw} IS NULL THEN {missing} "
            f"ELSE {reason} || ' ' || {_quote(chr(39))} || left({raw}, 80) || {_quote(chr(39))} END"
        )

    def _valid(self, field: Field, rule: Rule, raw: str) -> str:
        if rule.self_describing_json:
            # An object naming a schema and its data. CASE, not AND: DuckDB's JSON
            # functions raise on malformed input, and json_valid is the one full parse.
            return (
                f"CASE WHEN json_valid({raw}) THEN starts_with({raw}, '{{') "
                f"AND contains({raw}, '\"schema\"') AND contains({raw}, '\"data\"') "
                "ELSE false END"
            )
        assert rule.pattern is not None
        valid = f"regexp_full_match({raw}, {_quote(rule.pattern)})"
        if field.kind is not Kind.BOOL:
            # The pattern fixes the form; the cast catches what a pattern cannot
            # (month 13, a decimal too wide, a number out of range).
            valid += f" AND TRY_CAST({raw} AS {field.duckdb_type}) IS NOT NULL"
        return valid


def _bigquery_quote(text: str) -> str:
    """A GoogleSQL string literal (backslash escapes; '' is not an escape there)."""
    return "'" + text.replace("\\", "\\\\").replace("'", "\\'") + "'"


# A NUMERIC that DuckDB's DECIMAL(18,2) can hold after rounding: |value| < 10^16.
_MONEY_LIMIT = "NUMERIC '10000000000000000'"


class BigQueryRules:
    """Renders the same rules as GoogleSQL, for the staging query of the Cloud Function.

    Patterns stay RE2 (REGEXP_CONTAINS anchored with ^(?:...)$ is DuckDB's
    regexp_full_match) and casts become SAFE_CAST, so both engines accept and refuse
    the same values. Where BigQuery's casts differ from DuckDB's, the text is first
    brought to what DuckDB would accept: sub-microsecond digits are cut (DuckDB
    truncates them, BigQuery refuses them), amounts are rounded to the 2 decimals of
    DECIMAL(18,2) and held to its range.

    Checks are rendered per kind rather than per field: the query unnests each line's
    fields beside a small spec (name, kind, required) and applies one CASE over the
    kind, so the statement stays a few kilobytes instead of one check per column.
    """

    def cast(self, field: Field, raw: str) -> str:
        """The typed value of a field that passed its checks (NULL, never an error)."""
        match field.kind:
            case Kind.STRING | Kind.UUID:
                return raw
            case Kind.BOOL:
                return f"({raw} = '1')"
            case Kind.TSTAMP:
                return f"SAFE_CAST({self._micros(raw)} AS TIMESTAMP)"
            case Kind.MONEY:
                return f"ROUND(SAFE_CAST({raw} AS NUMERIC), 2)"
            case Kind.JSON:
                return f"SAFE.PARSE_JSON({raw}, wide_number_mode => 'round')"
            case _:
                return f"SAFE_CAST({raw} AS {field.bigquery_type})"

    def valid(self, kind: Kind, raw: str) -> str:
        """TRUE when a non-empty text is a valid value of the kind (never NULL)."""
        rule = RULES[kind]
        if rule is None:
            return "TRUE"
        typed = self.cast(Field("_", kind), raw)
        if rule.self_describing_json:
            return (
                f"COALESCE({typed} IS NOT NULL AND STARTS_WITH({raw}, '{{') "
                f"AND STRPOS({raw}, '\"schema\"') > 0 AND STRPOS({raw}, '\"data\"') > 0, FALSE)"
            )
        assert rule.pattern is not None
        valid = f"REGEXP_CONTAINS({raw}, r'^(?:{rule.pattern})$')"
        if kind is Kind.MONEY:
            # COALESCE: a failed cast must read as invalid, never as an unknown.
            valid += f" AND COALESCE(ABS({typed}) < {_MONEY_LIMIT}, FALSE)"
        elif kind not in (Kind.BOOL, Kind.UUID):  # their pattern is the whole rule
            valid += f" AND {typed} IS NOT NULL"
        return valid

    def failure(self, required: str, kind: str, raw: str) -> str:
        """TRUE when a field fails; ``required`` and ``kind`` are SQL of the field's spec."""
        cases = " ".join(
            f"WHEN '{k}' THEN NOT ({self.valid(k, raw)})" for k, rule in RULES.items() if rule
        )
        return (
            f"({required} AND {raw} IS NULL) "
            f"OR ({raw} IS NOT NULL AND CASE {kind} {cases} ELSE FALSE END)"
        )

    def message(self, name: str, kind: str, raw: str) -> str:
        """A `field: reason 'value'` text for one failing field, for the bad-row record."""
        reasons = " ".join(
            f"WHEN '{k}' THEN {_bigquery_quote(rule.message)}" for k, rule in RULES.items() if rule
        )
        return (
            f"IF({raw} IS NULL, CONCAT({name}, {_bigquery_quote(': ' + MISSING)}), "
            f"CONCAT({name}, ': ', CASE {kind} {reasons} END, \" '\", LEFT({raw}, 80), \"'\"))"
        )

    @staticmethod
    def _micros(raw: str) -> str:
        return f"REGEXP_REPLACE({raw}, r'(\\.[0-9]{{6}})[0-9]+', r'\\1')"

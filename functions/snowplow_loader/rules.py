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

"""A fast precheck of a line's shape in the stager, so BigQuery reads most text once.

On demand, BigQuery bills each statement for the whole columns it reads, whatever its
WHERE keeps. If every staged line sat in one column, the insert into raw_events and the
insert into bad rows would each read all the text. So the stager stages a line that
passes this precheck as a ``candidate`` and any other line as ``line``: the raw_events
insert reads both columns in one statement, the bad-row insert only the (few) others,
so each line's text is billed once (``bigquery_sql.commit_script``).

The precheck is one regular expression per line, rendered from the same declarations
as the SQL (``contract.ENRICHED_FIELDS``, ``rules.RULES``): the field count, each
typed field's pattern, required fields non-empty, a self-describing JSON field's
opening brace and keys. It asks only what the rules ask, so a line it refuses the SQL
refuses too; it does not cast, so a candidate may still fail in SQL (30 February, a
number out of range, malformed JSON). SQL stays the judge of every line: the commit
script notices such a candidate by its counts and reads the candidates a second time
for their bad rows, in that file only.
"""

import re

from snowplow_loader.contract import ENRICHED_FIELDS, Field
from snowplow_loader.rules import RULES

_ANY = r"[^\t]*+"  # possessive: a field never gives back what it matched
_SCHEMA, _DATA = b'"schema"', b'"data"'  # a self-describing JSON names both


def _field(field: Field) -> str:
    """The pattern of one field's text (empty text is SQL's NULL). A self-describing JSON
    field is the one group: its keys are looked for in it after the match, as a
    substring search is many times faster than a lookahead."""
    rule = RULES[field.kind]
    if rule is None:
        return r"[^\t]++" if field.required else _ANY
    if rule.self_describing_json:
        body = rf"(\{{{_ANY})"
    else:
        assert rule.pattern is not None
        body = re.sub(r"\((?!\?)", "(?:", rule.pattern)  # the rules' groups, not captured
    return f"(?:{body})" if field.required else f"(?:{body})?"


_LINE = re.compile("\t".join(_field(f) for f in ENRICHED_FIELDS).encode())


def is_candidate(line: bytes) -> bool:
    """Whether a line (without its terminator) may be a good line; False means it is not."""
    match = _LINE.fullmatch(line)
    if match is None:
        return False
    for group in range(1, _LINE.groups + 1):  # the JSON fields, searched in place
        start, end = match.span(group)
        if start >= 0 and (line.find(_SCHEMA, start, end) < 0 or line.find(_DATA, start, end) < 0):
            return False
    return True

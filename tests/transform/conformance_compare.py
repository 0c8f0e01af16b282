"""Every difference between the marts and Snowplow's expected outputs, column by column.

Each expected file (sessions, users, page views) is compared on every column it shares
with our table, row by row on its key, and on which rows exist; the quarantined sessions
on their ids. The result names each difference as (output, column) -> the keys that
differ, so a test can require it to be exactly the list in transform/CONFORMANCE.md.
"""

import re
from collections.abc import Callable
from datetime import datetime
from pathlib import Path
from typing import Any

from snowplow_dbt import conformance

from tests.transform.helpers import expected

ROWS = "<rows>"  # the column name for "rows present on one side only"
Differences = dict[tuple[str, str], set[str]]


def _same(ours: Any, theirs: str) -> bool:
    """Our value against the expected file's text: NULL is empty, booleans in any case,
    timestamps to the microsecond, numbers by value."""
    if ours is None:
        return theirs == ""
    if isinstance(ours, bool):
        return theirs.lower() == str(ours).lower()
    if isinstance(ours, datetime):
        text = theirs.removesuffix(" UTC").replace("T", " ")
        return bool(text) and datetime.fromisoformat(text) == ours.replace(tzinfo=None)
    if isinstance(ours, int | float):
        try:
            return float(theirs) == float(ours)
        except ValueError:
            return False
    return str(ours) == theirs


def _compare(
    name: str, want: list[dict[str, str]], got: list[dict[str, Any]], key: Callable[[Any], str]
) -> Differences:
    wanted = {key(row): row for row in want}
    ours = {key(row): row for row in got}
    found: Differences = {}
    present = wanted.keys() ^ ours.keys()
    if present:
        found[(name, ROWS)] = present
    columns = sorted(set(want[0]) & set(got[0]))
    for row_key in wanted.keys() & ours.keys():
        for column in columns:
            if not _same(ours[row_key][column], wanted[row_key][column]):
                found.setdefault((name, column), set()).add(row_key)
    return found


def differences(read: Callable[[str], list[dict[str, Any]]]) -> Differences:
    """All differences; `read(table)` returns our table's rows as dicts."""
    found: Differences = {}
    found |= _compare(
        "sessions",
        expected(conformance.EXPECTED_SESSIONS),
        read("fct_sessions"),
        lambda row: row["domain_sessionid"],
    )
    found |= _compare(
        "users",
        expected(conformance.EXPECTED_USERS),
        read("dim_users"),
        lambda row: row["domain_userid"],
    )
    found |= _compare(
        "page_views",
        expected(conformance.EXPECTED_PAGE_VIEWS),
        read("fct_page_views"),
        lambda row: f"{row['domain_sessionid']}/{row['page_view_id']}",
    )
    quarantined = {r["session_id"] for r in expected(conformance.EXPECTED_QUARANTINED)}
    ours = {r["domain_sessionid"] for r in read("int_snowplow__quarantined_sessions")}
    if quarantined ^ ours:
        found[("quarantined_sessions", ROWS)] = quarantined ^ ours
    return found


def compared_columns(read: Callable[[str], list[dict[str, Any]]]) -> dict[str, list[str]]:
    """The columns each comparison covers (shared by the expected file and our table)."""
    pairs = {
        "sessions": (conformance.EXPECTED_SESSIONS, "fct_sessions"),
        "users": (conformance.EXPECTED_USERS, "dim_users"),
        "page_views": (conformance.EXPECTED_PAGE_VIEWS, "fct_page_views"),
    }
    return {
        name: sorted(set(expected(path)[0]) & set(read(table)[0]))
        for name, (path, table) in pairs.items()
    }


def documented(conformance_md: Path) -> set[str]:
    """The difference ids CONFORMANCE.md lists: `(difference: id)` markers."""
    return set(re.findall(r"\(difference:\s+([a-z-]+)\)", conformance_md.read_text()))

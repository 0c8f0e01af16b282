"""Reading results back for assertions: rows of a table, and a checksum of a whole table."""

import csv
import hashlib
import shutil
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from typing import Any

import duckdb
from snowplow_dbt import conformance

MARTS = ("fct_sessions", "fct_page_views", "dim_users", "fct_conversions")
ANALYTICS = (
    "user_engagement",
    "daily_active_users",
    "weekly_retention_cohorts",
    "daily_sessions_by_channel",
)


@dataclass(frozen=True)
class Built:
    """A DuckDB file built by dbt, and that build's target folder (manifest.json)."""

    database: Path
    target: Path

    def copy_to(self, database: Path) -> None:
        """A private copy of the database, for a test that writes to it."""
        shutil.copyfile(self.database, database)


def rows(database: Path, sql: str) -> list[dict[str, Any]]:
    """The rows of a query as dicts (read-only connection, closed at once)."""
    with duckdb.connect(str(database), read_only=True) as connection:
        cursor = connection.execute(sql)
        names = [column[0] for column in cursor.description or []]
        return [dict(zip(names, row, strict=True)) for row in cursor.fetchall()]


def checksum(database: Path, table: str) -> tuple[int, str]:
    """Row count and a hash of every row (sorted), so two tables compare in one value."""
    with duckdb.connect(str(database), read_only=True) as connection:
        found = connection.execute(f"select * from {table}").fetchall()
    digest = hashlib.sha256()
    for row in sorted(repr(r) for r in found):
        digest.update(row.encode())
    return len(found), digest.hexdigest()


def checksums(
    database: Path, tables: tuple[str, ...] = MARTS + ANALYTICS
) -> dict[str, tuple[int, str]]:
    return {table: checksum(database, table) for table in tables}


def expected(path: Path) -> list[dict[str, str]]:
    with path.open(newline="") as handle:
        return list(csv.DictReader(handle))


def tstamp(text: str) -> datetime:
    return datetime.fromisoformat(text.removesuffix(" UTC"))


def optional(text: str) -> str | None:
    return text or None


def session_view(row: dict[str, Any]) -> dict[str, Any]:
    """The columns compared for a session, from a fct_sessions row."""
    return {
        "domain_userid": row["domain_userid"],
        "start_tstamp": _naive(row["start_tstamp"]),
        "end_tstamp": _naive(row["end_tstamp"]),
        "page_views": row["page_views"],
        "engaged_time_in_s": row["engaged_time_in_s"],
        "absolute_time_in_s": row["absolute_time_in_s"],
        "first_page_url": row["first_page_url"],
        "last_page_url": row["last_page_url"],
    }


def user_view(row: dict[str, Any]) -> dict[str, Any]:
    """The columns compared for a user, from a dim_users row."""
    return {
        "start_tstamp": _naive(row["start_tstamp"]),
        "end_tstamp": _naive(row["end_tstamp"]),
        "page_views": row["page_views"],
        "sessions": row["sessions"],
        "engaged_time_in_s": row["engaged_time_in_s"],
        "first_page_url": row["first_page_url"],
        "last_page_url": row["last_page_url"],
    }


def _naive(value: datetime) -> datetime:
    """BigQuery returns aware UTC timestamps, DuckDB naive UTC ones."""
    return value.replace(tzinfo=None)


def expected_sessions() -> dict[str, dict[str, Any]]:
    """Snowplow's expected sessions (BigQuery file: TIMESTAMP_DIFF truncates, as ours does)."""
    return {
        row["domain_sessionid"]: {
            "domain_userid": optional(row["domain_userid"]),
            "start_tstamp": tstamp(row["start_tstamp"]),
            "end_tstamp": tstamp(row["end_tstamp"]),
            "page_views": int(row["page_views"]),
            "engaged_time_in_s": int(row["engaged_time_in_s"]),
            "absolute_time_in_s": int(row["absolute_time_in_s"]),
            "first_page_url": optional(row["first_page_url"]),
            "last_page_url": optional(row["last_page_url"]),
        }
        for row in expected(conformance.EXPECTED_SESSIONS)
    }


def expected_users() -> dict[str, dict[str, Any]]:
    return {
        row["domain_userid"]: {
            "start_tstamp": tstamp(row["start_tstamp"]),
            "end_tstamp": tstamp(row["end_tstamp"]),
            "page_views": int(row["page_views"]),
            "sessions": int(row["sessions"]),
            "engaged_time_in_s": int(row["engaged_time_in_s"]),
            "first_page_url": optional(row["first_page_url"]),
            "last_page_url": optional(row["last_page_url"]),
        }
        for row in expected(conformance.EXPECTED_USERS)
    }

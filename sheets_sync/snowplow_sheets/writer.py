"""The one interface both destinations implement, and what a run writes on every tab.

The sync logic (sync.py) decides what goes where; a writer only knows how to put a
checked table on a tab of its destination, atomically, and what its destination holds.
"""

import datetime as dt
from dataclasses import dataclass, field
from typing import Protocol

from snowplow_sheets.config import Tab
from snowplow_sheets.table import Limits, Table, Value


class SyncError(RuntimeError):
    """A tab could not be brought up to date; the message says what state it is in."""


class RefusedError(SyncError):
    """Sheets refused to connect a data source (the edition, the identity, the scope)."""


@dataclass(frozen=True)
class Run:
    """One sync: its id (the same id twice means the second does nothing) and start time."""

    id: str
    started: dt.datetime = field(default_factory=lambda: dt.datetime.now(dt.UTC))

    @classmethod
    def new(cls, run_id: str | None) -> "Run":
        started = dt.datetime.now(dt.UTC).replace(microsecond=0)
        return cls(run_id or started.strftime("%Y-%m-%dT%H:%M:%SZ"), started)


def metadata_row(run: Run, table: Table, notes: list[str]) -> list[Value]:
    """The first row of every values tab: who wrote it, when, from where, how many rows."""
    note = "; ".join(notes)
    return [
        "run_id",
        run.id,
        "synced_at",
        run.started.isoformat(),
        "source",
        table.source,
        "rows",
        len(table.rows),
        "note",
        note,
    ]


def run_id_of(first_row: list[object]) -> str | None:
    """The run id a tab's metadata row records, if it has one."""
    if len(first_row) >= 2 and first_row[0] == "run_id":
        return str(first_row[1])
    return None


class Writer(Protocol):
    """A destination: a Google spreadsheet or a local workbook."""

    limits: Limits
    can_connect: bool  # Connected Sheets data sources are possible here
    keeps_dates: bool  # dates and times are stored as such (else sent as ISO text)

    def sheet_cells(self) -> dict[str, int]:
        """Grid cells each existing tab takes (they count against the cell limit)."""
        ...

    def run_id(self, tab: Tab) -> str | None:
        """The run that last wrote this tab, if any."""
        ...

    def write_values(self, tab: Tab, table: Table, run: Run, notes: list[str]) -> int:
        """Replace the tab with these rows in one visible step; return requests sent."""
        ...

    def connect(self, tab: Tab, table: tuple[str, str, str], run: Run) -> str:
        """Create or refresh the tab's BigQuery data source; say which it did."""
        ...

    def finish(self) -> str:
        """Complete the run; return where the result can be seen."""
        ...

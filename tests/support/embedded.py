"""Reading the embedded engine's tables in tests, and the loader-fixture's signature."""

from collections.abc import Callable

from snowplow_loader.embedded import EmbeddedLoader
from snowplow_loader.results import FileResult

LoadBytes = Callable[[str, bytes], FileResult]


def count(loader: EmbeddedLoader, table: str) -> int:
    row = loader.connection.execute(f"SELECT count(*) FROM {table}").fetchone()
    assert row is not None
    return int(row[0])


def bad_rows(loader: EmbeddedLoader) -> list[tuple[int, str, list[str] | None, str]]:
    return [
        (line, reason, fields, message)
        for line, reason, fields, message in loader.connection.execute(
            "SELECT line_number, reason, error_fields, message FROM raw_events_bad_rows "
            "ORDER BY line_number"
        ).fetchall()
    ]

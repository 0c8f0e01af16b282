"""Fixtures for loader tests: valid enriched lines built from the contract, and a loader."""

import uuid
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest
from snowplow_loader.contract import ENRICHED_FIELDS, Kind
from snowplow_loader.embedded import EmbeddedLoader
from snowplow_loader.files import SourceFile
from snowplow_loader.results import FileResult

CONTEXTS = (
    '{"schema":"iglu:com.snowplowanalytics.snowplow/contexts/jsonschema/1-0-0",'
    '"data":[{"schema":"iglu:com.snowplowanalytics.snowplow/web_page/jsonschema/1-0-0",'
    '"data":{"id":"%s"}}]}'
)
_SAMPLE: dict[Kind, str] = {
    Kind.STRING: "web",
    Kind.INT: "3",
    Kind.DOUBLE: "51.5",
    Kind.MONEY: "12.50",
    Kind.BOOL: "1",
    Kind.TSTAMP: "2026-10-01 12:00:00.123",
}


def fields(n: int, **overrides: str) -> list[str]:
    """The 131 field texts of a valid event numbered n (n makes event_id unique)."""
    values = []
    for field in ENRICHED_FIELDS:
        if field.name in overrides:
            values.append(overrides[field.name])
        elif field.kind is Kind.UUID:
            values.append(str(uuid.UUID(int=n)))
        elif field.kind is Kind.JSON:
            values.append(CONTEXTS % uuid.UUID(int=n) if field.name == "contexts" else "")
        else:
            values.append(_SAMPLE[field.kind])
    return values


def line(n: int, **overrides: str) -> str:
    return "\t".join(fields(n, **overrides))


def lines(count: int, start: int = 1) -> list[str]:
    return [line(n) for n in range(start, start + count)]


@pytest.fixture
def loader(tmp_path: Path) -> Iterator[EmbeddedLoader]:
    with EmbeddedLoader(tmp_path / "db" / "snowplow.duckdb", tmp_path / "quarantine") as it:
        yield it


LoadBytes = Callable[[str, bytes], FileResult]


@pytest.fixture
def load_bytes(tmp_path: Path, loader: EmbeddedLoader) -> LoadBytes:
    """Write bytes to a named file in a landing folder and load it."""

    def load(name: str, data: bytes) -> FileResult:
        path = tmp_path / "landing" / name
        path.parent.mkdir(exist_ok=True)
        path.write_bytes(data)
        return loader.load(SourceFile.at(path))

    return load


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

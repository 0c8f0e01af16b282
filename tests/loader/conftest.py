"""Fixtures for loader tests: a loader, and a way to load bytes as a named file."""

from collections.abc import Iterator
from pathlib import Path

import pytest
from snowplow_loader.embedded import EmbeddedLoader
from snowplow_loader.files import SourceFile
from snowplow_loader.results import FileResult

from tests.support.embedded import LoadBytes


@pytest.fixture
def loader(tmp_path: Path) -> Iterator[EmbeddedLoader]:
    with EmbeddedLoader(tmp_path / "db" / "snowplow.duckdb", tmp_path / "quarantine") as it:
        yield it


@pytest.fixture
def load_bytes(tmp_path: Path, loader: EmbeddedLoader) -> LoadBytes:
    """Write bytes to a named file in a landing folder and load it."""

    def load(name: str, data: bytes) -> FileResult:
        path = tmp_path / "landing" / name
        path.parent.mkdir(exist_ok=True)
        path.write_bytes(data)
        return loader.load(SourceFile.at(path))

    return load

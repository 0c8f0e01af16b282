"""Fixtures for the dbt project's tests: an isolated DuckDB file and dbt run per test, and
one build of the conformance events shared by every test that only reads it."""

from pathlib import Path

import pytest
from snowplow_dbt import conformance
from snowplow_dbt.runner import DbtProject

from tests.transform.helpers import Built


@pytest.fixture
def duckdb_path(tmp_path: Path) -> Path:
    return tmp_path / "snowplow.duckdb"


@pytest.fixture
def dbt_local(tmp_path: Path, duckdb_path: Path) -> DbtProject:
    """The dbt project on a DuckDB file of this test only, with its own target/log paths."""
    return DbtProject.local(tmp_path / "dbt", duckdb_path)


@pytest.fixture(scope="session")
def conformance_built(tmp_path_factory: pytest.TempPathFactory) -> Built:
    """The 160 conformance events loaded at once and built with the `full` selector (every
    model, unit test and data test, on whole tables), once per test process. Read-only:
    it is also the full build the incremental tests compare with."""
    work = tmp_path_factory.mktemp("conformance")
    database = work / "snowplow.duckdb"
    assert conformance.import_events(database) == 160
    DbtProject.local(work / "dbt", database).build("--selector", "full")
    return Built(database, work / "dbt" / "target")

"""Fixtures for the dbt project's tests: an isolated DuckDB file and dbt run per test."""

from pathlib import Path

import pytest
from snowplow_dbt.runner import DbtProject


@pytest.fixture
def duckdb_path(tmp_path: Path) -> Path:
    return tmp_path / "snowplow.duckdb"


@pytest.fixture
def dbt_local(tmp_path: Path, duckdb_path: Path) -> DbtProject:
    """The dbt project on a DuckDB file of this test only, with its own target/log paths."""
    return DbtProject.local(tmp_path / "dbt", duckdb_path)

"""Fixtures for the Sheets sync: a small warehouse with the models' columns, the fake API.

dbt is not run here (it is slow): the warehouse holds tables named like the models,
with the column names their YAML declares, filled with a few deterministic rows.
"""

from collections.abc import Iterator
from pathlib import Path

import pytest
from google.auth.credentials import AnonymousCredentials
from google.cloud import bigquery
from snowplow_sheets.config import Environment
from snowplow_sheets.source import BigQuerySource

from tests.support.fake_sheets import FakeSheets
from tests.support.sheets import PROJECT, ROW_COUNTS, build_warehouse


@pytest.fixture(scope="module")
def warehouse(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return build_warehouse(tmp_path_factory.mktemp("warehouse") / "marts.duckdb", ROW_COUNTS)


@pytest.fixture
def fake() -> Iterator[FakeSheets]:
    with FakeSheets().running() as running:
        yield running


@pytest.fixture
def source() -> BigQuerySource:
    """Connected tabs only name their table: the sync itself sends BigQuery nothing."""
    client = bigquery.Client(project=PROJECT, credentials=AnonymousCredentials())  # type: ignore[no-untyped-call]
    environment = Environment(target="dev", project=PROJECT, models_dataset="snowplow_dev_marts")
    return BigQuerySource(client, environment)

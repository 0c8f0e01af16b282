"""Fixtures for the dbt project's tests: an isolated DuckDB file and dbt run per test, and
one build of the conformance events shared by every test that only reads it."""

from pathlib import Path

import pytest
from google.cloud import bigquery
from snowplow_dbt import conformance
from snowplow_dbt.runner import DbtProject
from snowplow_loader.cloud import tables
from snowplow_loader.cloud.config import Config

from tests.emulators import Emulators
from tests.support.dbt_bigquery import install_dbt_shim
from tests.transform import configured
from tests.transform.bigquery_build import (
    ANALYTICS,
    MODELS,
    RAW,
    BigQueryBuild,
    bigquery_project,
    built_tables,
    copy_raw_events,
)
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


# session scope: xdist may interleave another module's tests on the same worker, which
# would tear a module-scoped build down and build it again
@pytest.fixture(scope="session")
def bigquery_build(emulators: Emulators, tmp_path_factory: pytest.TempPathFactory) -> BigQueryBuild:
    install_dbt_shim()
    work = tmp_path_factory.mktemp("bigquery-dbt")
    events = work / "conformance.duckdb"
    conformance.import_events(events)
    client = emulators.bigquery()
    tables.ensure(client, Config(dataset=RAW), emulators.project)  # as the loader creates it
    project = bigquery_project(emulators, work)
    assert copy_raw_events(client, events, "load_file_key not like '%slice=3'") == 120
    # the `full` selector but for the channel rules' unit tests (their rows are engine-free
    # semantics; on DuckDB they run in every full build): whole-table tests through the var
    project.build(
        "--exclude",
        "tag:channel_rules",
        variables={**configured.CONFORMANCE, "snowplow__test_scope": "all"},
    )
    assert copy_raw_events(client, events, "load_file_key like '%slice=3'") == 40
    project.build("--selector", "daily", variables=configured.CONFORMANCE)
    snapshot = built_tables(client, MODELS, ANALYTICS)  # before any test changes them
    return BigQueryBuild(client, work / "dbt" / "target", snapshot)


@pytest.fixture(scope="session")
def built(bigquery_build: BigQueryBuild) -> bigquery.Client:
    return bigquery_build.client

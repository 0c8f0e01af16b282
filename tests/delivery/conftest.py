"""The daily job's end-to-end run on the embedded engine, built once per test module.

Running the job means dbt parses, checks freshness, builds every model, generates the docs
and the sync writes a workbook: seconds each, so the tests share one run and copy its
DuckDB file when they need to break something.
"""

import pytest

from tests.support.job import LocalRun, load_sample, local_env, run_job


@pytest.fixture(scope="module")
def local_run(tmp_path_factory: pytest.TempPathFactory) -> LocalRun:
    """The sample loaded into DuckDB, then the whole job run on it once (run id `daily`)."""
    folder = tmp_path_factory.mktemp("job")
    database, artifacts, workbook = (
        folder / "snowplow.duckdb",
        folder / "artifacts",
        folder / "snowplow.xlsx",
    )
    load_sample(database)
    result = run_job(
        ["--run-id", "daily", "--workbook", str(workbook)], local_env(database, artifacts)
    )
    return LocalRun(folder, database, artifacts, workbook, result)

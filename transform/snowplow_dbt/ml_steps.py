"""The job's machine-learning steps after the build: anomaly alerts, return propensity.

Kept apart from job.py, which only lists them: each step opens the warehouse the dbt
target names (the DuckDB file locally, BigQuery's client otherwise) and closes it.
"""

from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Protocol

from snowplow_dbt import anomalies
from snowplow_dbt.joblog import log
from snowplow_dbt.propensity import run as propensity
from snowplow_dbt.propensity.warehouse import BigQueryWarehouse, DuckDBWarehouse, Warehouse
from snowplow_dbt.settings import Settings


class Job(Protocol):
    """What the steps need of the job (snowplow_dbt.job.Job, which lists them)."""

    settings: Settings
    run_id: str
    gathered: Path


@contextmanager
def open_warehouse(job: Job) -> Iterator[Warehouse]:
    if job.settings.target == "local":
        local = DuckDBWarehouse.open(job.settings.duckdb)
        try:
            yield local
        finally:
            local.close()
    else:
        yield BigQueryWarehouse.from_env()


def steps(job: Job) -> list[tuple[str, Callable[[], dict[str, object]]]]:
    """(name, action) of each step, in order, for the job's run_step."""

    def anomaly_step() -> dict[str, object]:
        with open_warehouse(job) as warehouse:
            return anomalies.report(warehouse, job.gathered / "run_results.json", job.run_id, log)

    def propensity_step() -> dict[str, object]:
        with open_warehouse(job) as warehouse:
            return propensity.run(warehouse, job.gathered, job.run_id)

    return [("anomalies", anomaly_step), ("propensity", propensity_step)]

"""`make demo`, second half: the daily job on the local DuckDB file, then the results.

    python transform/demo.py

Runs `snowplow-job` as the Cloud Run job does (freshness, build, docs, artifacts, sync),
on the file named by SNOWPLOW_DUCKDB (default .data/snowplow.duckdb at the repo root),
into which `snowplow-load` has written raw_events; then prints the models and says where
the workbook and the artifacts are. Stale data only warns: a re-run days later loads
nothing new.
"""

import sys

from snowplow_dbt import job, ml_report
from snowplow_dbt.report import summary

DATA = job.REPO_ROOT / ".data"


def main() -> int:
    settings = job.Settings.from_env()
    workbook = DATA / "snowplow.xlsx"
    code = job.main(["--allow-stale", "--workbook", str(workbook)])
    if code != 0:
        return code
    print(summary(settings.duckdb))
    print(ml_report.summary(settings.duckdb))
    print(f"workbook: {workbook}")
    print(f"dbt artifacts and docs site: {settings.artifacts_dir}/<run id>/")
    return 0


if __name__ == "__main__":
    sys.exit(main())

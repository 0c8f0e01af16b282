"""`make demo`, second half: build the dbt project on the local DuckDB file, print the results.

    python transform/demo.py

The file is the one named by SNOWPLOW_DUCKDB (default .data/snowplow.duckdb at the repo
root), into which `snowplow-load` has written raw_events.
"""

import os
import sys
from pathlib import Path

from snowplow_dbt.report import summary
from snowplow_dbt.runner import DbtError, DbtProject

REPO_ROOT = Path(__file__).resolve().parents[1]


def main() -> int:
    database = Path(
        os.environ.get("SNOWPLOW_DUCKDB", REPO_ROOT / ".data" / "snowplow.duckdb")
    ).resolve()
    try:
        DbtProject.local(REPO_ROOT / ".data" / "dbt", database).build()
    except DbtError as failure:
        print(failure, file=sys.stderr)
        return 1
    print(summary(database))
    return 0


if __name__ == "__main__":
    sys.exit(main())

"""`make demo`: load enriched files (if given), build the dbt project, print a summary.

    python transform/demo.py [PATH ...]

PATHs are enriched TSV files or folders of them, loaded with the loader into the DuckDB
file named by SNOWPLOW_DUCKDB (default .data/snowplow.duckdb at the repo root); then
`dbt build` runs on it (target local) and the results are summarised.
"""

import argparse
import os
import sys
from pathlib import Path

from snowplow_dbt.report import summary
from snowplow_dbt.runner import DbtError, DbtProject
from snowplow_loader.embedded import EmbeddedLoader
from snowplow_loader.files import discover

REPO_ROOT = Path(__file__).resolve().parents[1]


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("paths", nargs="*", type=Path, help="enriched TSV files or folders")
    args = parser.parse_args(argv)
    database = Path(
        os.environ.get("SNOWPLOW_DUCKDB", REPO_ROOT / ".data" / "snowplow.duckdb")
    ).resolve()

    if args.paths:
        with EmbeddedLoader(database) as loader:
            results = [loader.load(source) for source in discover(args.paths)]
        rows = sum(result.rows_loaded for result in results)
        print(f"loaded {rows:,} events from {len(results)} files into {database}")
    try:
        DbtProject.local(REPO_ROOT / ".data" / "dbt", database).build()
    except DbtError as failure:
        print(failure, file=sys.stderr)
        return 1
    print(summary(database))
    return 0


if __name__ == "__main__":
    sys.exit(main())

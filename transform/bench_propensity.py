"""`make bench`: scoring a million users with the propensity step, in bounded memory.

    python transform/bench_propensity.py [--users 1000000] [--work .data/bench]

Builds a DuckDB file with a features table shaped like models/ml/user_return_features
(20,000 users at each labelled cutoff, `--users` at the score cutoff; values made by SQL
from a hash, so the run is the same each time), fits and gates as the job does, then
scores every user batch by batch. Records the seconds per million users scored and how
far the process's resident memory (VmRSS, sampled every 20 ms) rises above where it was
when scoring began: it must stay under the bound whatever the number of users, because
only one batch is in Python at a time and DuckDB's own memory is capped.
"""

import argparse
import sys
import threading
import time
from datetime import UTC, datetime
from pathlib import Path

import duckdb
from snowplow_dbt.propensity import run as propensity
from snowplow_dbt.propensity.model import evaluate
from snowplow_dbt.propensity.synthetic import synthetic_features_sql
from snowplow_dbt.propensity.warehouse import DuckDBWarehouse
from snowplow_sample.benchmarks import Figure, record

BOUND_MB = 512
TABLE = "Return propensity: scoring users in batches"


def rss_mb() -> float:
    """The process's resident memory now (Linux /proc)."""
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1]) / 1024  # kB
    raise RuntimeError("no VmRSS in /proc/self/status")


class PeakRss:
    """The highest resident memory seen while the block runs."""

    def __enter__(self) -> "PeakRss":
        self.start = self.peak = rss_mb()
        self._done = threading.Event()
        self._thread = threading.Thread(target=self._sample, daemon=True)
        self._thread.start()
        return self

    def _sample(self) -> None:
        while not self._done.wait(0.02):
            self.peak = max(self.peak, rss_mb())

    def __exit__(self, *_: object) -> None:
        self._done.set()
        self._thread.join()
        self.peak = max(self.peak, rss_mb())


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--users", type=int, default=1_000_000)
    parser.add_argument("--work", type=Path, default=Path(".data/bench"))
    args = parser.parse_args()
    args.work.mkdir(parents=True, exist_ok=True)
    database = args.work / "propensity.duckdb"
    database.unlink(missing_ok=True)
    with duckdb.connect(str(database)) as connection:
        connection.execute(synthetic_features_sql(train=20_000, score=args.users))
    warehouse = DuckDBWarehouse.open(database)
    try:
        # DuckDB's own share is capped (it spills beyond); the rest is one batch in Python
        warehouse.execute("set memory_limit = '256MB'")
        options = propensity.Options()
        train = propensity.read_cutoff(warehouse, "train", options)
        held_out = propensity.read_cutoff(warehouse, "eval", options)
        result = evaluate(train, held_out)
        del train, held_out
        started = time.perf_counter()
        with PeakRss() as memory:
            scored = propensity.score_all(
                warehouse, result.model, "bench", datetime.now(UTC), options
            )
        seconds = time.perf_counter() - started
        growth = memory.peak - memory.start
    finally:
        warehouse.close()
    command = f"python transform/bench_propensity.py --users {args.users}"
    per_million = seconds * 1_000_000 / scored
    record(
        Figure(
            TABLE,
            command,
            "seconds per million users scored (batches of 50,000)",
            f"{per_million:.1f} s",
        )
    )
    record(
        Figure(
            TABLE,
            command,
            f"resident memory growth while scoring {scored:,} users",
            f"{growth:.0f} MB",
            f"under {BOUND_MB} MB",
            growth < BOUND_MB,
        )
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())

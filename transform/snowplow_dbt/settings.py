"""What one run of the daily job is told: its environment (set by infra on the Cloud Run
job) and its command line."""

import argparse
import os
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

from snowplow_dbt.rebuild import add_window_arguments, rebuild_vars
from snowplow_dbt.runner import PROJECT_DIR

REPO_ROOT = PROJECT_DIR.parent
DESCRIPTION = "The daily job: freshness, dbt build, docs, ML, artifacts, sheets sync."


@dataclass(frozen=True)
class Settings:
    """What the job reads from its environment (set by infra on the Cloud Run job)."""

    target: str
    duckdb: Path
    bucket: str | None
    artifacts_dir: Path

    @classmethod
    def from_env(cls, env: Mapping[str, str] = os.environ) -> "Settings":
        data = REPO_ROOT / ".data"
        return cls(
            target=env.get("SNOWPLOW_DBT_TARGET") or "local",
            duckdb=Path(env.get("SNOWPLOW_DUCKDB") or data / "snowplow.duckdb").resolve(),
            bucket=env.get("SNOWPLOW_ARTIFACTS_BUCKET") or None,
            artifacts_dir=Path(env.get("SNOWPLOW_ARTIFACTS_DIR") or data / "artifacts"),
        )

    def dbt_env(self) -> dict[str, str]:
        """What dbt (and the sync, a child process) must see beyond the inherited env."""
        return {"SNOWPLOW_DUCKDB": str(self.duckdb)} if self.target == "local" else {}


def parse(argv: list[str] | None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(prog="snowplow-job", description=DESCRIPTION)
    add_window_arguments(parser, required=False)
    parser.add_argument("--full-refresh", action="store_true", help="rebuild every model")
    parser.add_argument(
        "--run-id",
        help="names the artifacts folder (default: the Cloud Run execution, else UTC time)",
    )
    parser.add_argument(
        "--allow-stale",
        action="store_true",
        help="stale raw data is a warning, not a failure (the demo, re-run days later)",
    )
    parser.add_argument(
        "--workbook", type=Path, help="local workbook of the sync, when no spreadsheet id is set"
    )
    args = parser.parse_args(argv)
    if (args.start is None) != (args.end is None):
        parser.error("--from and --to go together")
    if args.start is not None and args.start >= args.end:
        parser.error(f"--from {args.start} must be before --to {args.end}")
    if args.start is not None and args.full_refresh:
        parser.error("--full-refresh rebuilds everything: leave out --from/--to")
    return args


def dbt_variables(args: argparse.Namespace) -> dict[str, str]:
    """The windowed rebuild's project variables (the models' rebuild macro reads them)."""
    return {} if args.start is None else rebuild_vars(args.start, args.end)


def default_run_id(env: Mapping[str, str] = os.environ) -> str:
    """Cloud Run's execution name, the same for every task attempt of one execution (a
    retry included, which CLOUD_RUN_TASK_ATTEMPT tells apart); else the UTC start time."""
    execution = env.get("CLOUD_RUN_EXECUTION")
    return execution or datetime.now(UTC).strftime("%Y%m%dT%H%M%SZ")

"""`snowplow-job`: the daily transform, as the Cloud Run job runs it and as `make demo` does.

    snowplow-job [--from YYYY-MM-DD --to YYYY-MM-DD] [--full-refresh] [--run-id ID]
                 [--allow-stale] [--workbook PATH]

Steps, in order: `dbt source freshness` (raw_events must have been loaded recently), `dbt
build`, `dbt docs generate`, the artifacts upload (manifest, run_results, sources, the docs
site) under the run id, then the sheets sync (`snowplow-sheets`). The first failing step
ends the run with exit code 1, so the Cloud Run execution fails and its alert fires; the
artifacts gathered until then are uploaded all the same, so a failed run can be diagnosed.

Every step prints one JSON line on stdout with Cloud Logging's `severity` and `message`
keys (plus `step`, `run_id`, `seconds` and what the step found), which Cloud Run turns into
structured log entries.

Environment (INTERFACES of the job): SNOWPLOW_DBT_TARGET (profile target, default `local`),
SNOWPLOW_DUCKDB (local), SNOWPLOW_ARTIFACTS_BUCKET or SNOWPLOW_ARTIFACTS_DIR (default
.data/artifacts), plus what the dbt profile and the sheets sync read themselves.
"""

import argparse
import json
import os
import shutil
import subprocess
import sys
import tempfile
import time
from collections import Counter
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from dbt.cli.main import dbtRunnerResult

from snowplow_dbt import ml_steps
from snowplow_dbt.artifacts import Destination, destination
from snowplow_dbt.rebuild import WITHOUT_UNIT_TESTS, add_window_arguments, rebuild_vars
from snowplow_dbt.runner import PROJECT_DIR, DbtProject, failures

REPO_ROOT = PROJECT_DIR.parent


class StepError(RuntimeError):
    """A step of the job failed; its message says why."""


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
    parser = argparse.ArgumentParser(prog="snowplow-job", description=__doc__.splitlines()[0])
    add_window_arguments(parser, required=False)
    parser.add_argument("--full-refresh", action="store_true", help="rebuild every model")
    parser.add_argument(
        "--run-id",
        help="names the artifacts folder (default: UTC time and the Cloud Run execution)",
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
    """UTC start time, then Cloud Run's execution name when there is one: sortable, findable."""
    stamp = datetime.now(UTC).strftime("%Y%m%dT%H%M%SZ")
    execution = env.get("CLOUD_RUN_EXECUTION")
    return f"{stamp}-{execution}" if execution else stamp


def log(severity: str, message: str, **fields: Any) -> None:
    """One structured log line (Cloud Logging reads `severity` and `message`)."""
    print(json.dumps({"severity": severity, "message": message, **fields}, default=str),
          flush=True)  # fmt: skip


@dataclass
class Job:
    """One run: a dbt project in a scratch folder, and the artifacts it gathers."""

    settings: Settings
    args: argparse.Namespace
    run_id: str
    work: Path

    def __post_init__(self) -> None:
        self.dbt = DbtProject(self.work / "dbt", self.settings.target, self.settings.dbt_env())
        self.gathered = self.work / "artifacts"
        self.gathered.mkdir(parents=True, exist_ok=True)

    def freshness(self) -> dict[str, Any]:
        result = self.dbt.try_invoke("source", "freshness", "--quiet")
        self._gather("sources.json")
        states = {
            node.node.unique_id: str(node.status) for node in _results(result)
        }  # what dbt saw for each source table: pass / warn / error / runtime error
        stale_only = bool(states) and set(states.values()) <= {"pass", "warn", "error"}
        if not result.success and not (self.args.allow_stale and stale_only):
            raise StepError(f"raw data is stale or unreadable: {failures(result)}")
        return {"sources": states, "severity": "INFO" if result.success else "WARNING"}

    def build(self) -> dict[str, Any]:
        variables = dbt_variables(self.args)
        if self.args.full_refresh:  # every table again, so every test on whole tables
            flags = ["--selector", "full", "--full-refresh"]
        elif variables:  # a rebuild, as snowplow_dbt.rebuild runs it: no unit tests
            flags = list(WITHOUT_UNIT_TESTS)
        else:  # the scheduled run: data tests on the rows it wrote (transform/selectors.yml)
            flags = ["--selector", "daily"]
        result = self.dbt.try_invoke("build", "--quiet", *flags, variables=variables or None)
        self._gather("manifest.json", "run_results.json")
        counts = Counter(str(node.status) for node in _results(result))
        if not result.success:
            raise StepError(f"dbt build failed: {failures(result)}")
        return {
            "nodes": dict(counts),
            "variables": variables,
            "full_refresh": self.args.full_refresh,
        }

    def docs(self) -> dict[str, Any]:
        # the build's manifest (with compiled SQL) is the one kept; docs adds the site
        result = self.dbt.try_invoke("docs", "generate", "--no-compile", "--quiet")
        if not result.success:
            raise StepError(f"dbt docs generate failed: {failures(result)}")
        self._gather("index.html", "catalog.json")
        return {}

    def upload(self, where: Destination | None = None) -> dict[str, Any]:
        """Everything gathered, to the bucket (or folder) the settings name by default."""
        where = where or destination(self.settings.bucket, self.settings.artifacts_dir)
        files = sorted(self.gathered.iterdir())
        return {"artifacts": [where.put(self.run_id, path) for path in files]}

    def sheets(self) -> dict[str, Any]:
        command = [sheets_command(), "--run-id", self.run_id]
        if self.args.workbook is not None:
            command += ["--workbook", str(self.args.workbook)]
        env = {**os.environ, **self.settings.dbt_env()}
        completed = subprocess.run(command, env=env, check=False)
        if completed.returncode != 0:
            raise StepError(f"sheets sync exited with {completed.returncode}")
        return {"workbook": str(self.args.workbook)} if self.args.workbook else {}

    def _gather(self, *names: str) -> None:
        for name in names:
            produced = self.dbt.work_dir / "target" / name
            if produced.exists():
                shutil.copyfile(produced, self.gathered / name)


def sheets_command() -> str:
    """The `snowplow-sheets` console script of this environment (a separate process, so the
    sync and the job share no state and fail independently)."""
    beside = Path(sys.executable).with_name("snowplow-sheets")
    found = str(beside) if beside.exists() else shutil.which("snowplow-sheets")
    if found is None:
        raise StepError("snowplow-sheets is not installed in this environment")
    return found


def run_step(name: str, run_id: str, action: Callable[[], dict[str, Any]]) -> bool:
    """Run one step and log its outcome; True when it succeeded."""
    started = time.perf_counter()
    try:
        details = action()
    except Exception as error:  # whatever breaks (dbt, a client, the disk) fails the run
        reason = str(error) if isinstance(error, StepError) else f"{type(error).__name__}: {error}"
        seconds = round(time.perf_counter() - started, 2)
        log("ERROR", f"{name} failed: {reason}", step=name, run_id=run_id, seconds=seconds)
        return False
    seconds = round(time.perf_counter() - started, 2)
    severity = details.pop("severity", "INFO")
    log(severity, f"{name} done", step=name, run_id=run_id, seconds=seconds, **details)
    return True


def main(argv: list[str] | None = None) -> int:
    args = parse(argv)
    settings = Settings.from_env()
    run_id = args.run_id or default_run_id()
    log("INFO", "job started", step="start", run_id=run_id, target=settings.target,
        arguments=sys.argv[1:] if argv is None else argv)  # fmt: skip
    with tempfile.TemporaryDirectory(prefix="snowplow-job-") as scratch:
        job = Job(settings, args, run_id, Path(scratch))
        ok = all(
            run_step(name, run_id, action)
            for name, action in (("freshness", job.freshness), ("build", job.build),
                                 ("docs", job.docs), *ml_steps.steps(job))
        )  # fmt: skip
        # uploaded even after a failure: the failed run's results are what one reads first
        ok = run_step("upload", run_id, job.upload) and ok
        ok = ok and run_step("sheets", run_id, job.sheets)
    log("INFO" if ok else "ERROR", "job succeeded" if ok else "job failed",
        step="end", run_id=run_id)  # fmt: skip
    return 0 if ok else 1


def _results(result: dbtRunnerResult) -> list[Any]:
    return list(getattr(result.result, "results", None) or [])


if __name__ == "__main__":
    sys.exit(main())

"""`snowplow-job`: the daily transform, as the Cloud Run job runs it and as `make demo` does.

    snowplow-job [--from YYYY-MM-DD --to YYYY-MM-DD] [--full-refresh] [--run-id ID]
                 [--allow-stale] [--workbook PATH]

Steps, in order (`Job.steps`): `dbt parse` (once: every later dbt command reuses its
manifest), `dbt source freshness` (raw_events must have been loaded recently), `dbt build`,
`dbt docs generate`, the artifacts upload (manifest, run_results, sources, the docs site)
under the run id, then the sheets sync (`snowplow-sheets`). The first failing step ends the
run with exit code 1, so the Cloud Run execution fails and its alert fires; the artifacts
gathered until then are uploaded all the same, so a failed run can be diagnosed.

Every line the job prints is one JSON object with Cloud Logging's `severity` and `message`
keys (snowplow_dbt.joblog): one per step (plus `step`, `run_id`, `seconds` and what the step
found), dbt's warnings and errors, and the sync's lines. On BigQuery the build line lists
the bytes each node processed and billed, and the last line carries the run's total
(`bytes_billed`), which the run-cost metric of infra/snowplow_infra/monitoring.py reads.

The run id is Cloud Run's execution name (CLOUD_RUN_EXECUTION): a retried task of the same
execution gets the same id, so its artifacts and the sync's run-id check line up. Outside
Cloud Run it is the UTC start time.

Environment (INTERFACES of the job): SNOWPLOW_DBT_TARGET (profile target, default `local`),
SNOWPLOW_DUCKDB (local), SNOWPLOW_ARTIFACTS_BUCKET or SNOWPLOW_ARTIFACTS_DIR (default
.data/artifacts), plus what the dbt profile and the sheets sync read themselves.
"""

import argparse
import os
import shutil
import subprocess
import sys
import tempfile
import time
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from dbt.artifacts.schemas.results import NodeResult
from dbt.cli.main import dbtRunnerResult

from snowplow_dbt import ml_steps
from snowplow_dbt.artifacts import Destination, destination
from snowplow_dbt.findings import NodeCost, adapter_responses, node_costs, source_ages
from snowplow_dbt.joblog import DbtEvents, log, relay, structured
from snowplow_dbt.rebuild import WITHOUT_UNIT_TESTS
from snowplow_dbt.runner import PROJECT_DIR, DbtProject, failures

# re-exported: callers (and the tests) build a run from these
from snowplow_dbt.settings import Settings as Settings
from snowplow_dbt.settings import dbt_variables as dbt_variables
from snowplow_dbt.settings import default_run_id as default_run_id
from snowplow_dbt.settings import parse as parse

REPO_ROOT = PROJECT_DIR.parent


class StepError(RuntimeError):
    """A step of the job failed; its message says why."""


@dataclass
class Job:
    """One run: a dbt project in a scratch folder, and the artifacts it gathers."""

    settings: Settings
    args: argparse.Namespace
    run_id: str
    work: Path

    def __post_init__(self) -> None:
        self.events = DbtEvents(self.run_id)
        self.dbt = DbtProject(
            self.work / "dbt",
            self.settings.target,
            self.settings.dbt_env(),
            callbacks=[self.events],
            console=False,
        )
        self.gathered = self.work / "artifacts"
        self.gathered.mkdir(parents=True, exist_ok=True)
        self.variables = dbt_variables(self.args)
        self.costs: list[NodeCost] = []

    def steps(self) -> list[tuple[str, Callable[[], dict[str, object]]]]:
        """The dbt steps in order; the first that fails ends them. A new step (scoring
        the built models, say) goes into this list where it belongs."""
        return [
            ("parse", self.parse),
            ("freshness", self.freshness),
            ("build", self.build),
            ("docs", self.docs),
            *ml_steps.steps(self),  # anomalies, return propensity (snowplow_dbt.ml_steps)
        ]

    def parse(self) -> dict[str, object]:
        result = self.dbt.parse(variables=self.variables or None)
        if not result.success or self.dbt.manifest is None:
            raise StepError(f"dbt parse failed: {failures(result)}")
        return {"nodes": len(self.dbt.manifest.nodes)}

    def freshness(self) -> dict[str, object]:
        result = self._invoke("source", "freshness")
        self._gather("sources.json")
        ages = source_ages(_results(result))
        states = {age.source: age.status for age in ages}  # pass / warn / error / runtime error
        late = [age for age in ages if age.status != "pass"]
        stale_only = bool(ages) and set(states.values()) <= {"pass", "warn", "error"}
        if not result.success and not (self.args.allow_stale and stale_only):
            found = "; ".join(age.describe() for age in late) or failures(result)
            raise StepError(f"raw data is stale or unreadable: {found}")
        return {
            "sources": states,
            "ages": {age.source: age.age_hours for age in ages},
            "late": [age.describe() for age in late],
            "severity": "WARNING" if late else "INFO",  # the warn band too, not only errors
        }

    def build(self) -> dict[str, object]:
        if self.args.full_refresh:  # every table again, so every test on whole tables
            flags = ["--selector", "full", "--full-refresh"]
        elif self.variables:  # a rebuild, as snowplow_dbt.rebuild runs it: no unit tests
            flags = list(WITHOUT_UNIT_TESTS)
        else:  # the scheduled run: data tests on the rows it wrote (transform/selectors.yml)
            flags = ["--selector", "daily"]
        result = self._invoke("build", *flags)
        self._gather("manifest.json", "run_results.json")
        counts = Counter(str(node.status) for node in _results(result))
        costs = node_costs(adapter_responses(_results(result)))
        self.costs += costs
        if not result.success:
            raise StepError(f"dbt build failed: {failures(result)}")
        details: dict[str, object] = {
            "nodes": dict(counts),
            "variables": self.variables,
            "full_refresh": self.args.full_refresh,
        }
        if costs:  # BigQuery: what each model and test cost, most billed first
            details["costs"] = [vars(cost) for cost in costs]
            details.update(_totals(costs))
        return details

    def docs(self) -> dict[str, object]:
        # the build's manifest (with compiled SQL) is the one kept; docs adds the site
        result = self._invoke("docs", "generate", "--no-compile")
        if not result.success:
            raise StepError(f"dbt docs generate failed: {failures(result)}")
        self._gather("index.html", "catalog.json")
        return {}

    def run(self, name: str, action: Callable[[], dict[str, object]]) -> bool:
        """One step, its name on every line logged meanwhile; True when it succeeded."""
        self.events.step = name
        return run_step(name, self.run_id, action)

    def _invoke(self, *args: str) -> dbtRunnerResult:
        return self.dbt.try_invoke(*args, variables=self.variables or None)

    def upload(self, where: Destination | None = None) -> dict[str, object]:
        """Everything gathered, to the bucket (or folder) the settings name by default."""
        where = where or destination(self.settings.bucket, self.settings.artifacts_dir)
        files = sorted(self.gathered.iterdir())
        return {"artifacts": [where.put(self.run_id, path) for path in files]}

    def sheets(self) -> dict[str, object]:
        command = [sheets_command(), "--run-id", self.run_id]
        if self.args.workbook is not None:
            command += ["--workbook", str(self.args.workbook)]
        env = {**os.environ, **self.settings.dbt_env()}
        completed = subprocess.run(command, env=env, check=False, capture_output=True, text=True)
        # its lines, as JSON log lines of this step (stderr is an error only if it failed)
        for line in completed.stdout.splitlines():
            relay(line, "INFO", step="sheets", run_id=self.run_id)
        for line in completed.stderr.splitlines():
            severity = "ERROR" if completed.returncode else "WARNING"
            relay(line, severity, step="sheets", run_id=self.run_id)
        if completed.returncode != 0:  # the sync's own words (a FAILED refresh, a limit)
            said = " ".join(completed.stderr.split())[-2000:]
            raise StepError(f"sheets sync exited with {completed.returncode}: {said}")
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


def run_step(name: str, run_id: str, action: Callable[[], dict[str, object]]) -> bool:
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
    severity = str(details.pop("severity", "INFO"))
    log(severity, f"{name} done", step=name, run_id=run_id, seconds=seconds, **details)
    return True


def main(argv: list[str] | None = None) -> int:
    args = parse(argv)
    settings = Settings.from_env()
    run_id = args.run_id or default_run_id()
    started = time.perf_counter()
    log(
        "INFO",
        "job started",
        step="start",
        run_id=run_id,
        target=settings.target,
        arguments=sys.argv[1:] if argv is None else argv,
    )
    with tempfile.TemporaryDirectory(prefix="snowplow-job-") as scratch:
        job = Job(settings, args, run_id, Path(scratch))
        with structured(job.events):
            ok = all(job.run(name, action) for name, action in job.steps())
            # uploaded even after a failure: the failed run's results are what one reads first
            ok = job.run("upload", job.upload) and ok
            ok = ok and job.run("sheets", job.sheets)
    seconds = round(time.perf_counter() - started, 2)
    log(
        "INFO" if ok else "ERROR",
        "job succeeded" if ok else "job failed",
        step="end",
        run_id=run_id,
        seconds=seconds,
        **_totals(job.costs),
    )
    return 0 if ok else 1


def _totals(costs: list[NodeCost]) -> dict[str, int]:
    """The bytes of every node that reported some (none on DuckDB: no keys at all)."""
    if not costs:
        return {}
    return {
        "bytes_processed": sum(cost.bytes_processed for cost in costs),
        "bytes_billed": sum(cost.bytes_billed for cost in costs),
    }


def _results(result: dbtRunnerResult) -> list[NodeResult]:
    return list(getattr(result.result, "results", None) or [])


if __name__ == "__main__":
    sys.exit(main())

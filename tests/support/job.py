"""Running the daily job in the tests: its invocation, its parsed JSON logs, its inputs."""

import contextlib
import io
import json
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest
from snowplow_dbt import job
from snowplow_loader import cli as loader_cli

REPO_ROOT = Path(__file__).resolve().parents[2]
SAMPLE = REPO_ROOT / "sample_data" / "sample" / "events.tsv.gz"
# What a successful run logs, in order, on either engine: its start, each step, its end.
STEPS = [
    "start",
    "parse",
    "freshness",
    "build",
    "docs",
    "anomalies",
    "propensity",
    "upload",
    "sheets",
    "end",
]


@dataclass(frozen=True)
class JobRun:
    """What one `snowplow-job` invocation returned, logged and left behind."""

    exit_code: int
    logs: list[dict[str, Any]]
    other: list[str]  # what it printed that is not a JSON object with a severity

    def steps(self) -> dict[str, dict[str, Any]]:
        """Each step's last line: its outcome (a step's earlier lines are what it relayed)."""
        return {line["step"]: line for line in self.logs}

    def order(self) -> list[str]:
        """The steps in the order they logged."""
        return list(dict.fromkeys(line["step"] for line in self.logs))


def run_job(argv: list[str], env: Mapping[str, str]) -> JobRun:
    """`snowplow-job argv` in this process with `env` set, its JSON log lines parsed."""
    printed = io.StringIO()
    with pytest.MonkeyPatch.context() as patch, contextlib.redirect_stdout(printed):
        for name in ("SNOWPLOW_ARTIFACTS_BUCKET", "SNOWPLOW_SPREADSHEET_ID"):
            patch.delenv(name, raising=False)
        for name, value in env.items():
            patch.setenv(name, value)
        code = job.main(argv)
    logs, other = [], []
    for line in printed.getvalue().splitlines():
        parsed = None
        with contextlib.suppress(ValueError):
            parsed = json.loads(line)
        if isinstance(parsed, dict) and "severity" in parsed:
            logs.append(parsed)
        else:
            other.append(line)
    return JobRun(code, logs, other)


def load_sample(database: Path) -> None:
    assert loader_cli.main(["--db", str(database), "--quiet", str(SAMPLE)]) == 0


def local_env(database: Path, artifacts: Path) -> dict[str, str]:
    """The job's environment on the embedded engine."""
    return {
        "SNOWPLOW_DBT_TARGET": "local",
        "SNOWPLOW_DUCKDB": str(database),
        "SNOWPLOW_ARTIFACTS_DIR": str(artifacts),
    }


@dataclass(frozen=True)
class LocalRun:
    folder: Path
    database: Path
    artifacts: Path
    workbook: Path
    result: JobRun

    def env(self, database: Path) -> dict[str, str]:
        """The same environment on another database (the artifacts folder is shared)."""
        return local_env(database, self.artifacts)

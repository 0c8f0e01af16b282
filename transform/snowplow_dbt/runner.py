"""Run the dbt project in-process (dbtRunner), isolated per caller.

Each DbtProject gets its own target and log folders, so tests (and the benchmark) never
share dbt's partial-parse state or logs, and its own environment (SNOWPLOW_DUCKDB, the
BigQuery emulator's address, ...), applied only while dbt runs.
"""

import json
import os
from collections.abc import Callable, Iterator, Mapping, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import cast

from dbt.cli.main import dbtRunner, dbtRunnerResult
from dbt.contracts.graph.manifest import Manifest
from dbt_common.events.base_types import EventMsg

PROJECT_DIR = Path(__file__).resolve().parents[1]


class DbtError(RuntimeError):
    """dbt finished with errors or failing tests."""


@dataclass
class DbtProject:
    """The project in PROJECT_DIR, run against `target` with `env` set."""

    work_dir: Path
    target: str = "local"
    env: Mapping[str, str] = field(default_factory=dict)
    threads: int | None = None
    # what the daily job sets: dbt's events go to these callbacks, not to the console
    callbacks: Sequence[Callable[[EventMsg], None]] = ()
    console: bool = True
    # a parsed project (see parse()): later invocations reuse it instead of parsing again
    manifest: Manifest | None = None

    @classmethod
    def local(cls, work_dir: Path, database: Path) -> "DbtProject":
        """The DuckDB target on `database` (an absolute path to a DuckDB file)."""
        return cls(work_dir, "local", {"SNOWPLOW_DUCKDB": str(database.resolve())})

    def invoke(self, *args: str, variables: Mapping[str, object] | None = None) -> dbtRunnerResult:
        """Run one dbt command; raise DbtError unless every node succeeded."""
        result = self.try_invoke(*args, variables=variables)
        if not result.success:
            raise DbtError(f"dbt {' '.join(args)} failed:\n{failures(result)}")
        return result

    def try_invoke(
        self, *args: str, variables: Mapping[str, object] | None = None
    ) -> dbtRunnerResult:
        """Run one dbt command and return its result, successful or not."""
        command = [
            *args,
            "--project-dir",
            str(PROJECT_DIR),
            "--profiles-dir",
            str(PROJECT_DIR),
            "--target",
            self.target,
            "--target-path",
            str(self.work_dir / "target"),
            "--log-path",
            str(self.work_dir / "logs"),
        ]
        if self.threads is not None:
            command += ["--threads", str(self.threads)]
        if variables:
            command += ["--vars", json.dumps(dict(variables))]
        if not self.console:  # the debug log file in log-path is still written
            command += ["--log-level", "none"]
        runner = dbtRunner(manifest=self.manifest, callbacks=list(self.callbacks))
        with _environment(self.env):
            try:
                return runner.invoke(command)
            finally:
                _release_duckdb()

    def parse(self, variables: Mapping[str, object] | None = None) -> dbtRunnerResult:
        """Parse the project once and keep the manifest for every later invocation.

        Without this each dbt command parses the project again (seconds each). The vars
        are part of the parse (models read them in their config), so later invocations
        must pass the same ones.
        """
        result = self.try_invoke("parse", variables=variables)
        if result.success and isinstance(result.result, Manifest):
            self.manifest = result.result
        return result

    def build(self, *args: str, variables: Mapping[str, object] | None = None) -> dbtRunnerResult:
        return self.invoke("build", "--quiet", *args, variables=variables)


def failures(result: dbtRunnerResult) -> str:
    """A readable list of what went wrong in a dbt invocation."""
    if result.exception is not None:
        return f"{type(result.exception).__name__}: {result.exception}"
    lines = []
    for node in getattr(result.result, "results", None) or []:
        status = str(getattr(node, "status", ""))
        if status.lower() in {"error", "fail", "runtime error"}:
            lines.append(f"- {node.node.unique_id}: {status}: {node.message}")
    return "\n".join(lines) or "(no failing node reported)"


def node_timings(result: dbtRunnerResult) -> dict[str, float]:
    """Execution seconds per node of an invocation (models, tests, unit tests)."""
    return {
        node.node.unique_id: float(node.execution_time)
        for node in getattr(result.result, "results", None) or []
    }


def _release_duckdb() -> None:
    """Close the DuckDB database dbt-duckdb keeps open between invocations in a process.

    It would hold the file's lock (and its configuration) after dbt returns, so neither
    the caller nor another process could open the file.
    """
    from dbt.adapters.duckdb.connections import DuckDBConnectionManager
    from dbt.adapters.duckdb.environments import Environment

    with DuckDBConnectionManager._LOCK:
        # declared None in the class; set to the open environment (what ``env()`` returns)
        environment = cast(Environment | None, DuckDBConnectionManager._ENV)
        if environment is not None:
            environment.close()  # type: ignore[no-untyped-call]  # unannotated in dbt-duckdb
            DuckDBConnectionManager._ENV = None


@contextmanager
def _environment(values: Mapping[str, str]) -> Iterator[None]:
    saved = {name: os.environ.get(name) for name in values}
    os.environ.update(values)
    try:
        yield
    finally:
        for name, value in saved.items():
            if value is None:
                os.environ.pop(name, None)
            else:
                os.environ[name] = value

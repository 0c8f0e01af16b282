"""Benchmark figures: every bench script records what it measured; `make bench` renders them.

Figures and their targets come from `make bench` and land in `BENCHMARKS.md`, so no page
can quote a number the code no longer produces. Each bench script calls `record` once per
figure; the results file is emptied at the start of `make bench` and rendered at its end
(`python -m snowplow_sample.benchmarks render`). A bench script run again on its own (then
`render`) replaces its tables' figures: a table shows only the latest run that wrote it,
where it stood, with that run's time.
"""

import json
import os
import platform
import sys
from collections.abc import Callable
from dataclasses import asdict, dataclass
from datetime import UTC, datetime
from pathlib import Path

RESULTS = Path(os.environ.get("SNOWPLOW_BENCH_RESULTS", ".data/bench/results.jsonl"))
PAGE = Path("BENCHMARKS.md")
RUN = f"{datetime.now(UTC):%Y-%m-%d %H:%M:%S} UTC"  # this process: one run of a bench script


@dataclass(frozen=True)
class Figure:
    """One measured figure: its table (one per measurement), the command that made it."""

    table: str
    command: str
    measurement: str
    figure: str
    target: str = ""
    met: bool | None = None  # None: reported without a target
    run: str = RUN  # when the bench script that measured it started


def record(figure: Figure) -> None:
    """Append one figure to the results file (and echo it, so a bench run shows progress)."""
    RESULTS.parent.mkdir(parents=True, exist_ok=True)
    with RESULTS.open("a", encoding="utf-8") as results:
        results.write(json.dumps(asdict(figure)) + "\n")
    verdict = {True: " ✓", False: " ✗", None: ""}[figure.met]
    target = f"  (target {figure.target}{verdict})" if figure.target else ""
    print(f"{figure.table} | {figure.measurement}: {figure.figure}{target}", flush=True)


def recorder(table: str, command: str) -> Callable[..., None]:
    """`record` for one table: add(measurement, figure, target="", met=None)."""

    def add(measurement: str, figure: str, target: str = "", met: bool | None = None) -> None:
        record(Figure(table, command, measurement, figure, target, met))

    return add


def _machine() -> str:
    memory_gib = os.sysconf("SC_PAGE_SIZE") * os.sysconf("SC_PHYS_PAGES") / 1024**3
    return (
        f"{platform.machine()}, {os.cpu_count()} cores, {memory_gib:.0f} GiB, {platform.system()}"
    )


def render(figures: list[Figure], when: datetime) -> str:
    """The benchmarks page: one table per measurement, each row with its target; a table
    keeps the figures of the latest run that recorded it."""
    lines = [
        "# Benchmarks",
        "",
        f"Written by `make bench` (do not edit by hand) on {when:%Y-%m-%d %H:%M} UTC, machine:",
        f"{_machine()}. Each table names the command and the run that measured it. Times",
        "vary from run to run by about 10 %: compare the ratios, each taken within one run.",
    ]
    tables: dict[str, list[Figure]] = {}
    for figure in figures:
        tables.setdefault(figure.table, []).append(figure)
    for table, rows in tables.items():
        latest = max(row.run for row in rows)
        rows = [row for row in rows if row.run == latest]
        lines += ["", f"## {table}", "", f"`{rows[0].command}` (run {latest})", ""]
        lines += ["| measurement | figure | target |", "|---|---|---|"]
        for row in rows:
            verdict = {True: " ✓", False: " ✗", None: ""}[row.met]
            lines.append(f"| {row.measurement} | {row.figure} | {row.target}{verdict} |")
    return "\n".join(lines) + "\n"


def main() -> None:
    """`render`: write BENCHMARKS.md from the results file; `reset`: empty the results."""
    if sys.argv[1:] == ["reset"]:
        RESULTS.unlink(missing_ok=True)
        return
    if sys.argv[1:] != ["render"]:
        raise SystemExit("usage: python -m snowplow_sample.benchmarks reset|render")
    figures = [Figure(**json.loads(line)) for line in RESULTS.read_text().splitlines()]
    PAGE.write_text(render(figures, datetime.now(UTC)), encoding="utf-8")
    print(f"{PAGE}: {len(figures)} figures")


if __name__ == "__main__":
    main()

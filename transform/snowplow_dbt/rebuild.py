"""Windowed rebuild: re-derive the sessions that touch [start, end) without a full refresh.

    python -m snowplow_dbt.rebuild --from 2024-01-02 --to 2024-01-03   (make rebuild FROM= TO=)

A `dbt build` with the vars snowplow__rebuild_from / snowplow__rebuild_to: staging
re-reads the raw events of the sessions touching the window, and the session, page view,
user and user-mapping models replace exactly those sessions' rows (transform/README.md,
"Windowed rebuild"). Every other row stays as it was. The daily job calls `rebuild` too.
"""

import argparse
import os
import sys
from collections.abc import Mapping
from datetime import date
from pathlib import Path

from dbt.cli.main import dbtRunnerResult

from snowplow_dbt.runner import DbtError, DbtProject

REPO_ROOT = Path(__file__).resolve().parents[2]


def rebuild_vars(start: date, end: date) -> dict[str, str]:
    """The dbt vars of a rebuild of [start, end); ValueError unless start < end."""
    if start >= end:
        raise ValueError(f"rebuild: --from {start} must be before --to {end}")
    return {"snowplow__rebuild_from": start.isoformat(), "snowplow__rebuild_to": end.isoformat()}


# A rebuild's `dbt build` leaves out the unit tests: they check the models' logic on
# fixtures, which the ordinary builds do.
WITHOUT_UNIT_TESTS = ("--exclude", "resource_type:unit_test")


def add_window_arguments(parser: argparse.ArgumentParser, *, required: bool) -> None:
    """--from/--to, as this module and `snowplow-job` both take them."""
    for flag, dest, text in (
        ("--from", "start", "windowed rebuild: first day"),
        ("--to", "end", "windowed rebuild: day after the last (exclusive)"),
    ):
        parser.add_argument(
            flag,
            dest=dest,
            type=date.fromisoformat,
            required=required,
            metavar="YYYY-MM-DD",
            help=text,
        )


def rebuild(
    project: DbtProject,
    start: date,
    end: date,
    *args: str,
    variables: Mapping[str, object] | None = None,
) -> dbtRunnerResult:
    """Rebuild the sessions touching [start, end) and what is built on them.

    Runs `dbt build` WITHOUT_UNIT_TESTS; `args` are added (e.g. "--threads", "1"), and
    `variables` are the project's other settings (the ones its builds use). Raises
    DbtError when a model or data test fails, ValueError for an empty window.
    """
    window = rebuild_vars(start, end)
    return project.build(*WITHOUT_UNIT_TESTS, *args, variables={**(variables or {}), **window})


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    add_window_arguments(parser, required=True)
    arguments = parser.parse_args(argv)
    project = DbtProject(
        REPO_ROOT / ".data" / "dbt", os.environ.get("SNOWPLOW_DBT_TARGET", "local")
    )
    try:
        rebuild(project, arguments.start, arguments.end)
    except (DbtError, ValueError) as failure:
        print(failure, file=sys.stderr)
        return 1
    print(f"rebuilt the sessions touching [{arguments.start}, {arguments.end})")
    return 0


if __name__ == "__main__":
    sys.exit(main())

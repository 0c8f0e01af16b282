"""The daily job's log: one JSON object per line on stdout, each with a `severity`.

Cloud Run hands each line a container prints to Cloud Logging, which reads a line that is a
JSON object as a structured entry (its `severity` and `message` keys become the entry's
severity and summary); a plain-text line becomes an entry of unknown severity that no
severity filter or alert can select. So everything the job's process would print goes
through here: the job's own step lines, dbt's events (dbt prints nothing itself; see
`DbtEvents`), Python warnings and library log records, and the sheets sync's output lines.
"""

import json
import logging
import sys
import warnings
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from typing import TextIO

from dbt_common.events.base_types import EventMsg

# dbt's event levels, Python's logging levels -> Cloud Logging's LogSeverity names
SEVERITIES = {"debug": "DEBUG", "info": "INFO", "warn": "WARNING", "error": "ERROR"}


def log(severity: str, message: str, **fields: object) -> None:
    """One structured log line (Cloud Logging reads `severity` and `message`)."""
    line = json.dumps({"severity": severity, "message": message, **fields}, default=str)
    print(line, file=sys.stdout, flush=True)


def relay(line: str, severity: str, **fields: object) -> None:
    """A line another program printed: kept as is when it already is a JSON log object
    with a severity, wrapped into one (with `severity`) otherwise."""
    text = line.rstrip("\n")
    if not text.strip():
        return
    try:
        parsed = json.loads(text)
    except ValueError:
        parsed = None
    if isinstance(parsed, dict) and "severity" in parsed:
        log(**{**fields, **parsed})
    else:
        log(severity, text, **fields)


@dataclass
class DbtEvents:
    """dbtRunner callback: dbt's warnings and errors as the job's JSON lines.

    The job runs dbt with its console output off (`--log-level none`; the debug log file
    is still written beside the target), so these lines are all that dbt adds to the job's
    output: what needs a look (a deprecation, a failing test, a database error) with the
    node it concerns. `step` and `run_id` tie them to the job's step lines.
    """

    run_id: str
    step: str = "start"
    lowest: str = "warn"  # dbt's own level names
    seen: list[str] = field(default_factory=list)

    def __call__(self, event: EventMsg) -> None:
        level = str(event.info.level)
        if _rank(level) < _rank(self.lowest):
            return
        node = getattr(getattr(event.data, "node_info", None), "unique_id", "") or None
        self.seen.append(event.info.name)
        fields: dict[str, object] = {"step": self.step, "run_id": self.run_id}
        if node:
            fields["node"] = node
        message = str(getattr(event.info, "msg", "") or event.info.name)
        log(SEVERITIES.get(level, "DEFAULT"), message, dbt_event=event.info.name, **fields)


def _rank(level: str) -> int:
    return list(SEVERITIES).index(level) if level in SEVERITIES else len(SEVERITIES)


class _JsonHandler(logging.Handler):
    """Library log records (google-auth, urllib3, ...) as JSON lines instead of stderr text."""

    def __init__(self, events: DbtEvents) -> None:
        super().__init__(logging.WARNING)
        self.events = events

    def emit(self, record: logging.LogRecord) -> None:
        severity = "ERROR" if record.levelno >= logging.ERROR else "WARNING"
        log(
            severity,
            record.getMessage(),
            logger=record.name,
            step=self.events.step,
            run_id=self.events.run_id,
        )


@contextmanager
def structured(events: DbtEvents) -> Iterator[None]:
    """While the job runs, Python warnings and library log records become JSON lines of
    the step under way (`events.step`, which the job moves on as it goes)."""
    handler = _JsonHandler(events)
    root = logging.getLogger()
    saved_show = warnings.showwarning

    def show(
        message: Warning | str,
        category: type[Warning],
        filename: str,
        lineno: int,
        file: TextIO | None = None,
        line: str | None = None,
    ) -> None:
        where = f"{filename}:{lineno}"
        log(
            "WARNING",
            str(message),
            category=category.__name__,
            where=where,
            step=events.step,
            run_id=events.run_id,
        )

    root.addHandler(handler)
    warnings.showwarning = show
    try:
        yield
    finally:
        root.removeHandler(handler)
        warnings.showwarning = saved_show

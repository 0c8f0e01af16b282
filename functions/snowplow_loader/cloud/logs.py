"""Structured logs: one JSON object per line on stdout, the form Cloud Logging parses.

In Cloud Functions gen2 (Cloud Run underneath) a JSON line on stdout becomes a log
entry's jsonPayload; ``severity`` and ``message`` become the entry's severity and
summary, and the other keys stay queryable (``jsonPayload.outcome="quarantined"``).
Plain ``print`` keeps the module light: no logging library to import or configure.
"""

import json
import sys
from typing import TextIO

COMPONENT = "snowplow-loader"


def emit(severity: str, message: str, stream: TextIO | None = None, **fields: object) -> None:
    """Write one entry; fields that are None are left out."""
    entry: dict[str, object] = {"severity": severity, "message": message}
    entry.update((key, value) for key, value in fields.items() if value is not None)
    entry["logging.googleapis.com/labels"] = {"component": COMPONENT}
    print(json.dumps(entry, default=str), file=stream or sys.stdout, flush=True)

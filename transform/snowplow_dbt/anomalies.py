"""The job's anomaly step: one WARNING log line per anomaly this run flagged first.

metric_anomalies keeps, for each anomaly, the dbt invocation that first flagged it
(first_flagged_run), so re-scoring a day in a later run does not alert twice. The line's
`message` starts with ANOMALY_MESSAGE: the log-based metric of the infra
(infra/snowplow_infra/monitoring.py) counts those lines and its alert policy fires on them.
"""

import json
from collections.abc import Callable
from pathlib import Path

from snowplow_dbt.propensity.warehouse import Row, Warehouse

ANOMALY_MESSAGE = "metric anomaly"
TABLE = "metric_anomalies"


def build_invocation(run_results: Path) -> str | None:
    """The invocation id of the dbt build whose run_results.json this is."""
    if not run_results.exists():
        return None
    metadata = json.loads(run_results.read_text()).get("metadata") or {}
    found = metadata.get("invocation_id")
    return str(found) if found else None


def new_anomalies(warehouse: Warehouse, invocation: str) -> list[Row]:
    if not warehouse.exists(TABLE):
        return []
    return warehouse.rows(
        "select metric, activity_date, value, expected, lower_bound, upper_bound, score,"
        f" direction from {warehouse.analytics(TABLE)}"
        f" where is_anomaly and first_flagged_run = '{invocation}'"
        " order by activity_date, metric"
    )


def report(
    warehouse: Warehouse,
    run_results: Path,
    run_id: str,
    log: Callable[..., None],
) -> dict[str, object]:
    """Log each new anomaly (WARNING) and return the step's details."""
    invocation = build_invocation(run_results)
    found = new_anomalies(warehouse, invocation) if invocation else []
    for row in found:
        log(
            "WARNING",
            f"{ANOMALY_MESSAGE}: {row['metric']} on {row['activity_date']}",
            step="anomalies",
            run_id=run_id,
            **row,
        )
    return {"new_anomalies": len(found)}

"""The Sheets sync's test inputs: a small warehouse with the models' columns, the client.

dbt is not run here (it is slow): the warehouse holds tables named like the models,
with the column names their YAML declares, filled with a few deterministic rows.
"""

from pathlib import Path
from typing import Any

import duckdb
import yaml
from snowplow_dbt.propensity.run import DECILES, DECILES_SCHEMA
from snowplow_sheets.config import Mode, SyncConfig, Tab
from snowplow_sheets.pacing import Backoff
from snowplow_sheets.sheets_api import Pacing, SheetsApi, service
from snowplow_sheets.sheets_writer import SheetsWriter

from tests.support.fake_sheets import FakeSheets

REPO = Path(__file__).resolve().parents[2]
MODEL_FILES = [
    REPO / "transform" / "models" / "marts" / "_marts__sessions_and_users.yml",
    REPO / "transform" / "models" / "marts" / "_marts__fct_page_views.yml",
    REPO / "transform" / "models" / "marts" / "_marts__dim_user_mapping.yml",
    REPO / "transform" / "models" / "analytics" / "_analytics__models.yml",
]
PROJECT = "my-project-dev"
CONNECTED = SyncConfig(
    tabs=[
        Tab(tab="Sessions", model="fct_sessions", dataset="marts", mode=Mode.CONNECTED),
        Tab(tab="Users", model="dim_users", dataset="marts", mode=Mode.CONNECTED),
    ]
)
ROW_COUNTS = {
    "fct_sessions": 120,
    "dim_users": 60,
    "user_engagement": 60,
    "daily_active_users": 30,
    "weekly_retention_cohorts": 20,
    "daily_sessions_by_channel": 30,
    "metric_anomalies": 40,
    "metric_band": 30,
    DECILES: 10,
}


def model_columns() -> dict[str, list[str]]:
    """Column names per model, as the dbt YAML declares them."""
    found: dict[str, list[str]] = {}
    for path in MODEL_FILES:
        for model in yaml.safe_load(path.read_text())["models"]:
            found[model["name"]] = [column["name"] for column in model["columns"]]
    found[DECILES] = list(DECILES_SCHEMA.names)  # written by the job's propensity step
    return found


def _expression(column: str) -> str:
    """A deterministic value of a plausible type for a column, from its name."""
    if column.endswith("_tstamp"):
        return "timestamp '2026-11-01 00:00:00' + to_minutes(i::bigint)"
    if column.endswith("_date") or column == "cohort_week":
        return "date '2026-11-01' + (i % 30)::int"
    if column.startswith("is_"):
        return "i % 2 = 0"
    if column.endswith(("_rate", "_s", "score", "value", "expected", "_bound")):
        return "round(i / 7.0, 3)"
    if column.endswith(("sessions", "users", "views", "days", "events", "idx", "weeks")) or (
        column in ("weeks_since_first_session", "recency_days", "decile")
    ):
        return "i % 17"
    return f"'{column}-' || i"


def build_warehouse(path: Path, rows: dict[str, int]) -> Path:
    """Tables in schema main, one per model, with the model's column names."""
    columns = model_columns()
    with duckdb.connect(str(path)) as connection:
        for model, count in rows.items():
            select = ", ".join(f"{_expression(c)} as {c}" for c in columns[model])
            connection.execute(
                f"create or replace table main.{model} as "
                f"select {select} from range({count}) as r(i)"
            )
    return path


def api_for(fake: FakeSheets, **pacing: Any) -> SheetsApi:
    """The real google-api-python-client, pointed at the fake, with fast test pacing."""
    settings: dict[str, Any] = {
        "backoff": Backoff(base=0.005, cap=0.05),
        "poll_seconds": 0.01,
        "refresh_timeout": 2.0,
    } | pacing
    return SheetsApi(
        service(connected=False, endpoint=fake.endpoint),
        fake.spreadsheet.spreadsheet_id,
        Pacing(**settings),
    )


def writer_for(fake: FakeSheets, **pacing: Any) -> SheetsWriter:
    """A Sheets writer on the fake, with fast test pacing (see api_for)."""
    return SheetsWriter(api_for(fake, **pacing), progress=False)

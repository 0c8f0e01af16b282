"""The declarative tab list (sheets.yml) and the environment, typed and checked up front.

A typo in the file (an unknown key, a mode that does not exist, a chart column the
table lacks) must stop the run before anything is written, with the file and the field
in the message, not surface as an API error halfway through a sync.
"""

import os
import re
from collections.abc import Mapping
from enum import StrEnum
from pathlib import Path
from typing import Literal

import yaml
from pydantic import BaseModel, ConfigDict, Field, ValidationError, model_validator

DEFAULT_CONFIG = Path(__file__).resolve().parents[1] / "sheets.yml"
DEFAULT_WORKBOOK = Path(".data") / "snowplow.xlsx"
IDENTIFIER = r"^[A-Za-z_][A-Za-z0-9_]*$"


class ConfigError(ValueError):
    """The tab list or the environment is wrong; the message says where."""


class Mode(StrEnum):
    """How a tab shows its table (see sheets.yml)."""

    CONNECTED = "connected"
    VALUES = "values"


class LongCells(StrEnum):
    """What to do with a cell longer than the destination allows."""

    REFUSE = "refuse"
    TRUNCATE = "truncate"


class OnRefused(StrEnum):
    """What a connected tab does when Sheets refuses its data source (edition, identity)."""

    FAIL = "fail"
    VALUES = "values"


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class Chart(_Strict):
    """A chart of columns `y` against column `x`, placed beside the table (both writers
    draw it: sheets_requests.chart_spec for Sheets, workbook.chart for the workbook)."""

    type: Literal["line", "column", "area"] = "line"
    title: str
    x: str = Field(pattern=IDENTIFIER)
    y: list[str] = Field(min_length=1)
    y_title: str = ""  # the vertical axis' title (what the y columns count)


TITLE = r"^[^'\[\]*?:/\\]+$"  # what Excel accepts in a sheet title: none of ' [ ] * ? : / \


class PivotValue(_Strict):
    """One summarised column of a pivot table."""

    column: str = Field(pattern=IDENTIFIER)
    function: Literal["SUM", "COUNTA", "COUNTUNIQUE", "AVERAGE", "MAX", "MIN"] = "SUM"


class Pivot(_Strict):
    """A pivot table on a connected tab's data source, on a tab of its own: BigQuery
    computes it over the whole table (the data source sheet shows a 500-row preview),
    and it refreshes with the data source, in the same run."""

    tab: str = Field(min_length=1, max_length=31, pattern=TITLE)
    rows: list[str] = Field(min_length=1)  # the columns it groups by
    values: list[PivotValue] = Field(min_length=1)


class Tab(_Strict):
    """One spreadsheet tab and the model it shows."""

    tab: str = Field(min_length=1, max_length=31, pattern=TITLE)
    model: str = Field(pattern=IDENTIFIER)
    dataset: Literal["marts", "analytics"]
    mode: Mode = Mode.VALUES
    order_by: list[str] = Field(default_factory=list)
    long_cells: LongCells = LongCells.REFUSE
    chart: Chart | None = None
    on_refused: OnRefused = OnRefused.FAIL  # connected tabs: fail, or write values instead
    pivot: Pivot | None = None  # connected tabs: a pivot of the whole table

    @model_validator(mode="after")
    def _identifiers(self) -> "Tab":
        for column in [*self.order_by, *(self.chart.y if self.chart else [])]:
            if not re.match(IDENTIFIER, column):
                raise ValueError(f"{column!r} is not a column name")
        if self.pivot is not None and self.mode is not Mode.CONNECTED:
            raise ValueError("a pivot needs mode: connected (it is computed by BigQuery)")
        for column in self.pivot.rows if self.pivot else []:
            if not re.match(IDENTIFIER, column):
                raise ValueError(f"{column!r} is not a column name")
        return self


class SyncConfig(_Strict):
    """The whole file: the tabs, in the order they appear in the spreadsheet."""

    tabs: list[Tab] = Field(min_length=1)

    @model_validator(mode="after")
    def _unique_tabs(self) -> "SyncConfig":
        titles = [tab.tab for tab in self.tabs]
        duplicates = sorted({title for title in titles if titles.count(title) > 1})
        if duplicates:
            raise ValueError(f"tab titles must be unique; repeated: {', '.join(duplicates)}")
        return self


def load_config(path: Path) -> SyncConfig:
    """Parse and validate the tab list; every problem names the file and the field."""
    try:
        document = yaml.safe_load(path.read_text())
    except OSError as error:
        raise ConfigError(f"{path}: cannot read the tab list ({error.strerror})") from None
    except yaml.YAMLError as error:
        raise ConfigError(f"{path}: not valid YAML: {error}") from None
    try:
        return SyncConfig.model_validate(document)
    except ValidationError as error:
        problems = [
            f"{path}: {'.'.join(str(part) for part in problem['loc']) or '(top level)'}: "
            f"{problem['msg']}"
            for problem in error.errors()
        ]
        raise ConfigError("\n".join(problems)) from None


class Environment(BaseModel):
    """Where to read and write, from the SNOWPLOW_* variables the README lists."""

    model_config = ConfigDict(frozen=True)

    target: str = "local"
    duckdb: Path = Path(".data") / "snowplow.duckdb"
    project: str | None = None
    models_dataset: str | None = None
    analytics_dataset: str | None = None
    spreadsheet_id: str | None = None

    @property
    def on_bigquery(self) -> bool:
        """dbt's `local` target is DuckDB; every other target is BigQuery."""
        return self.target != "local"

    def dataset(self, layer: Literal["marts", "analytics"]) -> str:
        """The BigQuery dataset of a model layer; both variables are required there."""
        name = self.models_dataset if layer == "marts" else self.analytics_dataset
        if not name:
            variable = "MODELS" if layer == "marts" else "ANALYTICS"
            raise ConfigError(
                f"SNOWPLOW_{variable}_DATASET is not set; the {layer} tables live there "
                f"when SNOWPLOW_DBT_TARGET={self.target}"
            )
        return name

    @classmethod
    def from_environ(cls, environ: Mapping[str, str] = os.environ) -> "Environment":
        """Read the variables; empty ones count as unset."""

        def get(name: str) -> str | None:
            return environ.get(f"SNOWPLOW_{name}") or None

        environment = cls(
            target=get("DBT_TARGET") or "local",
            duckdb=Path(get("DUCKDB") or cls.model_fields["duckdb"].default),
            project=get("PROJECT"),
            models_dataset=get("MODELS_DATASET"),
            analytics_dataset=get("ANALYTICS_DATASET"),
            spreadsheet_id=get("SPREADSHEET_ID"),
        )
        if environment.on_bigquery and not environment.project:
            raise ConfigError(
                f"SNOWPLOW_PROJECT is not set; it is required when "
                f"SNOWPLOW_DBT_TARGET={environment.target} (BigQuery)"
            )
        return environment

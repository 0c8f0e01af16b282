"""What dbt puts in a model's Jinja context beyond sqlfluff's dbt builtins, for linting.

sqlfluff's jinja templater (`.sqlfluff`: library_path) loads these names into the context,
so the models render to the SQL the BigQuery target compiles to without a dbt run or a
warehouse connection: the project's vars from dbt_project.yml, `target`, the dispatched
project macros (adapter.dispatch picks bigquery__ or default__, as dbt does) and the dbt
cross-database macros the models call.
"""

import datetime as _datetime
import re
from collections.abc import Callable
from datetime import UTC, datetime
from pathlib import Path
from types import SimpleNamespace

import yaml
from jinja2 import pass_context
from jinja2.runtime import Context

_PROJECT = yaml.safe_load((Path(__file__).resolve().parents[1] / "dbt_project.yml").read_text())
_VARS: dict[str, object] = _PROJECT.get("vars", {})


def var(name: str, default: object = None) -> object:
    return _VARS.get(name, default)


def env_var(name: str, default: str = "") -> str:
    return default or name.lower()


@pass_context
def _dispatch(
    context: Context, name: str, macro_namespace: str | None = None
) -> Callable[..., object]:
    for candidate in (f"bigquery__{name}", f"default__{name}"):
        macro: object = context.resolve(candidate)
        if callable(macro):
            return macro
    raise LookupError(f"no bigquery__ or default__ implementation of {name}")


def _sql(template: str) -> Callable[..., str]:
    return lambda *args, **_: template.format(*args)


target = SimpleNamespace(type="bigquery", name="dev", schema="snowplow", database="my-project-dev")
adapter = SimpleNamespace(
    dispatch=_dispatch, get_relation=lambda **_: None, get_columns_in_relation=lambda *_: []
)
dbt = SimpleNamespace(
    type_int=_sql("int64"),
    type_float=_sql("float64"),
    type_string=_sql("string"),
    type_timestamp=_sql("timestamp"),
    concat=lambda parts: f"concat({', '.join(parts)})",
    hash=_sql("to_hex(md5(cast({0} as string)))"),
    dateadd=_sql("datetime_add(cast({2} as datetime), interval {1} {0})"),
)
flags = SimpleNamespace(FULL_REFRESH=False)
modules = SimpleNamespace(re=re, datetime=_datetime)  # dbt's `modules`


def _raise_compiler_error(message: str) -> None:
    raise RuntimeError(message)


exceptions = SimpleNamespace(raise_compiler_error=_raise_compiler_error)
execute = False  # as when dbt parses: no queries (run windows render as full runs)
invocation_id = "00000000-0000-0000-0000-000000000000"
run_started_at = datetime(2026, 1, 1, tzinfo=UTC)

"""raw_events rewritten in the layout of Snowplow's BigQuery Loader, for the tests.

Snowplow's BigQuery Loader (2.x, documented by Snowplow) writes the atomic fields as
typed columns and every self-describing event or entity as a column of its own:
`unstruct_event_<vendor>_<name>_<major>` (a RECORD) and `contexts_<vendor>_<name>_<major>`
(a REPEATED RECORD holding the tracker's and the enrichments' entities alike), vendor,
name and field names in snake case. The 1.x loader named the columns by full version
(`..._1_0_0`). It has no `load_file_key`: that is this project's own column.

`convert` builds such a table from raw_events in DuckDB (STRUCT and LIST columns), with
every schema found in the data and each entity's fields typed as DuckDB infers them from
the JSON; `bigquery_schema` gives the same table's BigQuery schema, so the emulator can
load it from newline-delimited JSON.
"""

import json
import re
from dataclasses import dataclass

import duckdb
from google.cloud import bigquery
from snowplow_loader.contract import RAW_EVENTS

SELF_DESCRIBING = ("contexts", "derived_contexts", "unstruct_event")
ATOMIC = tuple(f.name for f in RAW_EVENTS if f.name not in (*SELF_DESCRIBING, "load_file_key"))
SCHEMA_VERSION = "^(iglu:[^/]+/[^/]+/jsonschema/)([0-9]+)-([0-9]+)-([0-9]+)$"
SCALARS = {"VARCHAR", "BOOLEAN", "DOUBLE", "BIGINT", "UBIGINT"}
BIGQUERY_TYPES = {
    "VARCHAR": "STRING",
    "BIGINT": "INT64",
    "DOUBLE": "FLOAT64",
    "BOOLEAN": "BOOL",
    "TIMESTAMP": "TIMESTAMP",
    "JSON": "JSON",
}


def snake_case(name: str) -> str:
    """As the loader names columns and fields: spiderOrRobot -> spider_or_robot."""
    return re.sub(r"([a-z0-9])([A-Z])", r"\1_\2", name).replace(".", "_").replace("-", "_").lower()


@dataclass(frozen=True)
class Column:
    """One self-describing column: which entities it holds and their fields' types."""

    name: str
    schema_prefix: str  # 'iglu:vendor/name/jsonschema/1-' (2.x) or '.../1-0-0' (1.x)
    repeated: bool
    fields: tuple[tuple[str, str], ...]  # (JSON key, DuckDB type)


def _entities(json_column: str) -> str:
    """Every self-describing entity of the column as a JSON value (`{schema, data}`)."""
    if json_column == "unstruct_event":
        return f"[json_extract({json_column}, '$.data')]"
    return f"coalesce(cast(json_extract({json_column}, '$.data') as json[]), [])"


def _columns(connection: duckdb.DuckDBPyConnection, legacy: bool) -> list[Column]:
    """The columns the loader would make for the schemas present in raw_events."""
    found = connection.execute(
        f"""
        with entities as (
            {
            " union all ".join(
                f"select '{name}' as kind, unnest({_entities(name)}) as entity from raw_events"
                for name in SELF_DESCRIBING
            )
        }
        )
        select kind = 'unstruct_event' as unstruct,
               regexp_extract(entity ->> 'schema', '{SCHEMA_VERSION}',
                              ['prefix', 'major', 'minor', 'patch']) as version,
               json_group_structure(entity -> 'data') as structure
        from entities
        where entity is not null
        group by all
        order by all
        """
    ).fetchall()
    merged: dict[tuple[bool, str], dict[str, str]] = {}
    for unstruct, version, structure in found:
        key = (version["major"], version["minor"], version["patch"])
        prefix = version["prefix"] + ("-".join(key) if legacy else key[0] + "-")
        fields = merged.setdefault((unstruct, prefix), {})
        for field, kind in json.loads(structure).items():
            scalar = kind if isinstance(kind, str) and kind in SCALARS else "JSON"
            fields[field] = "BIGINT" if scalar == "UBIGINT" else scalar
    columns = []
    for (unstruct, prefix), fields in merged.items():
        vendor, name, _, version = prefix.removeprefix("iglu:").split("/")
        kind = "unstruct_event" if unstruct else "contexts"
        suffix = snake_case(version.rstrip("-"))
        column = f"{kind}_{snake_case(vendor)}_{snake_case(name)}_{suffix}"
        columns.append(Column(column, prefix, not unstruct, tuple(sorted(fields.items()))))
    return columns


def _expression(column: Column) -> str:
    struct = ", ".join(
        f"\"{snake_case(key)}\" := cast(entity -> '$.data.{key}' as {kind})"
        if kind == "JSON"
        else f"\"{snake_case(key)}\" := cast(entity ->> '$.data.{key}' as {kind})"
        for key, kind in column.fields
    )
    matches = f"starts_with(entity ->> 'schema', '{column.schema_prefix}')"
    if not column.repeated:
        entity = "json_extract(unstruct_event, '$.data')"
        picked = f"if({matches}, struct_pack({struct}), null)"
        return f"(select {picked} from (select {entity} as entity))"
    entities = f"list_concat({_entities('contexts')}, {_entities('derived_contexts')})"
    return (
        f"list_transform(list_filter({entities}, entity -> {matches}), "
        f"entity -> struct_pack({struct}))"
    )


def convert(
    connection: duckdb.DuckDBPyConnection, table: str = "events", legacy: bool = False
) -> list[Column]:
    """Write `table`: raw_events' events in the BigQuery Loader's layout (1.x if legacy)."""
    columns = _columns(connection, legacy)
    select = ", ".join([*ATOMIC, *(f"{_expression(c)} as {c.name}" for c in columns)])
    connection.execute(f"create or replace table {table} as select {select} from raw_events")
    return columns


def bigquery_schema(
    connection: duckdb.DuckDBPyConnection, table: str
) -> list[bigquery.SchemaField]:
    """The BigQuery schema of a table `convert` wrote (REPEATED RECORD for LIST(STRUCT))."""
    described = connection.execute(f"describe {table}").fetchall()
    return [_field(name, kind) for name, kind, *_ in described]


def _field(name: str, kind: str) -> bigquery.SchemaField:
    mode = "NULLABLE"
    if kind.endswith("[]"):
        mode, kind = "REPEATED", kind.removesuffix("[]")
    if kind.startswith("STRUCT("):
        inner = re.findall(r'"?(\w+)"? (\w+(?:\(\d+,\d+\))?)', kind.removeprefix("STRUCT(")[:-1])
        return bigquery.SchemaField(
            name, "RECORD", mode=mode, fields=[_field(n, k) for n, k in inner]
        )
    if kind.startswith("DECIMAL"):
        return bigquery.SchemaField(name, "NUMERIC", mode=mode)
    return bigquery.SchemaField(name, BIGQUERY_TYPES[kind], mode=mode)

"""The raw_events contract matches Snowplow's canonical layout, and every consumer of it
(the embedded tables, the infra table specs, the dbt sources) says the same thing."""

import json
from pathlib import Path

import duckdb
import pytest
from snowplow_infra.warehouse_tables import LOADER_TABLES
from snowplow_loader import duckdb_sql
from snowplow_loader.contract import (
    BAD_ROWS,
    BAD_ROWS_LAYOUT,
    ENRICHED_FIELDS,
    MANIFEST,
    MANIFEST_LAYOUT,
    RAW_EVENTS,
    RAW_EVENTS_LAYOUT,
    Field,
    Kind,
    bigquery_schema,
    dbt_source_yaml,
    tsv_name,
)

ROOT = Path(__file__).resolve().parents[2]
CANONICAL = ROOT / "tests" / "conformance" / "enriched_fields.txt"
DBT_SOURCES = ROOT / "transform" / "models" / "staging" / "_snowplow__sources.yml"


def _canonical() -> list[list[str]]:
    rows = [line.split("\t") for line in CANONICAL.read_text().splitlines()]
    return [row for row in rows if row[0].isdigit() and row[2] != "-"]


def test_fields_follow_the_canonical_order_and_names() -> None:
    canonical = _canonical()
    assert len(ENRICHED_FIELDS) == len(canonical) == 131
    for index, (field, row) in enumerate(zip(ENRICHED_FIELDS, canonical, strict=True)):
        assert (index, tsv_name(field)) == (int(row[0]), row[1])


def test_types_follow_the_canonical_warehouse_types() -> None:
    expected = {
        "STRING": {Kind.STRING, Kind.UUID}, "INT64": {Kind.INT}, "FLOAT64": {Kind.DOUBLE},
        "NUMERIC(18,2)": {Kind.MONEY}, "BOOL": {Kind.BOOL}, "TIMESTAMP": {Kind.TSTAMP},
    }  # fmt: skip
    for field, row in zip(ENRICHED_FIELDS, _canonical(), strict=True):
        warehouse = row[4].split(" ")[0]
        if warehouse == "(no":  # self-describing JSON: shredded by Snowplow, JSON here
            assert field.kind is Kind.JSON, field.name
        else:
            assert field.kind in expected[warehouse], field.name
        assert field.required == row[4].endswith("REQUIRED"), field.name


@pytest.mark.parametrize(
    ("table", "fields"),
    [("raw_events", RAW_EVENTS), ("raw_events_bad_rows", BAD_ROWS), ("load_manifest", MANIFEST)],
)
def test_embedded_tables_have_the_contract_columns(
    tmp_path: Path, table: str, fields: tuple[Field, ...]
) -> None:
    with duckdb.connect(str(tmp_path / "db.duckdb")) as db:
        for statement in duckdb_sql.DDL:
            db.execute(statement)
        columns = db.execute(
            "SELECT column_name, data_type, is_nullable FROM information_schema.columns "
            "WHERE table_name = ? ORDER BY ordinal_position",
            [table],
        ).fetchall()
    assert columns == [(f.name, f.duckdb_type, "NO" if f.required else "YES") for f in fields]


def test_infra_table_specs_are_the_contract() -> None:
    layouts = (RAW_EVENTS_LAYOUT, BAD_ROWS_LAYOUT, MANIFEST_LAYOUT)
    assert [spec.table_id for spec in LOADER_TABLES] == [
        "raw_events",
        "raw_events_bad_rows",
        "load_manifest",
    ]
    for spec, layout in zip(LOADER_TABLES, layouts, strict=True):
        assert json.loads(spec.schema_json) == bigquery_schema(layout.fields)
        names = [f.name for f in layout.fields]
        assert spec.partition_field is None or spec.partition_field in names
        assert set(spec.clustering) <= set(names)
    assert [column["name"] for column in bigquery_schema()] == [f.name for f in RAW_EVENTS]
    assert LOADER_TABLES[0].partition_field == "load_tstamp"


def test_dbt_sources_are_generated_from_the_contract() -> None:
    assert DBT_SOURCES.read_text() == dbt_source_yaml(), "run `make contract` and commit"

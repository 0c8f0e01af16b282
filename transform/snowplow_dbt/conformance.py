"""Import Snowplow's dbt-snowplow-web 0.15.2 test events into raw_events.

The source file is not enriched TSV but the BigQuery loader's layout: one column per
atomic field (booleans written true/false) plus one JSON-array column per
self-describing schema. Each row becomes a raw_events row as the loader would write it:
the tracker's web_page context goes into ``contexts`` and the enrichments' contexts
(ua_parser, yauaa, IAB spiders and robots) into ``derived_contexts``, each wrapped in
Snowplow's contexts envelope; the unstructured event goes into ``unstruct_event``
inside the unstruct_event envelope.

Deliberate relaxation: 25 of the 160 events carry event_ids that are not UUIDs (this
data never went through a loader). The loader refuses those, as Snowplow's own loaders
do, so this import writes raw_events directly instead of going through the loader's
validation. Every other column keeps the contract's type.

Load times: the events are split into ``slices`` parts in collector_tstamp order, and
every event of a part gets the same load_tstamp, ten minutes after the part's last
collector_tstamp, as if each part had arrived in one file. Loading all parts at once or
part by part therefore gives byte-identical raw rows.
"""

import os
from dataclasses import dataclass
from pathlib import Path

import duckdb
from snowplow_loader.contract import RAW_EVENTS, Field, Kind
from snowplow_loader.duckdb_sql import DDL, RAW_EVENTS_TABLE

REPO_ROOT = Path(__file__).resolve().parents[2]
CONFORMANCE_DIR = Path(
    os.environ.get(
        "SNOWPLOW_CONFORMANCE_DIR",
        REPO_ROOT / "tests" / "conformance" / "snowplow-web-0.15.2",
    )
)
SOURCE_CSV = CONFORMANCE_DIR / "source" / "snowplow_web_events.csv"
EXPECTED_SESSIONS = CONFORMANCE_DIR / "expected" / "bigquery" / "snowplow_web_sessions_expected.csv"
EXPECTED_PAGE_VIEWS = CONFORMANCE_DIR / "expected" / "snowplow_web_page_views_expected.csv"
EXPECTED_USERS = CONFORMANCE_DIR / "expected" / "snowplow_web_users_expected.csv"
EXPECTED_QUARANTINED = (
    CONFORMANCE_DIR / "expected" / "snowplow_web_base_quarantined_sessions_expected.csv"
)
FILE_KEY = "conformance://snowplow-web-0.15.2/source/snowplow_web_events.csv"
STAGED = "conformance_events"

CONTEXTS_SCHEMA = "iglu:com.snowplowanalytics.snowplow/contexts/jsonschema/1-0-0"
UNSTRUCT_SCHEMA = "iglu:com.snowplowanalytics.snowplow/unstruct_event/jsonschema/1-0-0"


@dataclass(frozen=True)
class Entity:
    """A self-describing JSON column of the BigQuery layout and where it belongs."""

    column: str
    schema: str
    target: str  # contexts | derived_contexts | unstruct_event


ENTITIES = (
    Entity(
        "contexts_com_snowplowanalytics_snowplow_web_page_1_0_0",
        "iglu:com.snowplowanalytics.snowplow/web_page/jsonschema/1-0-0",
        "contexts",
    ),
    Entity(
        "contexts_com_snowplowanalytics_snowplow_ua_parser_context_1_0_0",
        "iglu:com.snowplowanalytics.snowplow/ua_parser_context/jsonschema/1-0-0",
        "derived_contexts",
    ),
    Entity(
        "contexts_nl_basjes_yauaa_context_1_0_0",
        "iglu:nl.basjes/yauaa_context/jsonschema/1-0-0",
        "derived_contexts",
    ),
    Entity(
        "contexts_com_iab_snowplow_spiders_and_robots_1_0_0",
        "iglu:com.iab.snowplow/spiders_and_robots/jsonschema/1-0-0",
        "derived_contexts",
    ),
    Entity(
        "unstruct_event_com_snowplowanalytics_snowplow_consent_preferences_1_0_0",
        "iglu:com.snowplowanalytics.snowplow/consent_preferences/jsonschema/1-0-0",
        "unstruct_event",
    ),
    Entity(
        "unstruct_event_com_snowplowanalytics_snowplow_cmp_visible_1_0_0",
        "iglu:com.snowplowanalytics.snowplow/cmp_visible/jsonschema/1-0-0",
        "unstruct_event",
    ),
)


def _quote(text: str) -> str:
    return "'" + text.replace("'", "''") + "'"


def _entities_list(entity: Entity) -> str:
    """The column's JSON array as a list of self-describing entities (empty when NULL).

    The 65 consent_accel rows hold their web_page array nested twice ([[{"id": ...}]]);
    the inner array is the one meant, so it is unwrapped.
    """
    array = (
        f"case when json_type(json({entity.column}), '$[0]') = 'ARRAY' "
        f"then json({entity.column}) -> '$[0]' else json({entity.column}) end"
    )
    return (
        f"coalesce(list_transform(cast({array} as json[]), "
        f"entity -> json_object('schema', {_quote(entity.schema)}, 'data', entity)), [])"
    )


def _contexts(target: str) -> str:
    parts = [_entities_list(e) for e in ENTITIES if e.target == target]
    joined = parts[0] if len(parts) == 1 else f"list_concat({', '.join(parts)})"
    return (
        f"case when len({joined}) > 0 then "
        f"json_object('schema', {_quote(CONTEXTS_SCHEMA)}, 'data', {joined}) end"
    )


def _unstruct_event() -> str:
    cases = " ".join(
        f"when {e.column} is not null then json_object('schema', {_quote(UNSTRUCT_SCHEMA)}, "
        f"'data', json_object('schema', {_quote(e.schema)}, "
        f"'data', cast(json({e.column}) as json[])[1]))"
        for e in ENTITIES
        if e.target == "unstruct_event"
    )
    return f"case {cases} end"


def _field(field: Field) -> str:
    match field.name:
        case "contexts" | "derived_contexts":
            return _contexts(field.name)
        case "unstruct_event":
            return _unstruct_event()
        case "load_tstamp":
            return "load_tstamp_of_slice"
        case "load_file_key":
            return f"{_quote(FILE_KEY)} || '#slice=' || cast(load_slice as varchar)"
    if field.kind in (Kind.STRING, Kind.UUID):
        return field.name
    return f"cast({field.name} as {field.duckdb_type})"


def stage(connection: duckdb.DuckDBPyConnection, slices: int = 4, source: Path = SOURCE_CSV) -> int:
    """Read the source CSV into a temp table of raw_events rows plus `load_slice`.

    Returns the number of events staged.
    """
    if not source.exists():
        raise FileNotFoundError(f"{source}: conformance data not found")
    known = {e.column for e in ENTITIES}
    header = connection.execute(
        "select * from read_csv(?, all_varchar = true, header = true) limit 0", [str(source)]
    ).description
    names = {column[0] for column in header or []}
    unknown = {n for n in names if n.startswith(("contexts_", "unstruct_event_"))} - known
    if unknown:
        raise ValueError(f"unmapped self-describing columns: {sorted(unknown)}")
    select = ",\n    ".join(f"{_field(f)} as {f.name}" for f in RAW_EVENTS)
    connection.execute(
        f"""
        create or replace temp table {STAGED} as
        with source as (
            select * exclude (load_tstamp)
            from read_csv(?, all_varchar = true, header = true)
        ),
        sliced as (
            select *,
                ntile({slices}) over (
                    order by cast(collector_tstamp as timestamp), event_id, dvce_sent_tstamp
                ) - 1 as load_slice
            from source
        ),
        timed as (
            select *,
                max(cast(collector_tstamp as timestamp)) over (partition by load_slice)
                    + interval 10 minute as load_tstamp_of_slice
            from sliced
        )
        select
            {select},
            load_slice
        from timed
        """,
        [str(source)],
    )
    (count,) = connection.execute(f"select count(*) from {STAGED}").fetchone() or (0,)
    return int(count)


def insert_slices(connection: duckdb.DuckDBPyConnection, slices: list[int]) -> int:
    """Append the staged events of the given slices to raw_events (created if missing)."""
    for statement in DDL:
        connection.execute(statement)
    columns = ", ".join(f.name for f in RAW_EVENTS)
    placeholders = ", ".join("?" for _ in slices)
    before = _count(connection)
    connection.execute(
        f"insert into {RAW_EVENTS_TABLE} ({columns}) "
        f"select {columns} from {STAGED} where load_slice in ({placeholders})",
        slices,
    )
    return _count(connection) - before


def _count(connection: duckdb.DuckDBPyConnection) -> int:
    (count,) = connection.execute(f"select count(*) from {RAW_EVENTS_TABLE}").fetchone() or (0,)
    return int(count)


def import_events(database: Path, slices: list[int] | None = None, parts: int = 4) -> int:
    """Write the conformance events (all, or only some slices) into `database`'s raw_events."""
    database.parent.mkdir(parents=True, exist_ok=True)
    with duckdb.connect(str(database)) as connection:
        stage(connection, parts)
        return insert_slices(connection, list(range(parts)) if slices is None else slices)

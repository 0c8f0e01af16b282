"""The raw_events contract: the one declaration of what a loaded Snowplow event looks like.

Every consumer reads this module instead of keeping its own copy: the loader (parsing
and validation), the CDKTF BigQuery table (``bigquery_schema``) and the dbt sources
(``transform/models/staging/_snowplow__sources.yml`` is generated from it and a test
fails when the two drift). The loader's two bookkeeping tables, bad rows and the file
manifest, are declared here too, once for both engines.

The 131 fields are Snowplow's canonical enriched TSV layout, in order. Names are the
warehouse column names: the TSV's ``refr_device_tstamp`` is ``refr_dvce_tstamp`` here,
as in Snowplow's loaders. Self-describing JSON fields stay whole, as JSON columns, so
the models can extract any schema without a loader change.
"""

from dataclasses import dataclass
from enum import StrEnum


class Kind(StrEnum):
    """How a TSV field is decoded; each kind has one validation rule (see ``rules``)."""

    STRING = "string"
    INT = "int"
    DOUBLE = "double"
    MONEY = "money"
    BOOL = "bool"
    TSTAMP = "tstamp"
    UUID = "uuid"
    JSON = "json"


@dataclass(frozen=True)
class Field:
    """One raw_events column: its name, how it is decoded and whether it may be empty."""

    name: str
    kind: Kind
    required: bool = False
    description: str = ""
    repeated: bool = False  # a list of values (BigQuery REPEATED, a DuckDB list)

    @property
    def duckdb_type(self) -> str:
        return _DUCKDB_TYPES[self.kind] + ("[]" if self.repeated else "")

    @property
    def bigquery_type(self) -> str:
        return _BIGQUERY_TYPES[self.kind]

    @property
    def bigquery_mode(self) -> str:
        return "REPEATED" if self.repeated else "REQUIRED" if self.required else "NULLABLE"


_DUCKDB_TYPES = {
    Kind.STRING: "VARCHAR",
    Kind.UUID: "VARCHAR",
    Kind.INT: "BIGINT",
    Kind.DOUBLE: "DOUBLE",
    Kind.MONEY: "DECIMAL(18,2)",
    Kind.BOOL: "BOOLEAN",
    Kind.TSTAMP: "TIMESTAMP",
    Kind.JSON: "JSON",
}
_BIGQUERY_TYPES = {
    Kind.STRING: "STRING",
    Kind.UUID: "STRING",
    Kind.INT: "INT64",
    Kind.DOUBLE: "FLOAT64",
    Kind.MONEY: "NUMERIC",
    Kind.BOOL: "BOOL",
    Kind.TSTAMP: "TIMESTAMP",
    Kind.JSON: "JSON",
}

# One-letter aliases keep the 131-row layout below readable as a table.
S, N, D, M, B, T, J = (
    Kind.STRING,
    Kind.INT,
    Kind.DOUBLE,
    Kind.MONEY,
    Kind.BOOL,
    Kind.TSTAMP,
    Kind.JSON,
)

# (name, kind) in canonical TSV order; required fields are marked below.
_LAYOUT: tuple[tuple[str, Kind], ...] = (
    ("app_id", S), ("platform", S), ("etl_tstamp", T), ("collector_tstamp", T),
    ("dvce_created_tstamp", T), ("event", S), ("event_id", Kind.UUID), ("txn_id", N),
    ("name_tracker", S), ("v_tracker", S), ("v_collector", S), ("v_etl", S),
    ("user_id", S), ("user_ipaddress", S), ("user_fingerprint", S), ("domain_userid", S),
    ("domain_sessionidx", N), ("network_userid", S), ("geo_country", S), ("geo_region", S),
    ("geo_city", S), ("geo_zipcode", S), ("geo_latitude", D), ("geo_longitude", D),
    ("geo_region_name", S), ("ip_isp", S), ("ip_organization", S), ("ip_domain", S),
    ("ip_netspeed", S), ("page_url", S), ("page_title", S), ("page_referrer", S),
    ("page_urlscheme", S), ("page_urlhost", S), ("page_urlport", N), ("page_urlpath", S),
    ("page_urlquery", S), ("page_urlfragment", S), ("refr_urlscheme", S), ("refr_urlhost", S),
    ("refr_urlport", N), ("refr_urlpath", S), ("refr_urlquery", S), ("refr_urlfragment", S),
    ("refr_medium", S), ("refr_source", S), ("refr_term", S), ("mkt_medium", S),
    ("mkt_source", S), ("mkt_term", S), ("mkt_content", S), ("mkt_campaign", S),
    ("contexts", J), ("se_category", S), ("se_action", S), ("se_label", S),
    ("se_property", S), ("se_value", D), ("unstruct_event", J), ("tr_orderid", S),
    ("tr_affiliation", S), ("tr_total", M), ("tr_tax", M), ("tr_shipping", M),
    ("tr_city", S), ("tr_state", S), ("tr_country", S), ("ti_orderid", S),
    ("ti_sku", S), ("ti_name", S), ("ti_category", S), ("ti_price", M),
    ("ti_quantity", N), ("pp_xoffset_min", N), ("pp_xoffset_max", N), ("pp_yoffset_min", N),
    ("pp_yoffset_max", N), ("useragent", S), ("br_name", S), ("br_family", S),
    ("br_version", S), ("br_type", S), ("br_renderengine", S), ("br_lang", S),
    ("br_features_pdf", B), ("br_features_flash", B), ("br_features_java", B),
    ("br_features_director", B), ("br_features_quicktime", B), ("br_features_realplayer", B),
    ("br_features_windowsmedia", B), ("br_features_gears", B), ("br_features_silverlight", B),
    ("br_cookies", B), ("br_colordepth", S), ("br_viewwidth", N), ("br_viewheight", N),
    ("os_name", S), ("os_family", S), ("os_manufacturer", S), ("os_timezone", S),
    ("dvce_type", S), ("dvce_ismobile", B), ("dvce_screenwidth", N), ("dvce_screenheight", N),
    ("doc_charset", S), ("doc_width", N), ("doc_height", N), ("tr_currency", S),
    ("tr_total_base", M), ("tr_tax_base", M), ("tr_shipping_base", M), ("ti_currency", S),
    ("ti_price_base", M), ("base_currency", S), ("geo_timezone", S), ("mkt_clickid", S),
    ("mkt_network", S), ("etl_tags", S), ("dvce_sent_tstamp", T), ("refr_domain_userid", S),
    ("refr_dvce_tstamp", T), ("derived_contexts", J), ("domain_sessionid", S),
    ("derived_tstamp", T), ("event_vendor", S), ("event_name", S), ("event_format", S),
    ("event_version", S), ("event_fingerprint", S), ("true_tstamp", T),
)  # fmt: skip

# Snowplow's loaders refuse an event without these (REQUIRED columns in BigQuery).
REQUIRED = frozenset({"collector_tstamp", "event_id", "v_collector", "v_etl"})

ENRICHED_FIELDS: tuple[Field, ...] = tuple(
    Field(name, kind, required=name in REQUIRED) for name, kind in _LAYOUT
)
"""The 131 enriched TSV fields, in file order."""

# The TSV (and Snowplow's docs and Python SDK) spell one field differently.
TSV_NAMES: dict[str, str] = {"refr_dvce_tstamp": "refr_device_tstamp"}

LOAD_METADATA: tuple[Field, ...] = (
    Field("load_tstamp", T, required=True, description="When the loader wrote the row (UTC)."),
    Field(
        "load_file_key",
        S,
        required=True,
        description="The source file's idempotency key (path, or bucket/name#generation).",
    ),
)
"""Columns the loader adds; raw_events is partitioned by day of load_tstamp."""

RAW_EVENTS: tuple[Field, ...] = ENRICHED_FIELDS + LOAD_METADATA
"""Every raw_events column, in table order."""


def tsv_name(field: Field) -> str:
    """The field's name in Snowplow's TSV documentation (used in bad-row messages)."""
    return TSV_NAMES.get(field.name, field.name)


BAD_ROWS: tuple[Field, ...] = (
    Field("file_key", S, required=True),
    Field("line_number", N, required=True),
    Field("reason", S, required=True, description="Typed, as Snowplow's loader parsing errors."),
    Field("error_fields", S, repeated=True, description="The fields that failed."),
    Field("message", S, required=True),
    Field("payload", S, description="The line itself."),
    Field("load_tstamp", T, required=True),
)
"""raw_events_bad_rows: one row per line that could not load, with its typed reason."""

MANIFEST: tuple[Field, ...] = (
    Field("file_key", S, required=True),
    Field("path", S, required=True),
    Field("bytes", N, required=True),
    Field("status", S, required=True),
    Field("rows_in", N, required=True),
    Field("rows_loaded", N, required=True),
    Field("rows_bad", N, required=True),
    Field("blank_lines", N, required=True),
    Field("reason", S),
    Field("load_tstamp", T, required=True),
    Field("seconds", D, required=True),
)
"""load_manifest: one row per file (generation) the loader finished, whatever its outcome."""

CLOUD_MANIFEST: tuple[Field, ...] = (
    *MANIFEST,
    Field("generation", N, required=True, description="The GCS object generation."),
    Field("job_id", S, required=True, description="The BigQuery job that wrote the row."),
)
"""load_manifest on BigQuery: the same, plus where the row came from. A file recorded
``failed`` keeps that row when a replay later loads it: one row per failed run, then the
row that settles it (``results.SETTLED``)."""


@dataclass(frozen=True)
class TableLayout:
    """A loader table as BigQuery holds it: columns, day partitions, clustering.

    The function's ``tables.ensure`` and the CDKTF warehouse both build from these.
    """

    name: str
    fields: tuple[Field, ...]
    partition: str | None  # a TIMESTAMP column: one partition per day of it
    clustering: tuple[str, ...]


RAW_EVENTS_LAYOUT = TableLayout("raw_events", RAW_EVENTS, "load_tstamp", ("event_name",))
BAD_ROWS_LAYOUT = TableLayout("raw_events_bad_rows", BAD_ROWS, "load_tstamp", ("file_key",))
MANIFEST_LAYOUT = TableLayout("load_manifest", CLOUD_MANIFEST, None, ("file_key",))


def bigquery_schema(fields: tuple[Field, ...] = RAW_EVENTS) -> list[dict[str, str]]:
    """A table as a BigQuery JSON schema, the form the CDKTF table and `bq` both take."""
    return [
        {
            "name": f.name,
            "type": f.bigquery_type,
            "mode": f.bigquery_mode,
            **({"description": f.description} if f.description else {}),
        }
        for f in fields
    ]


def duckdb_columns(fields: tuple[Field, ...]) -> str:
    """The column list of a DuckDB CREATE TABLE."""
    return ", ".join(f"{f.name} {f.duckdb_type}{' NOT NULL' if f.required else ''}" for f in fields)


def dbt_source_yaml(source_name: str = "snowplow", table: str = "raw_events") -> str:
    """The dbt sources file for raw_events (written by `make contract`, checked by a test).

    Plain text rather than a YAML library: the file is committed, and its exact bytes
    are what the drift test compares.
    """
    lines = [
        "# Generated from functions/snowplow_loader/contract.py by `make contract`: do not edit.",
        "version: 2",
        "",
        "sources:",
        f"  - name: {source_name}",
        "    schema: \"{{ env_var('SNOWPLOW_DATASET', target.schema) }}\"",
        "    description: Snowplow enriched events as the loader wrote them, one row per event.",
        "    config:",
        "      # off when the models read a BigQuery Loader table instead (macros/events.sql)",
        "      enabled: \"{{ var('snowplow__events_source', env_var('SNOWPLOW_EVENTS_SOURCE',"
        " 'raw_events')) == 'raw_events' }}\"",
        "      loaded_at_field: load_tstamp",
        "      freshness:",
        "        warn_after: {count: 26, period: hour}",
        "        error_after: {count: 50, period: hour}",
        "    tables:",
        f"      - name: {table}",
        "        description: The 131 canonical enriched fields plus load metadata.",
        "        columns:",
    ]
    for f in RAW_EVENTS:
        lines.append(f"          - name: {f.name}")
        lines.append(f"            data_type: {f.duckdb_type.lower()}")
        if f.required:
            lines.append("            data_tests: [not_null]")
    return "\n".join(lines) + "\n"

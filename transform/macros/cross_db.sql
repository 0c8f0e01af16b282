{#-
  Cross-engine SQL the models need beyond dbt's own cross-database macros. Each macro
  dispatches to a DuckDB and a BigQuery implementation; both return the same types
  (TIMESTAMP stays TIMESTAMP: dbt.dateadd would give DATETIME on BigQuery).
-#}

{#- The value at `path` inside the first entity of a self-describing contexts array whose
    schema starts with `schema_prefix`, as a string (NULL when absent). `json_column` holds
    {"schema": ".../contexts/jsonschema/1-0-0", "data": [{"schema": ..., "data": {...}}]}.
    On a Snowplow BigQuery Loader table the same value comes from the entity's own column
    (events.sql). -#}
{% macro snowplow_context_value(json_column, schema_prefix, path) -%}
  {%- if snowplow_events_layout() == 'bigquery_loader' -%}
    {{ return(snowplow_loader_entity_value(json_column, schema_prefix, path)) }}
  {%- endif -%}
  {{ return(adapter.dispatch('snowplow_context_value')(json_column, schema_prefix, path)) }}
{%- endmacro %}

{% macro duckdb__snowplow_context_value(json_column, schema_prefix, path) -%}
  {#- from_json with a target structure parses each document once, and only those fields -#}
  (list_filter(
      from_json({{ json_column }}, '{"data": [{"schema": "VARCHAR", "data": {"{{ path }}": "VARCHAR"}}]}').data,
      entity -> starts_with(entity.schema, '{{ schema_prefix }}')
  )[1].data."{{ path }}")
{%- endmacro %}

{% macro bigquery__snowplow_context_value(json_column, schema_prefix, path) -%}
  (select json_value(entity, '$.data.{{ path }}')
     from unnest(json_query_array({{ json_column }}, '$.data')) as entity with offset as position
    where starts_with(json_value(entity, '$.schema'), '{{ schema_prefix }}')
    order by position
    limit 1)
{%- endmacro %}

{#- Whole seconds from `start` to `end`, truncated (BigQuery's TIMESTAMP_DIFF semantics). -#}
{% macro snowplow_seconds_between(start, end) -%}
  {{ return(adapter.dispatch('snowplow_seconds_between')(start, end)) }}
{%- endmacro %}

{% macro duckdb__snowplow_seconds_between(start, end) -%}
  cast(trunc((epoch_us({{ end }}) - epoch_us({{ start }})) / 1000000) as bigint)
{%- endmacro %}

{% macro bigquery__snowplow_seconds_between(start, end) -%}
  timestamp_diff({{ end }}, {{ start }}, second)
{%- endmacro %}

{#- The index of the `seconds`-wide time bucket holding `tstamp` (floor of epoch / width). -#}
{% macro snowplow_time_bucket(tstamp, seconds) -%}
  {{ return(adapter.dispatch('snowplow_time_bucket')(tstamp, seconds)) }}
{%- endmacro %}

{% macro duckdb__snowplow_time_bucket(tstamp, seconds) -%}
  floor(epoch_ms({{ tstamp }}) / ({{ seconds }} * 1000))
{%- endmacro %}

{% macro bigquery__snowplow_time_bucket(tstamp, seconds) -%}
  floor(unix_millis({{ tstamp }}) / ({{ seconds }} * 1000))
{%- endmacro %}

{#- `tstamp` plus a whole number of seconds (may be negative), still a TIMESTAMP. -#}
{% macro snowplow_add_seconds(tstamp, seconds) -%}
  {{ return(adapter.dispatch('snowplow_add_seconds')(tstamp, seconds)) }}
{%- endmacro %}

{% macro duckdb__snowplow_add_seconds(tstamp, seconds) -%}
  ({{ tstamp }} + to_seconds(cast({{ seconds }} as bigint)))
{%- endmacro %}

{% macro bigquery__snowplow_add_seconds(tstamp, seconds) -%}
  timestamp_add({{ tstamp }}, interval {{ seconds }} second)
{%- endmacro %}

{#- `tstamp` plus a whole number of days (of 24 hours), still a TIMESTAMP. -#}
{% macro snowplow_add_days(tstamp, days) -%}
  {{ snowplow_add_seconds(tstamp, '(' ~ days ~ ') * 86400') }}
{%- endmacro %}

{#- Monday of the ISO week holding `day` (a DATE). -#}
{% macro snowplow_week_start(day) -%}
  {{ return(adapter.dispatch('snowplow_week_start')(day)) }}
{%- endmacro %}

{% macro duckdb__snowplow_week_start(day) -%}
  cast(date_trunc('week', {{ day }}) as date)
{%- endmacro %}

{% macro bigquery__snowplow_week_start(day) -%}
  date_trunc({{ day }}, isoweek)
{%- endmacro %}

{#- Whole days from date `start` to date `end`. -#}
{% macro snowplow_days_between(start, end) -%}
  {{ return(adapter.dispatch('snowplow_days_between')(start, end)) }}
{%- endmacro %}

{% macro duckdb__snowplow_days_between(start, end) -%}
  date_diff('day', {{ start }}, {{ end }})
{%- endmacro %}

{% macro bigquery__snowplow_days_between(start, end) -%}
  date_diff({{ end }}, {{ start }}, day)
{%- endmacro %}

{#- A TIMESTAMP literal (UTC) from a 'YYYY-MM-DD HH:MM:SS[.ffffff]' string. -#}
{% macro snowplow_timestamp_literal(value) -%}
  timestamp '{{ value }}'
{%- endmacro %}

{#- A stable text key from several columns (NULLs allowed), for composite primary keys. -#}
{% macro snowplow_surrogate_key(columns) -%}
  {%- set parts = [] -%}
  {%- for column in columns -%}
    {%- do parts.append("coalesce(cast(" ~ column ~ " as " ~ dbt.type_string() ~ "), '<null>')") -%}
    {%- if not loop.last %}{% do parts.append("'|'") %}{% endif -%}
  {%- endfor -%}
  {{ dbt.hash(dbt.concat(parts)) }}
{%- endmacro %}

{#- numerator / denominator as a float, NULL when the denominator is 0 or NULL. -#}
{% macro snowplow_safe_ratio(numerator, denominator) -%}
  case when {{ denominator }} is null or {{ denominator }} = 0 then null
       else cast({{ numerator }} as {{ dbt.type_float() }}) / {{ denominator }} end
{%- endmacro %}

{#- BigQuery table layout; other engines ignore it (dbt-duckdb reads partition_by as a
    DuckLake setting, so it must not be set there). -#}
{% macro snowplow_partition_by(field, data_type='timestamp') -%}
  {{ return({'field': field, 'data_type': data_type, 'granularity': 'day'} if target.type == 'bigquery' else none) }}
{%- endmacro %}

{% macro snowplow_cluster_by(columns) -%}
  {{ return(columns if target.type == 'bigquery' else none) }}
{%- endmacro %}

{#- True when the string `value` contains a match of the regular expression `pattern`
    (RE2 syntax on both engines; NULL when `value` is NULL). -#}
{% macro snowplow_regexp_contains(value, pattern) -%}
  {{ return(adapter.dispatch('snowplow_regexp_contains')(value, pattern)) }}
{%- endmacro %}

{% macro duckdb__snowplow_regexp_contains(value, pattern) -%}
  regexp_matches({{ value }}, '{{ pattern }}')
{%- endmacro %}

{% macro bigquery__snowplow_regexp_contains(value, pattern) -%}
  regexp_contains({{ value }}, r'{{ pattern }}')
{%- endmacro %}

{#- A WHERE condition on `relation`: its rows matching `condition`. When those rows are
    few but spread over all of a DuckDB table's row groups (stored copies of this run's
    event_ids after a full refresh), a plain filter decompresses every column of every
    row group; finding the row ids on the condition's columns first, then fetching those
    rows whole, keeps the lookup flat in the table's size. BigQuery reads columns, not
    row groups: there it is the condition itself. -#}
{% macro snowplow_rows_where(relation, condition) -%}
  {{ return(adapter.dispatch('snowplow_rows_where')(relation, condition)) }}
{%- endmacro %}

{% macro duckdb__snowplow_rows_where(relation, condition) -%}
  rowid in (select rowid from {{ relation }} where {{ condition }})
{%- endmacro %}

{% macro bigquery__snowplow_rows_where(relation, condition) -%}
  {{ condition }}
{%- endmacro %}

{#- A DOUBLE / FLOAT64 (dbt.type_float is a 4-byte FLOAT on DuckDB). -#}
{% macro snowplow_type_double() -%}
  {{ return(adapter.dispatch('snowplow_type_double')()) }}
{%- endmacro %}

{% macro duckdb__snowplow_type_double() -%}double{%- endmacro %}

{% macro bigquery__snowplow_type_double() -%}float64{%- endmacro %}

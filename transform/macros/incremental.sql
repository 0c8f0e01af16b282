{#-
  Incremental processing (SEMANTICS.md, "Incremental runs"): the session is the unit of work.

  Every bound a model filters a partitioned table with is computed by a query of its own
  *before* the model's query runs, and then written into the SQL as a literal, so that
  BigQuery prunes partitions (it cannot prune on a subquery or on a wrapped column).
-#}

{#- The first cell of the first row of `sql`, or none (also at parse time). -#}
{% macro snowplow_query_value(sql) %}
  {% if not execute %}{{ return(none) }}{% endif %}
  {% set result = run_query(sql) %}
  {% if result is none or (result.rows | length) == 0 %}{{ return(none) }}{% endif %}
  {{ return(result.rows[0][0]) }}
{% endmacro %}

{#- A timestamp query result as a literal string ('YYYY-MM-DD HH:MM:SS.ffffff', UTC). -#}
{% macro snowplow_tstamp_string(value) %}
  {% if value is none %}{{ return(none) }}{% endif %}
  {{ return(value.strftime('%Y-%m-%d %H:%M:%S.%f')) }}
{% endmacro %}

{#- min/max(...) of a query as a timestamp literal string, or none. -#}
{% macro snowplow_query_tstamp(sql) %}
  {{ return(snowplow_tstamp_string(snowplow_query_value(sql))) }}
{% endmacro %}

{#- The relation of another model of this project, without a ref (so no DAG edge): used
    to read the previous run's state of models that run later in the DAG. -#}
{% macro snowplow_existing_relation(name) %}
  {{ return(adapter.get_relation(database=this.database, schema=this.schema, identifier=name)) }}
{% endmacro %}

{#-
  This run's window over loaded events: {'lower': literal or none}.
  lower = the upper load_tstamp of the last successful run (int_snowplow__incremental_manifest,
  written after every mart built) minus the look-back. none means "process everything":
  first run, --full-refresh, or any incremental model missing.
-#}
{% macro snowplow_run_window() %}
  {% set full = {'lower': none} %}
  {% if not execute or flags.FULL_REFRESH %}{{ return(full) }}{% endif %}
  {% for name in ['int_snowplow__incremental_manifest', 'int_snowplow__session_lifecycle',
                  'fct_sessions', 'fct_page_views'] %}
    {% if snowplow_existing_relation(name) is none %}{{ return(full) }}{% endif %}
  {% endfor %}
  {% set manifest = snowplow_existing_relation('int_snowplow__incremental_manifest') %}
  {% set lower = snowplow_query_tstamp(
      "select " ~ snowplow_add_seconds('max(upper_load_tstamp)', -3600 * var('snowplow__lookback_hours'))
      ~ " from " ~ manifest) %}
  {{ return({'lower': lower}) }}
{% endmacro %}

{#- SQL condition: `column` is inside the run window (true in a full run). -#}
{% macro snowplow_in_window(column, window) -%}
  {%- if window.lower is none -%} true
  {%- else -%} {{ column }} > {{ snowplow_timestamp_literal(window.lower) }}
  {%- endif -%}
{%- endmacro %}

{#- Optional global lower bound on raw load_tstamp (var snowplow__start_load_tstamp). -#}
{% macro snowplow_start_filter(column) -%}
  {%- if var('snowplow__start_load_tstamp') -%}
    {{ column }} >= {{ snowplow_timestamp_literal(var('snowplow__start_load_tstamp')) }}
  {%- else -%} true
  {%- endif -%}
{%- endmacro %}

{#-
  stg_snowplow__events reads raw rows loaded after its own high-water mark minus the
  look-back. Earlier copies of the same event_ids can only have been collected (so loaded)
  at most days_late_allowed (+1 day of margin) before the earliest new row was collected:
  copies of one event share dvce_created_tstamp and are sent within days_late_allowed of
  it. These two literals bound the raw scan and the lookup of stored copies.
-#}
{% macro snowplow_stg_lower() %}
  {{ return(snowplow_query_tstamp(
      "select " ~ snowplow_add_seconds('max(load_tstamp)', -3600 * var('snowplow__lookback_hours'))
      ~ " from " ~ this)) }}
{% endmacro %}

{% macro snowplow_stg_copies_from(lower) %}
  {{ return(snowplow_query_tstamp(
      "select " ~ snowplow_add_days('min(collector_tstamp)', -(var('snowplow__days_late_allowed') + 1))
      ~ " from " ~ snowplow_events()
      ~ " where load_tstamp > " ~ snowplow_timestamp_literal(lower)
      ~ " and " ~ snowplow_start_filter('load_tstamp'))) }}
{% endmacro %}

{#-
  Incremental strategy "replace": delete the target rows whose key is in this run's key
  set, then insert this run's rows, in one transaction. The model config
  `meta.snowplow_replace` says:
    key          column identifying the unit of work (event_id, domain_sessionid)
    keys_from    model holding the key set (default: the model's own new rows); a session
                 processed this run whose rows vanish (e.g. no longer a web session) is
                 deleted even though no new row replaces it
    bound        how to compute the literal lower bound on `bound_column`, the target's
                 partition column, that every replaced row satisfies ('none' for a table
                 without partitions: dim_users, clustered by its key)
    rebuild      what else a windowed rebuild (macros/rebuild.sql) deletes: 'events' (the
                 staging rows it reads again) or 'sessions' (every row of a rebuilt
                 session, so a session whose events are gone leaves)
    scope        instead of key/keys_from/bound: the rows to replace are those matching a
                 condition with literal bounds (analytics.sql, snowplow_replace_scope), so a
                 recomputed day or week whose rows vanished is emptied too
  DuckDB: custom strategy `snowplow_replace`. BigQuery: dbt-bigquery only accepts its own
  strategies, so the models use `merge` and bigquery__get_merge_sql below delegates here.
-#}
{% macro snowplow_replace_sql(target, source, dest_columns, spec) %}
  {%- set columns = dest_columns | map(attribute='quoted') | join(', ') -%}
  {%- if spec.get('scope') -%}
  delete from {{ target }} where {{ snowplow_replace_scope(spec.scope) }};
  {% else -%}
  {%- set keys_from = ref(spec.keys_from) if spec.get('keys_from') else source -%}
  {%- set rebuild = snowplow_rebuild() if spec.get('rebuild') else none -%}
  {%- set bound = snowplow_replace_bound(spec, keys_from, target, rebuild) -%}
  {%- set replaced -%}
    ({{ spec.key }} in (select {{ spec.key }} from {{ keys_from }} as keys_this_run)
    {%- if rebuild is not none and spec.rebuild == 'events' %}
     or {{ snowplow_in_rebuild_scan(rebuild) }}
    {%- elif rebuild is not none %}
     or {{ snowplow_in_rebuild('domain_sessionid') }}
    {%- endif %})
  {%- endset -%}
  {%- if spec.bound == 'none' -%}
  delete from {{ target }}
   where {{ replaced }};
  {% elif bound is not none -%}
  delete from {{ target }}
   where {{ spec.bound_column }} >= {{ snowplow_timestamp_literal(bound) }}
     and {{ replaced }};
  {% endif -%}
  {%- endif -%}
  insert into {{ target }} ({{ columns }})
  select {{ columns }} from {{ source }} as rows_this_run
{%- endmacro %}

{#- The literal lower bound of the rows to replace; none when the key set is empty. -#}
{% macro snowplow_replace_bound(spec, keys_from, target=none, rebuild=none) %}
  {% if spec.bound == 'none' %}
    {{ return(none) }}
  {% elif rebuild is not none and spec.bound == 'stg_copies' %}
    {{ return(rebuild.copies_from) }}
  {% elif rebuild is not none %}
    {#- the stored rows of rebuilt sessions may start anywhere (a session with one late
        event in the window): one query over the target finds the earliest -#}
    {{ return(snowplow_query_tstamp(
        "select " ~ snowplow_add_days('min(start_tstamp)', -1) ~ " from ("
        ~ " select start_tstamp from " ~ keys_from ~ " as keys_this_run"
        ~ " union all select start_tstamp from " ~ target
        ~ " where " ~ snowplow_in_rebuild('domain_sessionid') ~ ") as replaced")) }}
  {% elif spec.bound == 'stg_copies' %}
    {% set lower = snowplow_stg_lower() %}
    {% if lower is none %}{{ return(none) }}{% endif %}
    {{ return(snowplow_stg_copies_from(lower)) }}
  {% elif spec.bound == 'session_start' %}
    {#- replaced rows start no earlier than their session; a session's start only moves
        earlier as events arrive; one day of margin covers the page-ping shift. -#}
    {{ return(snowplow_query_tstamp(
        "select " ~ snowplow_add_days('min(start_tstamp)', -1) ~ " from " ~ keys_from ~ " as keys_this_run")) }}
  {% else %}
    {% do exceptions.raise_compiler_error("snowplow_replace: unknown bound " ~ spec.bound) %}
  {% endif %}
{% endmacro %}

{#- The strategy name a "replace" model sets in its config, per engine. -#}
{% macro snowplow_incremental_strategy() %}
  {{ return('merge' if target.type == 'bigquery' else 'snowplow_replace') }}
{% endmacro %}

{#- The model's replace spec (config meta.snowplow_replace), or none. -#}
{% macro snowplow_replace_spec() %}
  {{ return((config.get('meta') or {}).get('snowplow_replace')) }}
{% endmacro %}

{% macro get_incremental_snowplow_replace_sql(arg_dict) %}
  {% if snowplow_replace_spec() is none %}
    {% do exceptions.raise_compiler_error("strategy snowplow_replace needs config meta.snowplow_replace") %}
  {% endif %}
  {{ return(snowplow_replace_sql(
      arg_dict['target_relation'], arg_dict['temp_relation'], arg_dict['dest_columns'],
      snowplow_replace_spec())) }}
{% endmacro %}

{% macro bigquery__get_merge_sql(target, source, unique_key, dest_columns, incremental_predicates=none) %}
  {%- set spec = snowplow_replace_spec() -%}
  {%- if spec is none -%}
    {{ return(default__get_merge_sql(target, source, unique_key, dest_columns, incremental_predicates)) }}
  {%- endif -%}
  {%- set statements = snowplow_replace_sql(target, source, dest_columns, spec) -%}
  {{ return("begin transaction;\n" ~ statements ~ ";\ncommit transaction;") }}
{% endmacro %}

{#-
  Data tests scoped to the rows this run wrote (SEMANTICS.md, "Tests").

  Every data test of the project has `where: __rows_this_run__` (dbt_project.yml). dbt
  wraps the tested relation in `(select * from relation where <where>)` through
  get_where_subquery, overridden here: the placeholder becomes a condition selecting the
  rows this run wrote in that relation, with literal bounds computed when the test runs.
  Uniqueness across the whole table holds by construction: every incremental model
  replaces rows by its key (incremental.sql), and the four-slice test proves that
  incremental runs end where a full refresh does.

  The scope is off (the whole relation is tested) in a --full-refresh run, which writes
  every row, under the `full` selector, and with --vars '{snowplow__test_scope: all}'.
-#}

{% macro get_where_subquery(relation) -%}
  {%- set where = config.get('where', '') -%}
  {%- if where and '__rows_this_run__' in where -%}
    {%- set condition = snowplow_rows_this_run(relation) -%}
    {%- if condition is none -%}
      {%- set where = where | replace('__rows_this_run__', 'true') -%}
    {%- else -%}
      {%- set where = where | replace('__rows_this_run__', '(' ~ condition ~ ')') -%}
    {%- endif -%}
  {%- endif -%}
  {%- if where -%}
    {{ return('(select * from ' ~ relation ~ ' where ' ~ where ~ ') dbt_subquery') }}
  {%- endif -%}
  {{ return(relation) }}
{%- endmacro %}

{#- Whether data tests look at this run's rows only. -#}
{% macro snowplow_tests_scoped() %}
  {{ return(not flags.FULL_REFRESH
            and invocation_args_dict.get('selector') != 'full'
            and var('snowplow__test_scope', 'this_run') != 'all') }}
{% endmacro %}

{#- A model of the marts dataset by name (no ref: tests must not gain DAG edges). -#}
{% macro snowplow_models_relation(name) %}
  {{ return(adapter.get_relation(database=target.database, schema=target.schema, identifier=name)) }}
{% endmacro %}

{#- The run window this invocation used: the manifest's latest upper bound written by an
    earlier run, minus the look-back ({'lower': none} when there is none). The manifest
    row of this invocation, written at the end of the run, is left out. -#}
{% macro snowplow_window_of_this_invocation() %}
  {% set manifest = snowplow_models_relation('int_snowplow__incremental_manifest') %}
  {% if manifest is none %}{{ return({'lower': none}) }}{% endif %}
  {{ return({'lower': snowplow_query_tstamp(
      "select " ~ snowplow_add_seconds('max(upper_load_tstamp)', -3600 * var('snowplow__lookback_hours'))
      ~ " from " ~ manifest ~ " where run_id != '" ~ invocation_id ~ "'")}) }}
{% endmacro %}

{#- The condition selecting the rows of `relation` this run wrote; none = all rows. -#}
{% macro snowplow_rows_this_run(relation) %}
  {% if not execute or not snowplow_tests_scoped() %}{{ return(none) }}{% endif %}
  {% set name = relation.identifier %}
  {% set scopes = {'daily_active_users': 'days_touched', 'daily_sessions_by_channel': 'days_touched',
                  'weekly_retention_cohorts': 'weeks_touched',
                  'metric_daily': 'days_touched', 'metric_anomalies': 'days_touched'} %}
  {% if name == 'int_snowplow__incremental_manifest' %}
    {{ return("run_id = '" ~ invocation_id ~ "'") }}
  {% endif %}
  {% set window = snowplow_window_of_this_invocation() %}
  {% if window.lower is none %}{{ return(none) }}{% endif %}
  {% set since = snowplow_timestamp_literal(window.lower) %}
  {% set sessions = snowplow_models_relation('int_snowplow__sessions_this_run') %}
  {% set users = snowplow_models_relation('int_snowplow__users_this_run') %}
  {% if name in ['raw_events', 'stg_snowplow__events', snowplow_events().identifier] %}
    {{ return('load_tstamp > ' ~ since) }}
  {% elif name == 'int_snowplow__session_lifecycle' %}
    {{ return('last_load_tstamp > ' ~ since) }}
  {% elif name in ['fct_sessions', 'fct_page_views', 'fct_conversions'] %}
    {% set bound = snowplow_replace_bound({'bound': 'session_start'}, sessions) %}
    {% if bound is none %}{{ return('false') }}{% endif %}
    {{ return('start_tstamp >= ' ~ snowplow_timestamp_literal(bound)
              ~ ' and domain_sessionid in (select domain_sessionid from ' ~ sessions ~ ')') }}
  {% elif name == 'dim_users' %}
    {{ return('domain_userid in (select domain_userid from ' ~ users ~ ')') }}
  {% elif name in scopes %}
    {{ return(snowplow_touched_condition(scopes[name], snowplow_days_touched(
        sessions, snowplow_models_relation('int_snowplow__session_lifecycle'), users,
        snowplow_models_relation('dim_users')))) }}
  {% endif %}
  {{ return(none) }}
{% endmacro %}

{#-
  One row per successful run of the session models: the next run's window starts at
  this run's upper_load_tstamp minus the look-back. Built after the marts (depends_on
  below), so a run that fails or whose tests fail never advances the window.
-#}
-- depends_on: {{ ref('fct_sessions') }}
-- depends_on: {{ ref('fct_page_views') }}
-- depends_on: {{ ref('dim_users') }}
-- depends_on: {{ ref('fct_conversions') }}
{{
  config(
    materialized='incremental',
    incremental_strategy=('merge' if target.type == 'bigquery' else 'append'),
    on_schema_change='append_new_columns',
  )
}}

{%- set window = snowplow_run_window() %}

with sessions as (

    select
        count(*) as sessions_processed,
        sum(case when is_web_session then 1 else 0 end) as web_sessions_processed
    from {{ ref('int_snowplow__sessions_this_run') }}

),

loaded as (

    select max(load_tstamp) as upper_load_tstamp
    from {{ ref('stg_snowplow__events') }}

)

select
    '{{ invocation_id }}' as run_id,
    {{ snowplow_timestamp_literal(run_started_at.strftime('%Y-%m-%d %H:%M:%S.%f')) }} as run_started_at,
    {% if window.lower is none -%}
    cast(null as {{ dbt.type_timestamp() }})
    {%- else -%}
    {{ snowplow_timestamp_literal(window.lower) }}
    {%- endif %} as lower_load_tstamp,
    loaded.upper_load_tstamp,
    sessions.sessions_processed,
    sessions.web_sessions_processed
from loaded
cross join sessions

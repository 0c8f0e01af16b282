{#-
  Sessions per UTC day of session start and default channel group, one column per
  channel (rule order, macros/channels.sql), for the "Sessions by channel" tab and chart.
  Incremental by day, like daily_active_users: the days this run touched
  (macros/analytics.sql) are recomputed from fct_sessions and replace their rows.
-#}
-- the days this run touched come from (macros/analytics.sql):
-- depends_on: {{ ref('int_snowplow__sessions_this_run') }}
-- depends_on: {{ ref('int_snowplow__session_lifecycle') }}
-- depends_on: {{ ref('int_snowplow__users_this_run') }}
-- depends_on: {{ ref('dim_users') }}
{{
  config(
    incremental_strategy=snowplow_incremental_strategy(),
    meta={'snowplow_replace': {'scope': 'days_touched'}},
    partition_by=snowplow_partition_by('activity_date', 'date'),
  )
}}

{%- set days = snowplow_model_days_touched() if is_incremental() else none %}

with sessions as (

    select start_date, channel_group from {{ ref('fct_sessions') }}
    {%- if is_incremental() %}
    where {{ snowplow_days_window('start_tstamp', days) }}
    {%- endif %}

)

select
    start_date as activity_date,
    count(*) as sessions
    {%- for channel, column in snowplow_channel_columns() %},
    sum(case when channel_group = '{{ channel }}' then 1 else 0 end) as {{ column }}
    {%- endfor %}
from sessions
group by start_date

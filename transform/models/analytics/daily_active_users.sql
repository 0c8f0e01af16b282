{#-
  Activity per day (UTC) of session start: users, new users, sessions, engagement.
  Incremental by day: the days this run touched (macros/analytics.sql) are recomputed
  from fct_sessions and dim_users and replace their stored rows; other days keep theirs.
-#}
-- the days this run touched come from (macros/analytics.sql):
-- depends_on: {{ ref('int_snowplow__sessions_this_run') }}
-- depends_on: {{ ref('int_snowplow__session_lifecycle') }}
-- depends_on: {{ ref('int_snowplow__users_this_run') }}
{{
  config(
    incremental_strategy=snowplow_incremental_strategy(),
    meta={'snowplow_replace': {'scope': 'days_touched'}},
    partition_by=snowplow_partition_by('activity_date', 'date'),
  )
}}

{%- set days = snowplow_model_days_touched() if is_incremental() else none %}

with sessions as (

    select * from {{ ref('fct_sessions') }}
    {%- if is_incremental() %}
    where {{ snowplow_days_window('start_tstamp', days) }}
    {%- endif %}

),

first_days as (

    select domain_userid, cast(start_tstamp as date) as first_date
    from {{ ref('dim_users') }}

),

daily as (

    select
        sessions.start_date as activity_date,
        count(distinct sessions.domain_userid) as active_users,
        count(distinct case when first_days.first_date = sessions.start_date
                            then sessions.domain_userid end) as new_users,
        count(*) as sessions,
        sum(case when sessions.is_engaged then 1 else 0 end) as engaged_sessions,
        sum(sessions.page_views) as page_views,
        sum(sessions.engaged_time_in_s) as engaged_time_in_s
    from sessions
    left join first_days
        on first_days.domain_userid = sessions.domain_userid
    group by sessions.start_date

)

select
    activity_date,
    active_users,
    new_users,
    sessions,
    engaged_sessions,
    page_views,
    engaged_time_in_s,
    {{ snowplow_safe_ratio('sessions - engaged_sessions', 'sessions') }} as bounce_rate
from daily

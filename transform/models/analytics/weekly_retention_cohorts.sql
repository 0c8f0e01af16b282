{#-
  Weekly retention: users grouped by the ISO week (Monday) of their first session; for
  each later week, how many of them had a session. Week 0 is the cohort itself (100 %).

  Incremental by week: a row can only change when its cohort week or its activity week
  holds a day this run touched (macros/analytics.sql). Rows active from the first such
  week on, of cohorts up to the last such week, are recomputed and replace the stored ones.
-#}
-- the days this run touched come from (macros/analytics.sql):
-- depends_on: {{ ref('int_snowplow__sessions_this_run') }}
-- depends_on: {{ ref('int_snowplow__session_lifecycle') }}
-- depends_on: {{ ref('int_snowplow__users_this_run') }}
{{
  config(
    incremental_strategy=snowplow_incremental_strategy(),
    meta={'snowplow_replace': {'scope': 'weeks_touched'}},
    partition_by=snowplow_partition_by('activity_week', 'date'),
  )
}}

{%- set weeks = snowplow_weeks_touched(snowplow_model_days_touched()) if is_incremental() else none %}

with users as (

    select
        domain_userid,
        {{ snowplow_week_start('cast(start_tstamp as date)') }} as cohort_week
    from {{ ref('dim_users') }}

),

activity as (

    select distinct
        domain_userid,
        {{ snowplow_week_start('start_date') }} as activity_week
    from {{ ref('fct_sessions') }}
    where domain_userid is not null
    {%- if is_incremental() %}
    {%- if weeks is none %}
      and false
    {%- else %}
      and start_tstamp >= {{ snowplow_date_start(weeks.first) }}
    {%- endif %}
    {%- endif %}

),

cohort_sizes as (

    select cohort_week, count(*) as cohort_users
    from users
    group by cohort_week

),

retained as (

    select
        users.cohort_week,
        activity.activity_week,
        cast({{ snowplow_days_between('users.cohort_week', 'activity.activity_week') }} / 7 as {{ dbt.type_int() }}) as weeks_since_first_session,
        count(*) as active_users
    from users
    inner join activity
        on activity.domain_userid = users.domain_userid
    {%- if weeks is not none %}
    where users.cohort_week <= {{ snowplow_date_literal(weeks.last) }}
    {%- endif %}
    group by 1, 2, 3

)

select
    {{ snowplow_surrogate_key(['retained.cohort_week', 'retained.weeks_since_first_session']) }} as cohort_week_key,
    retained.cohort_week,
    retained.weeks_since_first_session,
    retained.activity_week,
    cohort_sizes.cohort_users,
    retained.active_users,
    {{ snowplow_safe_ratio('retained.active_users', 'cohort_sizes.cohort_users') }} as retention_rate
from retained
inner join cohort_sizes
    on cohort_sizes.cohort_week = retained.cohort_week

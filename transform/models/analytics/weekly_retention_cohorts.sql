{#-
  Weekly retention: users grouped by the ISO week (Monday) of their first session; for
  each later week, how many of them had a session. Week 0 is the cohort itself (100 %).
-#}
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

),

cohort_sizes as (

    select cohort_week, count(*) as cohort_users
    from users
    group by cohort_week

),

retained as (

    select
        users.cohort_week,
        cast({{ snowplow_days_between('users.cohort_week', 'activity.activity_week') }} / 7 as {{ dbt.type_int() }}) as weeks_since_first_session,
        count(*) as active_users
    from users
    inner join activity
        on activity.domain_userid = users.domain_userid
    group by 1, 2

)

select
    {{ snowplow_surrogate_key(['retained.cohort_week', 'retained.weeks_since_first_session']) }} as cohort_week_key,
    retained.cohort_week,
    retained.weeks_since_first_session,
    cohort_sizes.cohort_users,
    retained.active_users,
    {{ snowplow_safe_ratio('retained.active_users', 'cohort_sizes.cohort_users') }} as retention_rate
from retained
inner join cohort_sizes
    on cohort_sizes.cohort_week = retained.cohort_week

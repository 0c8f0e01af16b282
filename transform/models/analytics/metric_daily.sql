{#-
  The daily metrics the anomaly detector watches (SEMANTICS.md, "Anomalies"), one row per
  day (UTC) and metric, kind 'count' or 'ratio'/'mean':
    events, page_pings, bot_share      staged events by day of derived_tstamp (bots included
                                       in events and bot_share, as loaded)
    sessions, users, page_views,       web sessions (bots filtered) by start day
    bounce_rate, engaged_time_per_session (each session's engaged time
                                       capped at snowplow__anomaly_engaged_time_cap_s)
    sessions.<device class>            sessions per dvce_type: the platform split (the
                                       sample's `platform` is always web)
  Incremental by day, like daily_active_users: the days this run touched are recomputed.
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
{%- set double = snowplow_type_double() %}

with events as (

    select
        cast(derived_tstamp as date) as activity_date,
        event_name,
        coalesce(is_bot, false) as is_bot
    from {{ ref('stg_snowplow__events') }}
    {%- if is_incremental() %}
    where {{ snowplow_days_window('derived_tstamp', days) }}
    {%- if days is not none %}
      and load_tstamp >= {{ snowplow_date_start(days.first) }}
    {%- endif %}
    {%- endif %}

),

sessions as (

    select
        start_date as activity_date,
        domain_userid,
        page_views,
        -- winsorized: one tab left open for an hour must not move the day's mean
        least(engaged_time_in_s, {{ var('snowplow__anomaly_engaged_time_cap_s') }}) as engaged_time_in_s,
        is_engaged,
        lower(coalesce(dvce_type, 'unknown')) as device
    from {{ ref('fct_sessions') }}
    {%- if is_incremental() %}
    where {{ snowplow_days_window('start_tstamp', days) }}
    {%- endif %}

),

event_totals as (

    select
        activity_date,
        count(*) as events,
        sum(case when event_name = 'page_ping' then 1 else 0 end) as page_pings,
        sum(case when is_bot then 1 else 0 end) as bot_events
    from events
    group by activity_date

),

session_totals as (

    select
        activity_date,
        count(*) as sessions,
        count(distinct domain_userid) as users,
        sum(page_views) as page_views,
        sum(case when is_engaged then 0 else 1 end) as bounces,
        sum(engaged_time_in_s) as engaged_time_in_s
    from sessions
    group by activity_date

),

metrics as (

    select
        activity_date,
        'events' as metric,
        'count' as kind,
        events as metric_value
    from event_totals
    union all
    select
        activity_date,
        'page_pings' as metric,
        'count' as kind,
        page_pings as metric_value
    from event_totals
    union all
    select
        activity_date,
        'bot_share' as metric,
        'ratio' as kind,
        {{ snowplow_safe_ratio('bot_events', 'events') }} as metric_value
    from event_totals
    union all
    select
        activity_date,
        'sessions' as metric,
        'count' as kind,
        sessions as metric_value
    from session_totals
    union all
    select
        activity_date,
        'users' as metric,
        'count' as kind,
        users as metric_value
    from session_totals
    union all
    select
        activity_date,
        'page_views' as metric,
        'count' as kind,
        page_views as metric_value
    from session_totals
    union all
    select
        activity_date,
        'bounce_rate' as metric,
        'ratio' as kind,
        {{ snowplow_safe_ratio('bounces', 'sessions') }} as metric_value
    from session_totals
    union all
    select
        activity_date,
        'engaged_time_per_session' as metric,
        'mean' as kind,
        {{ snowplow_safe_ratio('engaged_time_in_s', 'sessions') }} as metric_value
    from session_totals
    union all
    select
        activity_date,
        concat('sessions.', device) as metric,
        'count' as kind,
        count(*) as metric_value
    from sessions
    group by activity_date, device

)

select
    activity_date,
    metric,
    kind,
    cast(metric_value as {{ double }}) as value,  -- noqa: RF04
    concat(metric, '|', cast(activity_date as {{ dbt.type_string() }})) as metric_day_key
from metrics

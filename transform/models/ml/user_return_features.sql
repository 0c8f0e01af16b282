{#-
  Features and labels of the return-propensity model (SEMANTICS.md, "Return propensity"):
  one row per user and cutoff day, from the sessions that started before the cutoff, and
  whether the user has a session in the `snowplow__propensity_horizon_days` days from it.

  Three cutoffs, computed first and written as literals (last = the latest session day):
    score  last + 1           users to score now; returned is NULL (the future)
    eval   last + 1 - h       held-out cutoff: the gate and the metrics
    train  last + 1 - 2h      the model is fitted here
  The split is by time, never random: the eval labels lie wholly after the train labels.
  var snowplow__propensity_cutoff ('YYYY-MM-DD') replaces last + 1 (a backfill or a test).
  A table rewritten whole each run: its cost grows with fct_sessions (one scan).
-#}
{%- set horizon = var('snowplow__propensity_horizon_days') %}
{%- set day = modules.datetime.timedelta(days=1) %}
{%- if var('snowplow__propensity_cutoff', none) %}
  {%- set scoring = modules.datetime.datetime.strptime(var('snowplow__propensity_cutoff'), '%Y-%m-%d').date() %}
{%- else %}
  {%- set last = snowplow_query_value('select max(start_date) from ' ~ ref('fct_sessions')) %}
  {%- set scoring = last + day if last is not none else none %}
{%- endif %}
{%- set cutoffs = [] if scoring is none else [
    ('score', scoring), ('eval', scoring - horizon * day), ('train', scoring - 2 * horizon * day)] %}

with sessions as (

    select
        domain_userid,
        start_date,
        page_views,
        engaged_time_in_s,
        is_engaged,
        user_id
    from {{ ref('fct_sessions') }}
    where domain_userid is not null

),

first_touch as (

    select
        users.domain_userid,
        lower(coalesce(users.mkt_medium, users.refr_medium, 'direct')) as first_channel,
        lower(coalesce(first_session.dvce_type, 'unknown')) as device_class
    from {{ ref('dim_users') }} as users
    left join {{ ref('fct_sessions') }} as first_session
        on first_session.domain_sessionid = users.first_session_id

),

as_of as (
{%- for role, cutoff in cutoffs %}
    {%- set at = snowplow_date_literal(cutoff) %}
    {%- set week_ago = snowplow_date_literal(cutoff - 7 * day) %}
    {%- set month_ago = snowplow_date_literal(cutoff - 28 * day) %}

    select
        '{{ role }}' as cutoff_role,
        {{ at }} as cutoff_date,
        domain_userid,
        {{ snowplow_days_between('max(start_date)', at) }} as recency_days,
        {{ snowplow_days_between('min(start_date)', at) }} as tenure_days,
        count(*) as sessions_total,
        sum(case when start_date >= {{ week_ago }} then 1 else 0 end) as sessions_7d,
        sum(case when start_date >= {{ month_ago }} then 1 else 0 end) as sessions_28d,
        count(distinct case when start_date >= {{ month_ago }} then start_date end) as active_days_28d,
        sum(case when start_date >= {{ week_ago }} then engaged_time_in_s else 0 end) as engaged_time_7d,
        sum(case when start_date >= {{ month_ago }} then engaged_time_in_s else 0 end) as engaged_time_28d,
        {{ snowplow_safe_ratio('sum(page_views)', 'count(*)') }} as page_views_per_session,
        {{ snowplow_safe_ratio('sum(case when is_engaged then 0 else 1 end)', 'count(*)') }} as bounce_share,
        max(case when user_id is not null then 1 else 0 end) as is_stitched
    from sessions
    where start_date < {{ at }}
    group by domain_userid
    {{- '\n    union all' if not loop.last }}
{%- endfor %}
{%- if not cutoffs %}
    select
        cast(null as {{ dbt.type_string() }}) as cutoff_role, cast(null as date) as cutoff_date,
        cast(null as {{ dbt.type_string() }}) as domain_userid, 0 as recency_days, 0 as tenure_days,
        0 as sessions_total, 0 as sessions_7d, 0 as sessions_28d, 0 as active_days_28d,
        0 as engaged_time_7d, 0 as engaged_time_28d, 0.0 as page_views_per_session,
        0.0 as bounce_share, 0 as is_stitched
    from sessions
    where false
{%- endif %}

),

returns as (
{%- for role, cutoff in cutoffs if role != 'score' %}

    select distinct
        '{{ role }}' as cutoff_role,
        domain_userid
    from sessions
    where start_date >= {{ snowplow_date_literal(cutoff) }}
      and start_date < {{ snowplow_date_literal(cutoff + horizon * day) }}
    {{- '\n    union all' if not loop.last }}
{%- endfor %}
{%- if cutoffs | length < 2 %}
    select
        cast(null as {{ dbt.type_string() }}) as cutoff_role,
        domain_userid
    from sessions
    where false
{%- endif %}

)

select
    {{ snowplow_surrogate_key(['as_of.cutoff_role', 'as_of.domain_userid']) }} as user_cutoff_key,
    as_of.cutoff_role,
    as_of.cutoff_date,
    as_of.domain_userid,
    as_of.recency_days,
    as_of.tenure_days,
    as_of.sessions_total,
    as_of.sessions_7d,
    as_of.sessions_28d,
    as_of.active_days_28d,
    as_of.engaged_time_7d,
    as_of.engaged_time_28d,
    as_of.page_views_per_session,
    as_of.bounce_share,
    as_of.is_stitched,
    coalesce(first_touch.first_channel, 'direct') as first_channel,
    coalesce(first_touch.device_class, 'unknown') as device_class,
    case
        when as_of.cutoff_role = 'score' then null
        when returns.domain_userid is not null then 1
        else 0
    end as returned
from as_of
left join first_touch
    on first_touch.domain_userid = as_of.domain_userid
left join returns
    on returns.cutoff_role = as_of.cutoff_role
    and returns.domain_userid = as_of.domain_userid

{#-
  Per-user engagement: recency, frequency, engaged time, bounce rate and a segment.
  Recency is measured against the latest session end in the data (not the clock), so a
  rebuild of the same data gives the same answer.

  A view over dim_users, which is incremental by user: every new day moves the reference
  date, and with it the recency (and maybe the segment) of every user, so a stored table
  would be rewritten whole each day; the view costs nothing to build and reads what a
  table would hold.

  Segments, first match wins:
    lapsed          no session in the last snowplow__lapsed_after_days days
    loyal           active on 3+ days with a bounce rate under 50 %
    engaged         at least one engaged session
    bounced         every session bounced
-#}
{{ config(materialized='view') }}
{%- set lapsed_after_days = var('snowplow__lapsed_after_days') -%}

with users as (

    select * from {{ ref('dim_users') }}

),

reference as (

    -- the latest end of any user's last session: the latest session in the data
    select cast(max(end_tstamp) as date) as reference_date
    from users

),

measured as (

    select
        users.domain_userid,
        users.user_id,
        users.start_tstamp as first_session_tstamp,
        users.end_tstamp as last_session_tstamp,
        {{ snowplow_days_between('cast(users.end_tstamp as date)', 'reference.reference_date') }} as recency_days,
        users.sessions as frequency_sessions,
        users.active_days,
        users.engaged_sessions,
        users.sessions - users.engaged_sessions as bounced_sessions,
        users.page_views,
        users.engaged_time_in_s,
        {{ snowplow_safe_ratio('users.engaged_time_in_s', 'users.sessions') }} as engaged_time_per_session_s,
        {{ snowplow_safe_ratio('users.sessions - users.engaged_sessions', 'users.sessions') }} as bounce_rate
    from users
    cross join reference

)

select
    *,
    case
        when recency_days > {{ lapsed_after_days }} then 'lapsed'
        when active_days >= 3 and bounce_rate < 0.5 then 'loyal'
        when engaged_sessions >= 1 then 'engaged'
        else 'bounced'
    end as engagement_segment
from measured

{#-
  The browsers (domain_userid) whose user mapping this run recomputes, each with the
  latest user_id seen with it: the one of its latest identified event by collector_tstamp
  (Snowplow's user mapping rule: the time the collector received it, not the device's
  clock), then highest event_id; user_id NULL when it has none any more.

  Incremental: browsers with identified events loaded inside the run window; the stored
  mapping (dim_user_mapping) competes with their new events, so the result equals the
  one computed from all events. A windowed rebuild recomputes the browsers of the events
  it replaces, listed before staging changed (int_snowplow__rebuild_browsers), from all
  their events. Bots' events never map a user.
-#}
{%- set window = snowplow_run_window() -%}
{%- set rebuild = snowplow_rebuild() -%}
{%- set previous = snowplow_existing_relation('dim_user_mapping') -%}
-- depends_on: {{ ref('int_snowplow__rebuild_browsers') }}

with identified as (

    select domain_userid, user_id, collector_tstamp, event_id, load_tstamp
    from {{ ref('stg_snowplow__events') }}
    where domain_userid is not null
      and user_id is not null
      and {{ snowplow_human_traffic() }}

),

{%- if rebuild is not none %}

browsers as (

    select domain_userid from {{ ref('int_snowplow__rebuild_browsers') }}

),

candidates as (

    select identified.domain_userid, identified.user_id, identified.collector_tstamp, identified.event_id
    from identified
    inner join browsers
        on browsers.domain_userid = identified.domain_userid

),

{%- elif window.lower is not none and previous is not none %}

new_events as (

    select domain_userid, user_id, collector_tstamp, event_id
    from identified
    where load_tstamp > {{ snowplow_timestamp_literal(window.lower) }}

),

browsers as (

    select distinct domain_userid from new_events

),

candidates as (

    select * from new_events
    union all
    select
        previous.domain_userid,
        previous.user_id,
        previous.last_identified_tstamp as collector_tstamp,
        previous.last_identified_event_id as event_id
    from {{ previous }} as previous
    inner join browsers
        on browsers.domain_userid = previous.domain_userid

),

{%- else %}

candidates as (

    select domain_userid, user_id, collector_tstamp, event_id from identified

),

browsers as (

    select distinct domain_userid from candidates

),

{%- endif %}

latest as (

    select *
    from candidates
    where true  -- BigQuery wants a WHERE beside QUALIFY
    qualify row_number() over (
        partition by domain_userid order by collector_tstamp desc, event_id desc
    ) = 1

)

select
    browsers.domain_userid,
    latest.user_id,
    latest.collector_tstamp as last_identified_tstamp,
    latest.event_id as last_identified_event_id
from browsers
left join latest
    on latest.domain_userid = browsers.domain_userid

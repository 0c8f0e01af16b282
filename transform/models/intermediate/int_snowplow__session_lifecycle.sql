{#-
  One row per domain_sessionid ever seen: when it started (earliest derived_tstamp of any
  of its events), where it is cut (start + max_session_days), whether it is quarantined
  (it has events past the cut), and the load_tstamp range of its events.

  Incremental: the row of a session with new events is the old row combined with the new
  events by min/max only, so applying the same events twice changes nothing and the
  result equals the one computed from all events at once. Bots' events (is_bot, when the
  filter is on) are left out. A windowed rebuild recomputes the rows of the rebuilt
  sessions from all their events, and deletes those left without events.
-#}
-- depends_on: {{ ref('int_snowplow__rebuild_sessions') }}
{{
  config(
    materialized='incremental',
    incremental_strategy=snowplow_incremental_strategy(),
    on_schema_change='append_new_columns',
    meta={'snowplow_replace': {'key': 'domain_sessionid', 'bound': 'session_start', 'bound_column': 'start_tstamp',
                                'rebuild': 'sessions'}},
    partition_by=snowplow_partition_by('start_tstamp', 'timestamp'),
    cluster_by=snowplow_cluster_by(['domain_sessionid']),
  )
}}

{%- set window = snowplow_run_window() %}
{%- set rebuild = snowplow_rebuild() %}

with new_events as (

    select
        domain_sessionid,
        derived_tstamp,
        load_tstamp
    from {{ ref('stg_snowplow__events') }}
    where domain_sessionid is not null
      and derived_tstamp is not null
      and {{ snowplow_human_traffic() }}
    {%- if rebuild is not none %}
      and load_tstamp >= {{ snowplow_timestamp_literal(rebuild.scan_from) }}
      and {{ snowplow_in_rebuild('domain_sessionid') }}
    {%- else %}
      and {{ snowplow_in_window('load_tstamp', window) }}
    {%- endif %}

),

new_sessions as (

    select
        domain_sessionid,
        min(derived_tstamp) as start_tstamp,
        max(derived_tstamp) as max_derived_tstamp,
        min(load_tstamp) as first_load_tstamp,
        max(load_tstamp) as last_load_tstamp
    from new_events
    group by domain_sessionid

),

{%- if is_incremental() and window.lower is not none and rebuild is none %}

combined as (

    select
        new_sessions.domain_sessionid,
        case when previous.start_tstamp < new_sessions.start_tstamp
             then previous.start_tstamp else new_sessions.start_tstamp end as start_tstamp,
        case when previous.max_derived_tstamp > new_sessions.max_derived_tstamp
             then previous.max_derived_tstamp else new_sessions.max_derived_tstamp end as max_derived_tstamp,
        case when previous.first_load_tstamp < new_sessions.first_load_tstamp
             then previous.first_load_tstamp else new_sessions.first_load_tstamp end as first_load_tstamp,
        case when previous.last_load_tstamp > new_sessions.last_load_tstamp
             then previous.last_load_tstamp else new_sessions.last_load_tstamp end as last_load_tstamp
    from new_sessions
    left join {{ this }} as previous
        on previous.domain_sessionid = new_sessions.domain_sessionid

),

{%- else %}

combined as (

    select * from new_sessions

),

{%- endif %}

cut as (

    select
        domain_sessionid,
        start_tstamp,
        {{ snowplow_add_days('start_tstamp', var('snowplow__max_session_days')) }} as cut_tstamp,
        max_derived_tstamp,
        first_load_tstamp,
        last_load_tstamp
    from combined

)

select
    domain_sessionid,
    start_tstamp,
    cut_tstamp,
    max_derived_tstamp,
    max_derived_tstamp > cut_tstamp as is_quarantined,
    first_load_tstamp,
    last_load_tstamp
from cut

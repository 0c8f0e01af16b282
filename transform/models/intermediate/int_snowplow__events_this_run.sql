{#-
  The events of the sessions this run processes, each session complete and cut at
  start + max_session_days (events after the cut are left out).

  A session is processed when an event loaded inside the run window falls before its
  cut; sessions whose only new events are past the cut keep their rows (the lifecycle
  marks them quarantined). All events of a processed session are re-read: they were
  loaded no earlier than the session's first_load_tstamp, so that literal bounds the scan.

  DuckDB: a view (writing a wide copy of every event to disk costs more than joining
  twice); BigQuery: a table, so the two models reading it scan the events once.
  Bots' events are left out (macros/bots.sql). A windowed rebuild processes exactly
  the rebuilt sessions, whose events were all loaded after its scan_from.
-#}
-- depends_on: {{ ref('int_snowplow__rebuild_sessions') }}
{{ config(materialized=('table' if target.type == 'bigquery' else 'view')) }}
{%- set window = snowplow_run_window() -%}
{%- set rebuild = snowplow_rebuild() -%}
{%- set scan_from = none -%}
{%- if rebuild is not none -%}
  {%- set scan_from = rebuild.scan_from -%}
{%- elif window.lower is not none -%}
  {%- set scan_from = snowplow_query_tstamp(
      "select min(lifecycle.first_load_tstamp)"
      ~ " from " ~ ref('int_snowplow__session_lifecycle') ~ " as lifecycle"
      ~ " where lifecycle.domain_sessionid in ("
      ~ "   select events.domain_sessionid from " ~ ref('stg_snowplow__events') ~ " as events"
      ~ "   join " ~ ref('int_snowplow__session_lifecycle') ~ " as touched"
      ~ "     on touched.domain_sessionid = events.domain_sessionid"
      ~ "   where events.load_tstamp > " ~ snowplow_timestamp_literal(window.lower)
      ~ "     and events.derived_tstamp <= touched.cut_tstamp)") -%}
{%- endif %}

-- (sqlfluff lints each branch apart and misses that `events` reads sessions_to_process)
-- noqa: disable=ST03
with lifecycle as (

    select * from {{ ref('int_snowplow__session_lifecycle') }}

),

{%- if rebuild is not none %}

sessions_to_process as (

    select domain_sessionid from {{ ref('int_snowplow__rebuild_sessions') }}

),

{%- elif window.lower is not none %}

sessions_to_process as (

    select distinct events.domain_sessionid
    from {{ ref('stg_snowplow__events') }} as events
    inner join lifecycle
        on lifecycle.domain_sessionid = events.domain_sessionid
    where events.load_tstamp > {{ snowplow_timestamp_literal(window.lower) }}
      and events.derived_tstamp <= lifecycle.cut_tstamp

),

{%- endif %}

{%- if rebuild is not none or window.lower is not none %}

events as (

    select events.*
    from {{ ref('stg_snowplow__events') }} as events
    {%- if scan_from is none %}
    where false
    {%- else %}
    {%- set processed %}
        load_tstamp >= {{ snowplow_timestamp_literal(scan_from) }}
        and domain_sessionid in (select domain_sessionid from sessions_to_process)
    {%- endset %}
    where {{ snowplow_rows_where(ref('stg_snowplow__events'), processed) }}
      and {{ snowplow_human_traffic('events') }}
    {%- endif %}

)

{%- else %}

events as (

    select * from {{ ref('stg_snowplow__events') }} as events
    where {{ snowplow_human_traffic('events') }}

)

{%- endif %}

select
    events.*,
    lifecycle.start_tstamp as session_first_event_tstamp,
    lifecycle.cut_tstamp as session_cut_tstamp
from events
inner join lifecycle
    on lifecycle.domain_sessionid = events.domain_sessionid
where events.derived_tstamp <= lifecycle.cut_tstamp

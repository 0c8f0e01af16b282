{#-
  Windowed rebuild: with vars snowplow__rebuild_from / snowplow__rebuild_to ('YYYY-MM-DD',
  the end exclusive), a run re-derives, from raw_events, the sessions that touch
  [from, to) -- and only those: their events in staging, their lifecycle rows, their
  rows in fct_sessions and fct_page_views, their users in dim_users and the user
  mapping of their browsers. No other session is read or written, and events loaded
  since the last run wait for the next ordinary run.

  A session touches the window when one of its raw or staged events has a derived_tstamp
  inside it, or when its stored row in fct_sessions starts before `to` and ends at or
  after `from` (int_snowplow__rebuild_sessions lists them); events without a session id
  created inside the window are re-read too. The browsers of all those events, listed
  before staging changes (int_snowplow__rebuild_browsers), get their user mapping
  recomputed. All events of such a session
  were collected in [from - (max_session_days + 1) days, to + (max_session_days +
  days_late_allowed + 1) days): the scan range, a literal on load_tstamp (an event is
  loaded after it is collected) so BigQuery prunes raw_events' partitions. Raw rows
  loaded after staging's high-water mark are left to the next ordinary run (reading
  them here would move the mark past rows loaded before them that nothing staged yet).
-#}

{#- none, or the window's literals: from, to, scan_from, scan_to, copies_from. -#}
{% macro snowplow_rebuild() %}
  {%- set start = var('snowplow__rebuild_from') -%}
  {%- set end = var('snowplow__rebuild_to') -%}
  {#- unit tests (no `this`) exercise the ordinary path, whatever the vars say -#}
  {%- if (start is none and end is none) or this is none -%}{{ return(none) }}{%- endif -%}
  {%- if start is none or end is none -%}
    {% do exceptions.raise_compiler_error(
        "rebuild: set both snowplow__rebuild_from and snowplow__rebuild_to (YYYY-MM-DD)") %}
  {%- endif -%}
  {%- if flags.FULL_REFRESH -%}
    {% do exceptions.raise_compiler_error(
        "rebuild: --full-refresh rebuilds everything already; leave the rebuild vars unset") %}
  {%- endif -%}
  {%- set lower = snowplow_rebuild_date('snowplow__rebuild_from', start) -%}
  {%- set upper = snowplow_rebuild_date('snowplow__rebuild_to', end) -%}
  {%- if lower >= upper -%}
    {% do exceptions.raise_compiler_error(
        "rebuild: snowplow__rebuild_from (" ~ start ~ ") must be before snowplow__rebuild_to (" ~ end ~ ")") %}
  {%- endif -%}
  {%- set day = modules.datetime.timedelta(days=1) -%}
  {%- set scan_from = lower - day * (var('snowplow__max_session_days') + 1) -%}
  {%- set scan_to = upper + day * (var('snowplow__max_session_days') + var('snowplow__days_late_allowed') + 1) -%}
  {%- set copies_from = scan_from - day * (var('snowplow__days_late_allowed') + 1) -%}
  {{ return({
      'from': snowplow_tstamp_string(lower), 'to': snowplow_tstamp_string(upper),
      'scan_from': snowplow_tstamp_string(scan_from), 'scan_to': snowplow_tstamp_string(scan_to),
      'copies_from': snowplow_tstamp_string(copies_from)}) }}
{% endmacro %}

{% macro snowplow_rebuild_date(name, value) %}
  {%- set text = value | string -%}
  {%- if not modules.re.fullmatch('[0-9]{4}-[0-9]{2}-[0-9]{2}', text) -%}
    {% do exceptions.raise_compiler_error("rebuild: " ~ name ~ " must be YYYY-MM-DD, got " ~ text) %}
  {%- endif -%}
  {{ return(modules.datetime.datetime.strptime(text, '%Y-%m-%d')) }}
{% endmacro %}

{#- The relation listing the sessions this rebuild re-derives (built first in the run). -#}
{% macro snowplow_rebuild_sessions() %}
  {{ return(snowplow_existing_relation('int_snowplow__rebuild_sessions')) }}
{% endmacro %}

{#- SQL condition: `column` names a session this rebuild re-derives (never NULL). -#}
{% macro snowplow_in_rebuild(column) -%}
  coalesce({{ column }} in (select domain_sessionid from {{ snowplow_rebuild_sessions() }}), false)
{%- endmacro %}

{#- SQL condition: a staging (or raw) row this rebuild reads again from raw_events and
    replaces: inside the scan range, and of a rebuilt session or, without a session id,
    created inside the window (so a raw event deleted there leaves staging too). -#}
{% macro snowplow_in_rebuild_scan(rebuild) -%}
  (({{ snowplow_in_rebuild('domain_sessionid') }}
    or (domain_sessionid is null
        and derived_tstamp >= {{ snowplow_timestamp_literal(rebuild.from) }}
        and derived_tstamp < {{ snowplow_timestamp_literal(rebuild.to) }}))
   and collector_tstamp >= {{ snowplow_timestamp_literal(rebuild.scan_from) }}
   and collector_tstamp < {{ snowplow_timestamp_literal(rebuild.scan_to) }})
{%- endmacro %}

{#- The raw rows a rebuild may read: loaded no later than staging's high-water mark. -#}
{% macro snowplow_rebuild_loaded(column) -%}
  {%- set staged = snowplow_existing_relation('stg_snowplow__events') -%}
  {%- set mark = snowplow_query_tstamp('select max(load_tstamp) from ' ~ staged) if staged is not none else none -%}
  {%- if mark is none -%} true
  {%- else -%} {{ column }} <= {{ snowplow_timestamp_literal(mark) }}
  {%- endif -%}
{%- endmacro %}

{#-
  The sessions a windowed rebuild re-derives (macros/rebuild.sql): those with an event
  inside [snowplow__rebuild_from, snowplow__rebuild_to) as raw_events are now or as
  staging holds it from the previous run, or whose stored row in fct_sessions spans part
  of it. Empty in every other run.
-#}
{%- set rebuild = snowplow_rebuild() -%}
{%- set stored = snowplow_existing_relation('fct_sessions') if rebuild is not none else none -%}
{%- set staged = snowplow_existing_relation('stg_snowplow__events') if rebuild is not none else none -%}
{%- if execute and rebuild is not none and (stored is none or staged is none) -%}
  {% do exceptions.raise_compiler_error("rebuild: nothing built yet; run an ordinary build first") %}
{%- endif %}

{%- if rebuild is none %}

select cast(null as {{ dbt.type_string() }}) as domain_sessionid
from (select 1 as nothing) as no_rebuild
where false

{%- else %}

with touched as (

    select domain_sessionid
    from {{ snowplow_events() }}
    where {{ snowplow_start_filter('load_tstamp') }}
      and load_tstamp >= {{ snowplow_timestamp_literal(rebuild.scan_from) }}
      and {{ snowplow_rebuild_loaded('load_tstamp') }}
      and collector_tstamp >= {{ snowplow_timestamp_literal(rebuild.scan_from) }}
      and collector_tstamp < {{ snowplow_timestamp_literal(rebuild.scan_to) }}
      and derived_tstamp >= {{ snowplow_timestamp_literal(rebuild.from) }}
      and derived_tstamp < {{ snowplow_timestamp_literal(rebuild.to) }}

    union all

    -- staged events inside the window whose raw rows are gone: their session must leave
    select domain_sessionid
    from {{ staged }}
    where load_tstamp >= {{ snowplow_timestamp_literal(rebuild.copies_from) }}
      and collector_tstamp >= {{ snowplow_timestamp_literal(rebuild.scan_from) }}
      and collector_tstamp < {{ snowplow_timestamp_literal(rebuild.scan_to) }}
      and derived_tstamp >= {{ snowplow_timestamp_literal(rebuild.from) }}
      and derived_tstamp < {{ snowplow_timestamp_literal(rebuild.to) }}

    union all

    select domain_sessionid
    from {{ stored }}
    where start_tstamp >= {{ snowplow_timestamp_literal(rebuild.scan_from) }}
      and start_tstamp < {{ snowplow_timestamp_literal(rebuild.to) }}
      and end_tstamp >= {{ snowplow_timestamp_literal(rebuild.from) }}

)

select distinct domain_sessionid
from touched
where domain_sessionid is not null

{%- endif %}

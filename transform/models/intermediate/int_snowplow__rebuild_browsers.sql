{#-
  The browsers (domain_userid) whose user mapping a windowed rebuild recomputes
  (macros/rebuild.sql): those of every event the rebuild replaces in staging, as staging
  holds them before the rebuild (built before stg_snowplow__events, which depends on this
  model) and as raw_events holds them now. Reading staging first matters: a session whose
  raw events were all deleted leaves no staging row behind, yet its browser may have been
  mapped through those events. Empty in every other run.
-#}
-- depends_on: {{ ref('int_snowplow__rebuild_sessions') }}
{%- set rebuild = snowplow_rebuild() -%}
{%- set staged = snowplow_existing_relation('stg_snowplow__events') if rebuild is not none else none -%}

{%- if rebuild is none %}

select cast(null as {{ dbt.type_string() }}) as domain_userid
from (select 1 as nothing) as no_rebuild
where false

{%- else %}

with replaced as (

    select domain_userid
    from {{ source('snowplow', 'raw_events') }}
    where {{ snowplow_start_filter('load_tstamp') }}
      and load_tstamp >= {{ snowplow_timestamp_literal(rebuild.scan_from) }}
      and {{ snowplow_rebuild_loaded('load_tstamp') }}
      and {{ snowplow_in_rebuild_scan(rebuild) }}
    {%- if staged is not none %}

    union all

    select domain_userid
    from {{ staged }}
    where load_tstamp >= {{ snowplow_timestamp_literal(rebuild.copies_from) }}
      and {{ snowplow_in_rebuild_scan(rebuild) }}
    {%- endif %}

)

select distinct domain_userid
from replaced
where domain_userid is not null

{%- endif %}

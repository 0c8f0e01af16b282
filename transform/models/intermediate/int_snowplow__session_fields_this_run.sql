{#-
  What fct_sessions adds to each session processed this run besides its own columns: the
  channel group (int_snowplow__session_channels_this_run), the passthroughs evaluated on
  the session's first event, the aggregations over its events and the count and value of
  each conversion (macros/fields.sql, macros/conversions.sql). Only the channel columns
  when no field is configured.
-#}
{%- set passthroughs = snowplow_passthroughs('session') -%}
{%- set aggregations = snowplow_aggregations('session') -%}
{%- set conversions = snowplow_conversions() -%}
{%- set in_time_order = ['derived_tstamp', 'dvce_created_tstamp', 'event_id'] %}

-- (sqlfluff lints with no field configured and misses the CTEs' use in the branches)
-- noqa: disable=ST03
with channels as (

    select * from {{ ref('int_snowplow__session_channels_this_run') }}

){% if passthroughs %},

first_events as (

    select
        domain_sessionid
        {%- for field in passthroughs %},
        {{ field.sql }} as {{ field.alias }}
        {%- endfor %}
    from {{ ref('int_snowplow__events_this_run') }}
    qualify row_number() over (
        partition by domain_sessionid
        order by derived_tstamp, dvce_created_tstamp asc nulls last, event_id
    ) = 1

){% endif %}{% if aggregations or conversions %},

aggregated as (

    select
        domain_sessionid
        {%- for field in aggregations %},
        {{ snowplow_aggregate(field.type, field.field, in_time_order) }} as {{ field.alias }}
        {%- endfor %}
        {{- snowplow_conversion_aggregates() }}
    from {{ ref('int_snowplow__events_this_run') }}
    group by domain_sessionid

){% endif %}

select
    channels.domain_sessionid,
    channels.source,
    channels.medium,
    channels.campaign,
    channels.source_category,
    channels.channel_group
    {%- for field in passthroughs %},
    first_events.{{ field.alias }}
    {%- endfor %}
    {%- for field in aggregations %},
    aggregated.{{ field.alias }}
    {%- endfor %}
    {%- for conversion in conversions %}
    {%- for name in snowplow_conversion_columns(conversion) %},
    aggregated.{{ name }}
    {%- endfor %}
    {%- endfor %}
from channels
{%- if passthroughs %}
left join first_events
    on first_events.domain_sessionid = channels.domain_sessionid
{%- endif %}
{%- if aggregations or conversions %}
left join aggregated
    on aggregated.domain_sessionid = channels.domain_sessionid
{%- endif %}

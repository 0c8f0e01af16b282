-- depends_on: {{ ref('int_snowplow__users_this_run') }}
-- depends_on: {{ ref('int_snowplow__user_mapping_this_run') }}
-- depends_on: {{ ref('int_snowplow__rebuild_sessions') }}
-- depends_on: {{ ref('fct_sessions') }}
{#-
  Conversions (macros/conversions.sql): one row per event of a web session that meets a
  configured conversion's condition, for conversions listed with list_events (the
  default). Empty while var snowplow__conversions is empty.
  Incremental by session, like fct_sessions: the rows of every session processed this
  run are replaced. stitched_user_id follows the user mapping (macros/stitching.sql);
  the last non-direct channel is (re)computed by a post-hook for the conversions of the
  users whose sessions changed (snowplow_attribute_conversions).
-#}
{{
  config(
    incremental_strategy=snowplow_incremental_strategy(),
    meta={'snowplow_replace': {'key': 'domain_sessionid', 'keys_from': 'int_snowplow__sessions_this_run',
                      'bound': 'session_start', 'bound_column': 'start_tstamp',
                      'rebuild': 'sessions'}},
    post_hook=["{% if snowplow_listed_conversions() %}{{ snowplow_restitch() }}{% endif %}",
               "{{ snowplow_attribute_conversions() }}"],
    partition_by=snowplow_partition_by('start_tstamp', 'timestamp'),
    cluster_by=snowplow_cluster_by(['domain_userid', 'conversion_name']),
  )
}}
{%- set listed = snowplow_listed_conversions() %}

with sessions as (

    select
        sessions.domain_sessionid,
        sessions.domain_userid,
        sessions.start_tstamp,
        channels.channel_group
    from {{ ref('int_snowplow__sessions_this_run') }} as sessions
    inner join {{ ref('int_snowplow__session_channels_this_run') }} as channels
        on channels.domain_sessionid = sessions.domain_sessionid
    where sessions.is_web_session

),

events as (

    select events.*
    from {{ ref('int_snowplow__events_this_run') }} as events
    {%- if not listed %}
    where false
    {%- endif %}

),

conversions as (

    {%- for conversion in listed or [{'name': none, 'condition': 'false', 'value': none}] %}
    select
        {% if conversion.name -%}
        '{{ conversion.name }}'
        {%- else -%}
        cast(null as {{ dbt.type_string() }})
        {%- endif %} as conversion_name,
        event_id,
        event_name,
        domain_sessionid,
        user_id,
        app_id,
        derived_tstamp as conversion_tstamp,
        cast({{ conversion.value or 'null' }} as {{ snowplow_type_double() }}) as conversion_value
    from events
    where {{ conversion.condition }}
    {%- if not loop.last %}
    union all
    {%- endif %}
    {%- endfor %}

)

select
    {{ snowplow_surrogate_key(['conversions.event_id', 'conversions.conversion_name']) }} as conversion_key,
    conversions.conversion_name,
    conversions.event_id,
    conversions.event_name,
    conversions.domain_sessionid,
    sessions.domain_userid,
    conversions.user_id,
    {{ snowplow_stitched_user_id('sessions.domain_userid', 'mapping.user_id') }} as stitched_user_id,
    conversions.app_id,
    sessions.start_tstamp,
    conversions.conversion_tstamp,
    cast(conversions.conversion_tstamp as date) as conversion_date,
    conversions.conversion_value,
    sessions.channel_group as session_channel_group,
    cast(null as {{ dbt.type_string() }}) as last_non_direct_channel_group,
    cast(null as {{ dbt.type_string() }}) as last_non_direct_session_id
from conversions
inner join sessions
    on sessions.domain_sessionid = conversions.domain_sessionid
left join {{ ref('dim_user_mapping') }} as mapping
    on mapping.domain_userid = sessions.domain_userid

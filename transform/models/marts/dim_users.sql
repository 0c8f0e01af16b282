-- depends_on: {{ ref('int_snowplow__users_this_run') }}
{#-
  One row per domain_userid, from its web sessions: first and last session, totals, and
  the referrer and marketing fields of the first session (first touch).
  Incremental by user: the users of the sessions processed this run
  (int_snowplow__users_this_run) are recomputed from all their sessions and replaced.
  Stitching: user_id, stitched_user_id and is_stitched from the user mapping
  (dim_user_mapping), so user_id always equals the stitched id when there is one.
-#}
{{
  config(
    incremental_strategy=snowplow_incremental_strategy(),
    meta={'snowplow_replace': {'key': 'domain_userid', 'keys_from': 'int_snowplow__users_this_run',
                               'bound': 'none'}},
    cluster_by=snowplow_cluster_by(['domain_userid']),
  )
}}

with sessions as (

    select * from {{ ref('fct_sessions') }}
    where domain_userid is not null
    {%- if is_incremental() %}
      and domain_userid in (select domain_userid from {{ ref('int_snowplow__users_this_run') }})
    {%- endif %}

),

ranked as (

    select
        *,
        -- first session: earliest start; last session: latest end; ties are broken by
        -- the other end of the session, earlier first, then by id
        row_number() over (
            partition by domain_userid order by start_tstamp, end_tstamp, domain_sessionid
        ) as session_index,
        row_number() over (
            partition by domain_userid order by end_tstamp desc, start_tstamp, domain_sessionid
        ) as session_index_from_last
        {%- for field in snowplow_passthroughs('user') %},
        {{ field.sql }} as passthrough__{{ field.alias }}
        {%- endfor %}
    from sessions

),

totals as (

    select
        domain_userid,
        min(start_tstamp) as start_tstamp,
        max(end_tstamp) as end_tstamp,
        count(*) as sessions,
        sum(case when is_engaged then 1 else 0 end) as engaged_sessions,
        count(distinct start_date) as active_days,
        sum(page_views) as page_views,
        sum(engaged_time_in_s) as engaged_time_in_s
        {%- for field in snowplow_aggregations('user') %},
        {{ snowplow_aggregate(field.type, field.field, ['start_tstamp', 'domain_sessionid']) }} as {{ field.alias }}
        {%- endfor %}
        {%- for conversion in snowplow_conversions() %}
        {%- for name in snowplow_conversion_columns(conversion) %},
        sum({{ name }}) as {{ name }}
        {%- endfor %}
        {%- endfor %}
    from sessions
    group by domain_userid

)

select
    totals.domain_userid,
    -- the user mapping's user_id (the browser's latest by collector_tstamp), so user_id
    -- and stitched_user_id agree by construction; Snowplow takes the first session's
    mapping.user_id,
    {{ snowplow_stitched_user_id('totals.domain_userid', 'mapping.user_id') }} as stitched_user_id,
    {% if var('snowplow__enable_user_stitching') -%}
    mapping.user_id is not null
    {%- else -%}
    false
    {%- endif %} as is_stitched,
    first_session.network_userid,
    totals.start_tstamp,
    totals.end_tstamp,
    first_session.domain_sessionid as first_session_id,
    last_session.domain_sessionid as last_session_id,
    totals.sessions,
    totals.engaged_sessions,
    totals.active_days,
    totals.page_views,
    totals.engaged_time_in_s,
    first_session.first_page_url,
    first_session.first_page_title,
    first_session.first_page_urlhost,
    first_session.first_page_urlpath,
    last_session.last_page_url,
    last_session.last_page_title,
    last_session.last_page_urlhost,
    last_session.last_page_urlpath,
    first_session.referrer,
    first_session.refr_urlscheme,
    first_session.refr_urlhost,
    first_session.refr_urlpath,
    first_session.refr_urlquery,
    first_session.refr_medium,
    first_session.refr_source,
    first_session.refr_term,
    first_session.mkt_medium,
    first_session.mkt_source,
    first_session.mkt_term,
    first_session.mkt_content,
    first_session.mkt_campaign,
    first_session.mkt_clickid,
    first_session.mkt_network,
    first_session.geo_country as first_geo_country,
    first_session.geo_region_name as first_geo_region_name,
    first_session.geo_city as first_geo_city,
    first_session.br_lang as first_br_lang,
    first_session.app_id,
    first_session.channel_group as first_channel_group
    {%- for field in snowplow_passthroughs('user') %},
    first_session.passthrough__{{ field.alias }} as {{ field.alias }}
    {%- endfor %}
    {%- for field in snowplow_aggregations('user') %},
    totals.{{ field.alias }}
    {%- endfor %}
    {%- for conversion in snowplow_conversions() %}
    {%- for name in snowplow_conversion_columns(conversion) %},
    totals.{{ name }}
    {%- endfor %}
    {%- endfor %}
from totals
inner join ranked as first_session
    on first_session.domain_userid = totals.domain_userid
   and first_session.session_index = 1
inner join ranked as last_session
    on last_session.domain_userid = totals.domain_userid
   and last_session.session_index_from_last = 1
left join {{ ref('dim_user_mapping') }} as mapping
    on mapping.domain_userid = totals.domain_userid

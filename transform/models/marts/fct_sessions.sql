-- depends_on: {{ ref('int_snowplow__users_this_run') }}
-- depends_on: {{ ref('int_snowplow__user_mapping_this_run') }}
-- depends_on: {{ ref('int_snowplow__rebuild_sessions') }}
{#-
  Web sessions: sessions with at least one page view (a page_view or page_ping carrying
  a page_view_id). Incremental by session: the rows of every session processed this run
  are replaced (see macros/incremental.sql, "replace"); stitched_user_id of earlier rows
  follows the user mapping (macros/stitching.sql).
-#}
{{
  config(
    incremental_strategy=snowplow_incremental_strategy(),
    meta={'snowplow_replace': {'key': 'domain_sessionid', 'keys_from': 'int_snowplow__sessions_this_run',
                      'bound': 'session_start', 'bound_column': 'start_tstamp',
                      'rebuild': 'sessions'}},
    post_hook=["{{ snowplow_restitch() }}"],
    partition_by=snowplow_partition_by('start_tstamp', 'timestamp'),
    cluster_by=snowplow_cluster_by(['domain_userid', 'domain_sessionid']),
  )
}}

select
    sessions.domain_sessionid,
    sessions.domain_userid,
    sessions.user_id,
    {{ snowplow_stitched_user_id('sessions.domain_userid', 'mapping.user_id') }} as stitched_user_id,
    network_userid,
    domain_sessionidx,
    app_id,
    platform,
    start_tstamp,
    end_tstamp,
    cast(start_tstamp as date) as start_date,
    absolute_time_in_s,
    page_views,
    engaged_time_in_s,
    total_events,
    is_engaged,
    not is_engaged as is_bounce,
    first_page_view_id,
    first_page_url,
    first_page_title,
    first_page_urlscheme,
    first_page_urlhost,
    first_page_urlpath,
    first_page_urlquery,
    first_page_urlfragment,
    last_page_view_id,
    last_page_url,
    last_page_title,
    last_page_urlscheme,
    last_page_urlhost,
    last_page_urlpath,
    last_page_urlquery,
    last_page_urlfragment,
    referrer,
    refr_urlscheme,
    refr_urlhost,
    refr_urlpath,
    refr_urlquery,
    refr_urlfragment,
    refr_medium,
    refr_source,
    refr_term,
    mkt_medium,
    mkt_source,
    mkt_term,
    mkt_content,
    mkt_campaign,
    mkt_clickid,
    mkt_network,
    geo_country,
    geo_region_name,
    geo_city,
    geo_timezone,
    br_lang,
    useragent,
    dvce_type,
    os_timezone,
    fields.channel_group
    {{- snowplow_field_columns('session', 'fields') }}
from {{ ref('int_snowplow__sessions_this_run') }} as sessions
left join {{ ref('dim_user_mapping') }} as mapping
    on mapping.domain_userid = sessions.domain_userid
left join {{ ref('int_snowplow__session_fields_this_run') }} as fields
    on fields.domain_sessionid = sessions.domain_sessionid
where sessions.is_web_session

{#-
  Page views: one row per page_view_id within a web session, with engaged time and
  scroll depth. Page views known only from pings (the page_view event fell in another
  session or was lost) are kept and flagged: sessions count them.
  domain_userid is the session's (fct_sessions.domain_userid), so a page view is stitched
  as its session is. Incremental by session, like fct_sessions, stitched_user_id included.
-#}
-- depends_on: {{ ref('int_snowplow__sessions_this_run') }}
-- depends_on: {{ ref('int_snowplow__user_mapping_this_run') }}
-- depends_on: {{ ref('int_snowplow__rebuild_sessions') }}
-- depends_on: {{ ref('int_snowplow__page_view_fields_this_run') }}
{{
  config(
    incremental_strategy=snowplow_incremental_strategy(),
    meta={'snowplow_replace': {'key': 'domain_sessionid', 'keys_from': 'int_snowplow__sessions_this_run',
                      'bound': 'session_start', 'bound_column': 'start_tstamp',
                      'rebuild': 'sessions'}},
    post_hook=["{{ snowplow_restitch() }}"],
    partition_by=snowplow_partition_by('start_tstamp', 'timestamp'),
    cluster_by=snowplow_cluster_by(['domain_sessionid', 'page_view_id']),
  )
}}

-- a page view belongs to its session's user (as in Snowplow's page views), so it is
-- stitched exactly as its session is, whatever cookie its own events carried
with sessions as (

    select domain_sessionid as session_key, domain_userid as session_domain_userid
    from {{ ref('int_snowplow__sessions_this_run') }}

)

select
    page_view_key,
    page_view_id,
    domain_sessionid,
    event_id,
    sessions.session_domain_userid as domain_userid,
    page_views.user_id,
    {{ snowplow_stitched_user_id('sessions.session_domain_userid', 'mapping.user_id') }} as stitched_user_id,
    network_userid,
    app_id,
    platform,
    has_page_view_event,
    page_view_in_session_index,
    start_tstamp,
    end_tstamp,
    cast(start_tstamp as date) as start_date,
    collector_tstamp,
    dvce_created_tstamp,
    derived_tstamp,
    engaged_time_in_s,
    absolute_time_in_s,
    horizontal_pixels_scrolled,
    vertical_pixels_scrolled,
    horizontal_percentage_scrolled,
    vertical_percentage_scrolled,
    doc_width,
    doc_height,
    br_viewwidth,
    br_viewheight,
    page_url,
    page_title,
    page_urlscheme,
    page_urlhost,
    page_urlpath,
    page_urlquery,
    page_urlfragment,
    page_referrer,
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
    os_timezone
    {{- snowplow_field_columns('page_view', 'fields') }}
from {{ ref('int_snowplow__page_views_this_run') }} as page_views
inner join sessions
    on sessions.session_key = page_views.domain_sessionid
left join {{ ref('dim_user_mapping') }} as mapping
    on mapping.domain_userid = sessions.session_domain_userid
{%- if snowplow_field_names('page_view') %}
left join {{ ref('int_snowplow__page_view_fields_this_run') }} as fields
    on fields.fields_page_view_key = page_views.page_view_key
{%- endif %}

{#-
  Every session processed this run, web or not (fct_sessions keeps the web ones, and
  replaces the rows of all of them, so a session that stops being a web session leaves).

  user: the first non-null domain_userid by time, so later events never move a session.
  app_id and network_userid: those of its first page view, as in Snowplow's sessions.
  start/end: min/max derived_tstamp of its events (within the cut); when its first page
  event is a page ping, the page view began min_visit_length before it and so did the session.
-#}
{%- set heartbeat = var('snowplow__heartbeat') -%}
{%- set min_visit_length = var('snowplow__min_visit_length') -%}
{%- set session_in_time_order -%}
    (partition by domain_sessionid
     order by derived_tstamp, dvce_created_tstamp asc nulls last, event_id
     rows between unbounded preceding and unbounded following)
{%- endset %}

with events as (

    select * from {{ ref('int_snowplow__events_this_run') }}

),

page_views as (

    select * from {{ ref('int_snowplow__page_views_this_run') }}

),

ordered_events as (

    select
        domain_sessionid,
        event_name,
        page_view_id,
        derived_tstamp,
        platform,
        domain_sessionidx,
        first_value(domain_userid ignore nulls) over {{ session_in_time_order }} as domain_userid,
        first_value(user_id ignore nulls) over {{ session_in_time_order }} as user_id,
        row_number() over (
            partition by domain_sessionid
            order by derived_tstamp, dvce_created_tstamp asc nulls last, event_id
        ) as event_index
    from events

),

event_totals as (

    select
        domain_sessionid,
        min(derived_tstamp) as first_event_tstamp,
        max(derived_tstamp) as last_event_tstamp,
        count(*) as total_events
    from events
    group by domain_sessionid

),

first_page_events as (

    select
        domain_sessionid,
        event_name as first_page_event_name,
        derived_tstamp as first_page_event_tstamp
    from ordered_events
    where event_name in ('page_view', 'page_ping')
      and page_view_id is not null
    qualify row_number() over (partition by domain_sessionid order by event_index) = 1

),

page_view_totals as (

    select
        domain_sessionid,
        count(*) as page_views,
        sum(engaged_time_in_s) as engaged_time_in_s,
        max(page_view_in_session_index) as last_page_view_index
    from page_views
    group by domain_sessionid

),

sessions as (

    select
        ordered_events.domain_sessionid,
        ordered_events.domain_userid,
        ordered_events.user_id,
        ordered_events.domain_sessionidx,
        ordered_events.platform,
        case
            when first_page_events.first_page_event_name = 'page_ping'
             and {{ snowplow_add_seconds('first_page_events.first_page_event_tstamp', -min_visit_length) }}
                 < event_totals.first_event_tstamp
            then {{ snowplow_add_seconds('first_page_events.first_page_event_tstamp', -min_visit_length) }}
            else event_totals.first_event_tstamp
        end as start_tstamp,
        event_totals.last_event_tstamp as end_tstamp,
        event_totals.total_events,
        coalesce(page_view_totals.page_views, 0) as page_views,
        coalesce(page_view_totals.engaged_time_in_s, 0) as engaged_time_in_s,
        page_view_totals.last_page_view_index
    from ordered_events
    inner join event_totals
        on event_totals.domain_sessionid = ordered_events.domain_sessionid
    left join first_page_events
        on first_page_events.domain_sessionid = ordered_events.domain_sessionid
    left join page_view_totals
        on page_view_totals.domain_sessionid = ordered_events.domain_sessionid
    where ordered_events.event_index = 1

)

select
    sessions.domain_sessionid,
    sessions.domain_userid,
    sessions.user_id,
    first_page.network_userid,
    sessions.domain_sessionidx,
    first_page.app_id,
    sessions.platform,
    sessions.page_views > 0 as is_web_session,
    sessions.start_tstamp,
    sessions.end_tstamp,
    {{ snowplow_seconds_between('sessions.start_tstamp', 'sessions.end_tstamp') }} as absolute_time_in_s,
    sessions.page_views,
    sessions.engaged_time_in_s,
    sessions.total_events,
    (sessions.page_views >= 2 or sessions.engaged_time_in_s >= 2 * {{ heartbeat }}) as is_engaged,
    first_page.page_view_id as first_page_view_id,
    first_page.page_url as first_page_url,
    first_page.page_title as first_page_title,
    first_page.page_urlscheme as first_page_urlscheme,
    first_page.page_urlhost as first_page_urlhost,
    first_page.page_urlpath as first_page_urlpath,
    first_page.page_urlquery as first_page_urlquery,
    first_page.page_urlfragment as first_page_urlfragment,
    last_page.page_view_id as last_page_view_id,
    last_page.page_url as last_page_url,
    last_page.page_title as last_page_title,
    last_page.page_urlscheme as last_page_urlscheme,
    last_page.page_urlhost as last_page_urlhost,
    last_page.page_urlpath as last_page_urlpath,
    last_page.page_urlquery as last_page_urlquery,
    last_page.page_urlfragment as last_page_urlfragment,
    first_page.page_referrer as referrer,
    first_page.refr_urlscheme,
    first_page.refr_urlhost,
    first_page.refr_urlpath,
    first_page.refr_urlquery,
    first_page.refr_urlfragment,
    first_page.refr_medium,
    first_page.refr_source,
    first_page.refr_term,
    first_page.mkt_medium,
    first_page.mkt_source,
    first_page.mkt_term,
    first_page.mkt_content,
    first_page.mkt_campaign,
    first_page.mkt_clickid,
    first_page.mkt_network,
    first_page.geo_country,
    first_page.geo_region_name,
    first_page.geo_city,
    first_page.geo_timezone,
    first_page.br_lang,
    first_page.useragent,
    first_page.dvce_type,
    first_page.os_timezone
from sessions
left join page_views as first_page
    on first_page.domain_sessionid = sessions.domain_sessionid
   and first_page.page_view_in_session_index = 1
left join page_views as last_page
    on last_page.domain_sessionid = sessions.domain_sessionid
   and last_page.page_view_in_session_index = sessions.last_page_view_index

{#-
  Page views of the sessions processed this run: one row per page_view_id within a
  session, built from its page_view and page_ping events.

  Engaged time = heartbeat * (distinct heartbeat-wide buckets of its pings' dvce_created_tstamp - 1)
                 + min_visit_length, and 0 without pings.
  Scroll depth = the furthest offset any ping reports plus the viewport, over the document
  size of the page view's first event, capped at 100 %.
-#}
{%- set heartbeat = var('snowplow__heartbeat') -%}
{%- set min_visit_length = var('snowplow__min_visit_length') -%}

with page_events as (

    select *
    from {{ ref('int_snowplow__events_this_run') }}
    where event_name in ('page_view', 'page_ping')
      and page_view_id is not null

),

pings as (

    select
        domain_sessionid,
        page_view_id,
        count(distinct {{ snowplow_time_bucket('coalesce(dvce_created_tstamp, derived_tstamp)', heartbeat) }}) as heartbeats,
        min(derived_tstamp) as first_ping_tstamp,
        max(derived_tstamp) as last_ping_tstamp,
        max(pp_xoffset_max) as max_x_offset,
        max(pp_yoffset_max) as max_y_offset
    from page_events
    where event_name = 'page_ping'
    group by domain_sessionid, page_view_id

),

first_events as (

    -- the event a page view is described by: its earliest page_view event, or, for a
    -- page view seen only through pings, its earliest ping
    select *
    from page_events
    qualify row_number() over (
        partition by domain_sessionid, page_view_id
        order by
            case when event_name = 'page_view' then 0 else 1 end,
            derived_tstamp asc nulls last,
            dvce_created_tstamp asc nulls last,
            event_id
    ) = 1

),

timed as (

    select
        first_events.*,
        first_events.event_name = 'page_view' as has_page_view_event,
        case
            when first_events.event_name = 'page_view' then first_events.derived_tstamp
            else {{ snowplow_add_seconds('first_events.derived_tstamp', -min_visit_length) }}
        end as page_view_start_tstamp,
        pings.heartbeats,
        pings.last_ping_tstamp,
        coalesce(pings.max_x_offset, 0) as max_x_offset,
        coalesce(pings.max_y_offset, 0) as max_y_offset
    from first_events
    left join pings
        on pings.domain_sessionid = first_events.domain_sessionid
       and pings.page_view_id = first_events.page_view_id

),

measured as (

    select
        *,
        case
            when last_ping_tstamp > page_view_start_tstamp then last_ping_tstamp
            else page_view_start_tstamp
        end as page_view_end_tstamp,
        case
            when heartbeats > 0 then {{ heartbeat }} * (heartbeats - 1) + {{ min_visit_length }}
            else 0
        end as engaged_time_in_s,
        case when max_x_offset > 0 then max_x_offset else 0 end as horizontal_pixels_scrolled,
        case when max_y_offset > 0 then max_y_offset else 0 end as vertical_pixels_scrolled
    from timed

)

select
    {{ snowplow_surrogate_key(['domain_sessionid', 'page_view_id']) }} as page_view_key,
    page_view_id,
    domain_sessionid,
    event_id,
    domain_userid,
    user_id,
    network_userid,
    app_id,
    platform,
    has_page_view_event,
    row_number() over (
        partition by domain_sessionid
        order by page_view_start_tstamp, dvce_created_tstamp asc nulls last, event_id
    ) as page_view_in_session_index,
    page_view_start_tstamp as start_tstamp,
    page_view_end_tstamp as end_tstamp,
    collector_tstamp,
    dvce_created_tstamp,
    derived_tstamp,
    engaged_time_in_s,
    {{ snowplow_seconds_between('page_view_start_tstamp', 'page_view_end_tstamp') }} as absolute_time_in_s,
    horizontal_pixels_scrolled,
    vertical_pixels_scrolled,
    case when doc_width > 0 then
        least(100, round(100 * (horizontal_pixels_scrolled + coalesce(br_viewwidth, 0)) / cast(doc_width as {{ dbt.type_float() }})))
    end as horizontal_percentage_scrolled,
    case when doc_height > 0 then
        least(100, round(100 * (vertical_pixels_scrolled + coalesce(br_viewheight, 0)) / cast(doc_height as {{ dbt.type_float() }})))
    end as vertical_percentage_scrolled,
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
from measured

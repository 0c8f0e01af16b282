{#-
  The events bot filtering leaves out of sessions, page views and users (macros/bots.sql),
  so they are counted rather than silently lost: one row per event, with what marked it.
  Empty when the filter is off (var snowplow__filter_bots).
-#}
{{ config(materialized='view') }}

select
    event_id,
    event_name,
    domain_sessionid,
    domain_userid,
    derived_tstamp,
    load_tstamp,
    useragent,
    iab_spider_or_robot
from {{ ref('stg_snowplow__events') }}
where {{ 'is_bot' if var('snowplow__filter_bots') else 'false' }}

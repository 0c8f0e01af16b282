{#-
  The events bot filtering leaves out of sessions, page views and users (macros/bots.sql),
  so they are counted rather than silently lost: one row per event, with what marked it:
  which user-agent list matched (Snowplow's terms, crawler-user-agents) and the IAB
  enrichment's fields.
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
    iab_spider_or_robot,
    {{ snowplow_useragent_in_list('useragent', 'snowplow') }} as useragent_in_snowplow_list,
    {{ snowplow_useragent_in_list('useragent', 'crawler_user_agents') }} as useragent_in_crawler_user_agents,
    category,
    primary_impact,
    reason,
    spider_or_robot
from {{ ref('stg_snowplow__events') }}
where {{ 'is_bot' if var('snowplow__filter_bots') else 'false' }}

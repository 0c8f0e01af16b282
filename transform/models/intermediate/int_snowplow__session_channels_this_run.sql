{#-
  The default channel group of every session processed this run (macros/channels.sql),
  from its first-touch fields: the first page view's UTM fields (mkt_*) when it has any,
  else its referrer when that is another site, else Direct. Snowplow's packages call
  traffic without campaign fields and without referrer Unassigned; this follows Google
  Analytics, which calls it Direct (SEMANTICS.md, "Channels").

  Inputs, as GA4 derives them (lower-cased):
    campaign click   source = utm_source, else the click id's ad network, else the referrer;
                     medium = utm_medium, else cpc for a click id; campaign = utm_campaign
    other site       source = the referer parser's name for it, else its host without www.;
                     medium = organic (a search engine), email (a webmail site), social,
                     or referral
    neither          source = (direct), medium = (none)
  A source's category comes from the source-category seed, by source, else by host.
-#}

with sessions as (

    select
        domain_sessionid,
        mkt_source,
        mkt_medium,
        mkt_campaign,
        mkt_clickid,
        mkt_network,
        refr_medium,
        refr_source,
        case
            when refr_urlhost is null or refr_urlhost = ''
              or refr_urlhost = first_page_urlhost or refr_medium = 'internal' then null
            when lower(refr_urlhost) like 'www.%' then substr(lower(refr_urlhost), 5)
            else lower(refr_urlhost)
        end as referrer_host,
        coalesce(mkt_source, mkt_medium, mkt_campaign, mkt_clickid) is not null as has_campaign
    from {{ ref('int_snowplow__sessions_this_run') }}

),

categories as (

    select lower(source) as source, max(source_category) as source_category  -- noqa: RF04
    from {{ snowplow_source_categories() }}
    group by lower(source)

),

sources as (

    select
        *,
        case
            when has_campaign then lower(coalesce(
                mkt_source,
                case mkt_network
                    when 'Google' then 'google'
                    when 'Microsoft' then 'bing'
                    when 'DoubleClick' then 'dv360'
                end,
                nullif(refr_source, ''),
                referrer_host,
                '(not set)'))
            when referrer_host is not null then lower(coalesce(nullif(refr_source, ''), referrer_host))
            else '(direct)'
        end as source  -- noqa: RF04
    from sessions

),

categorised as (

    select
        sources.*,
        coalesce(by_source.source_category, by_host.source_category) as source_category
    from sources
    left join categories as by_source
        on by_source.source = sources.source
    left join categories as by_host
        on by_host.source = sources.referrer_host

),

inputs as (

    select
        domain_sessionid,
        source,
        case
            when has_campaign then lower(coalesce(
                mkt_medium,
                case when mkt_clickid is not null and mkt_network = 'DoubleClick' then 'display'
                     when mkt_clickid is not null then 'cpc' end,
                '(not set)'))
            when referrer_host is null then '(none)'
            when refr_medium = 'search' or source_category = 'search' then 'organic'
            when refr_medium = 'email' or source_category = 'email' then 'email'
            when refr_medium = 'social' then 'social'
            else 'referral'
        end as medium,
        case
            when has_campaign then lower(coalesce(mkt_campaign, '(not set)'))
            else '(not set)'
        end as campaign,
        source_category
    from categorised

)

select
    domain_sessionid,
    source,
    medium,
    campaign,
    source_category,
    {{ snowplow_channel_group('source', 'medium', 'campaign', 'source_category') }} as channel_group
from inputs

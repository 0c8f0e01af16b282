{{ config(tags=["whole_table"]) }}
-- A session's page views and engaged time are the count and sum of its page views.
with page_views as (

    select
        domain_sessionid,
        count(*) as page_views,
        sum(engaged_time_in_s) as engaged_time_in_s
    from {{ ref('fct_page_views') }}
    group by domain_sessionid

)

select sessions.domain_sessionid
from {{ ref('fct_sessions') }} as sessions
left join page_views
    on page_views.domain_sessionid = sessions.domain_sessionid
where page_views.domain_sessionid is null
   or sessions.page_views != page_views.page_views
   or sessions.engaged_time_in_s != page_views.engaged_time_in_s

{{ config(tags=["whole_table"]) }}
-- No session lasts longer than max_session_days (plus the min_visit_length of a page ping start).
select domain_sessionid
from {{ ref('fct_sessions') }}
where absolute_time_in_s > {{ var('snowplow__max_session_days') }} * 86400 + {{ var('snowplow__min_visit_length') }}

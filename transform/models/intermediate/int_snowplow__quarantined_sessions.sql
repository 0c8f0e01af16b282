{#-
  Sessions with events more than max_session_days after their start (bots, tabs left
  open, replayed ids). They are cut at start + max_session_days; later events of theirs
  never reopen them.
-#}
{{ config(materialized='view') }}

select
    domain_sessionid,
    start_tstamp,
    cut_tstamp,
    max_derived_tstamp
from {{ ref('int_snowplow__session_lifecycle') }}
where is_quarantined

{#-
  User mapping: one row per browser (domain_userid) that has ever been identified, with
  the latest user_id seen with it. The source of stitched_user_id on fct_sessions,
  fct_page_views and dim_users (macros/stitching.sql).
  Incremental by browser: the rows int_snowplow__user_mapping_this_run recomputed are
  replaced; a browser left without any identified event leaves.
-#}
{{
  config(
    incremental_strategy=snowplow_incremental_strategy(),
    meta={'snowplow_replace': {'key': 'domain_userid', 'keys_from': 'int_snowplow__user_mapping_this_run',
                               'bound': 'none'}},
    cluster_by=snowplow_cluster_by(['domain_userid']),
  )
}}

select
    domain_userid,
    user_id,
    last_identified_tstamp,
    last_identified_event_id
from {{ ref('int_snowplow__user_mapping_this_run') }}
where user_id is not null

{#-
  Users whose dim_users row this run recomputes: the users of the sessions processed this
  run, as they are now and as fct_sessions had them before this run (a session can change
  hands when an earlier event with another domain_userid arrives, or stop being a web
  session), plus the browsers whose user mapping changed (is_stitched may change) and,
  in a windowed rebuild, the users of the rebuilt sessions. Built before fct_sessions is
  replaced (fct_sessions depends on it).
-#}
{%- set window = snowplow_run_window() -%}
{%- set rebuild = snowplow_rebuild() -%}
{%- set previous = snowplow_existing_relation('fct_sessions') if window.lower is not none else none %}
-- depends_on: {{ ref('int_snowplow__rebuild_sessions') }}

with sessions as (

    select domain_sessionid, domain_userid
    from {{ ref('int_snowplow__sessions_this_run') }}
    where is_web_session

),

users as (

    select domain_userid from sessions
    {%- if previous is not none %}
    union all
    select previous.domain_userid
    from {{ previous }} as previous
    inner join {{ ref('int_snowplow__sessions_this_run') }} as processed
        on processed.domain_sessionid = previous.domain_sessionid
    {%- if rebuild is not none %}
    union all
    select previous.domain_userid
    from {{ previous }} as previous
    where {{ snowplow_in_rebuild('previous.domain_sessionid') }}
    {%- endif %}
    {%- endif %}
    union all
    select domain_userid from {{ ref('int_snowplow__user_mapping_this_run') }}

)

select distinct domain_userid
from users
where domain_userid is not null

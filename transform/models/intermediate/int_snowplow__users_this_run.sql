{#-
  Users whose dim_users row this run recomputes: the users of the sessions processed this
  run, as they are now and as fct_sessions had them before this run (a session can change
  hands when an earlier event with another domain_userid arrives, or stop being a web
  session). Built before fct_sessions is replaced (fct_sessions depends on it).
-#}
{%- set window = snowplow_run_window() -%}
{%- set previous = snowplow_existing_relation('fct_sessions') if window.lower is not none else none %}

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
    {%- endif %}

)

select distinct domain_userid
from users
where domain_userid is not null

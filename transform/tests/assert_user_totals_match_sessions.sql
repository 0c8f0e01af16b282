{{ config(tags=["whole_table"]) }}
-- A user's session count equals the sessions attributed to them.
with sessions as (

    select domain_userid, count(*) as sessions
    from {{ ref('fct_sessions') }}
    where domain_userid is not null
    group by domain_userid

)

select users.domain_userid
from {{ ref('dim_users') }} as users
full outer join sessions
    on sessions.domain_userid = users.domain_userid
where users.domain_userid is null
   or sessions.domain_userid is null
   or users.sessions != sessions.sessions

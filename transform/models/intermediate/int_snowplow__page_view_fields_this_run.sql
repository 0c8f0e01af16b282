{#-
  What fct_page_views adds to each page view processed this run: the passthroughs
  evaluated on the page view's first event (the event fct_page_views describes it by:
  its first page_view, else its first ping) and the aggregations over every event of the
  session carrying its page_view_id (macros/fields.sql). Only the keys when none is
  configured; fct_page_views then does not join it.
-#}
{%- set passthroughs = snowplow_passthroughs('page_view') -%}
{%- set aggregations = snowplow_aggregations('page_view') -%}
{%- set in_time_order = ['derived_tstamp', 'dvce_created_tstamp', 'event_id'] %}

{%- if not (passthroughs or aggregations) %}

select cast(null as {{ dbt.type_string() }}) as fields_page_view_key
from (select 1 as nothing) as no_fields
where false

{%- else %}

with events as (

    select *
    from {{ ref('int_snowplow__events_this_run') }}
    where page_view_id is not null

),

first_events as (

    select
        domain_sessionid,
        page_view_id
        {%- for field in passthroughs %},
        {{ field.sql }} as {{ field.alias }}
        {%- endfor %}
    from events
    where event_name in ('page_view', 'page_ping')
    qualify row_number() over (
        partition by domain_sessionid, page_view_id
        order by
            case when event_name = 'page_view' then 0 else 1 end,
            derived_tstamp asc nulls last,
            dvce_created_tstamp asc nulls last,
            event_id
    ) = 1

),

aggregated as (

    select
        domain_sessionid,
        page_view_id
        {%- for field in aggregations %},
        {{ snowplow_aggregate(field.type, field.field, in_time_order) }} as {{ field.alias }}
        {%- endfor %}
    from events
    group by domain_sessionid, page_view_id

)

select
    {{ snowplow_surrogate_key(['first_events.domain_sessionid', 'first_events.page_view_id']) }} as fields_page_view_key
    {%- for field in passthroughs %},
    first_events.{{ field.alias }}
    {%- endfor %}
    {%- for field in aggregations %},
    aggregated.{{ field.alias }}
    {%- endfor %}
from first_events
left join aggregated  -- noqa: ST11
    on aggregated.domain_sessionid = first_events.domain_sessionid
   and aggregated.page_view_id = first_events.page_view_id

{%- endif %}

{#-
  One row per event_id: raw events (this project's raw_events or a Snowplow BigQuery Loader
  table, macros/events.sql) renamed and cast, page_view_id taken from the web_page
  context, events sent more than days_late_allowed after creation dropped, duplicates
  removed (earliest collector_tstamp, then dvce_created_tstamp, then a deterministic tie-break),
  bots flagged (is_bot, macros/bots.sql: kept here, left out by the models built on it),
  with the IAB enrichment's fields (category, primary_impact, reason, spider_or_robot).

  Incremental: reads the raw rows loaded since this table's high-water mark minus the
  look-back (a literal, so BigQuery prunes raw_events' load_tstamp partitions), compares
  them with the copies of the same event_ids already stored, and replaces those.
  A windowed rebuild (macros/rebuild.sql) instead reads the raw rows of the rebuilt
  sessions inside its scan range, and replaces their stored rows in that range.
-#}
-- depends_on: {{ ref('int_snowplow__rebuild_sessions') }}
-- depends_on: {{ ref('int_snowplow__rebuild_browsers') }}
{{
  config(
    incremental_strategy=snowplow_incremental_strategy(),
    meta={'snowplow_replace': {'key': 'event_id', 'bound': 'stg_copies', 'bound_column': 'load_tstamp',
                                'rebuild': 'events'}},
    partition_by=snowplow_partition_by('load_tstamp', 'timestamp'),
    cluster_by=snowplow_cluster_by(['domain_sessionid', 'event_name']),
  )
}}

{%- set columns = [
    'event_id', 'event_name', 'event_type', 'event_vendor', 'event_version', 'app_id', 'platform',
    'collector_tstamp', 'dvce_created_tstamp', 'dvce_sent_tstamp', 'derived_tstamp', 'etl_tstamp',
    'load_tstamp', 'load_file_key', 'event_fingerprint',
    'user_id', 'domain_userid', 'network_userid', 'domain_sessionid', 'domain_sessionidx',
    'page_view_id', 'page_url', 'page_title', 'page_referrer', 'page_urlscheme', 'page_urlhost',
    'page_urlpath', 'page_urlquery', 'page_urlfragment',
    'refr_urlscheme', 'refr_urlhost', 'refr_urlpath', 'refr_urlquery', 'refr_urlfragment',
    'refr_medium', 'refr_source', 'refr_term',
    'mkt_medium', 'mkt_source', 'mkt_term', 'mkt_content', 'mkt_campaign', 'mkt_clickid', 'mkt_network',
    'geo_country', 'geo_region_name', 'geo_city', 'geo_timezone',
    'br_lang', 'br_viewwidth', 'br_viewheight', 'doc_width', 'doc_height',
    'pp_xoffset_min', 'pp_xoffset_max', 'pp_yoffset_min', 'pp_yoffset_max',
    'useragent', 'dvce_type', 'os_timezone', 'iab_spider_or_robot', 'is_bot',
    'category', 'primary_impact', 'reason', 'spider_or_robot',
] -%}
{%- set iab = 'iglu:com.iab.snowplow/spiders_and_robots/jsonschema/1-' -%}
{#- snowplow__event_fields (macros/fields.sql): the columns users add -#}
{%- set event_fields = snowplow_event_fields() -%}
{%- set columns = columns + event_fields | map(attribute='alias') | list -%}

{%- set rebuild = snowplow_rebuild() -%}
{%- set lower = none -%}
{%- set copies_from = none -%}
{%- if rebuild is not none -%}
  {%- set copies_from = rebuild.copies_from -%}
{%- elif is_incremental() -%}
  {%- set lower = snowplow_stg_lower() -%}
  {%- if lower is not none -%}
    {%- set copies_from = snowplow_stg_copies_from(lower) -%}
  {%- endif -%}
{%- endif %}

with source as (

    select * from {{ snowplow_events() }}
    where {{ snowplow_start_filter('load_tstamp') }}
      and {{ snowplow_app_id_filter('app_id') }}
    {%- if rebuild is not none %}
      and load_tstamp >= {{ snowplow_timestamp_literal(rebuild.scan_from) }}
      and {{ snowplow_rebuild_loaded('load_tstamp') }}
      and {{ snowplow_in_rebuild_scan(rebuild) }}
    {%- elif lower is not none %}
      and load_tstamp > {{ snowplow_timestamp_literal(lower) }}
    {%- endif %}

),

renamed as (

    select
        event_id,
        event_name,
        event as event_type,
        event_vendor,
        event_version,
        app_id,
        platform,

        collector_tstamp,
        dvce_created_tstamp,
        dvce_sent_tstamp,
        derived_tstamp,
        etl_tstamp,
        load_tstamp,
        {{ snowplow_load_file_key() }} as load_file_key,
        event_fingerprint,

        user_id,
        domain_userid,
        network_userid,
        domain_sessionid,
        cast(domain_sessionidx as {{ dbt.type_int() }}) as domain_sessionidx,

        cast({{ snowplow_context_value(
            'contexts', 'iglu:com.snowplowanalytics.snowplow/web_page/jsonschema/1-', 'id') }}
            as {{ dbt.type_string() }}) as page_view_id,
        page_url,
        page_title,
        page_referrer,
        page_urlscheme,
        page_urlhost,
        page_urlpath,
        page_urlquery,
        page_urlfragment,

        refr_urlscheme,
        refr_urlhost,
        refr_urlpath,
        refr_urlquery,
        refr_urlfragment,
        refr_medium,
        refr_source,
        refr_term,

        mkt_medium,
        mkt_source,
        mkt_term,
        mkt_content,
        mkt_campaign,
        mkt_clickid,
        mkt_network,

        geo_country,
        geo_region_name,
        geo_city,
        geo_timezone,

        br_lang,
        cast(br_viewwidth as {{ dbt.type_int() }}) as br_viewwidth,
        cast(br_viewheight as {{ dbt.type_int() }}) as br_viewheight,
        cast(doc_width as {{ dbt.type_int() }}) as doc_width,
        cast(doc_height as {{ dbt.type_int() }}) as doc_height,
        cast(pp_xoffset_min as {{ dbt.type_int() }}) as pp_xoffset_min,
        cast(pp_xoffset_max as {{ dbt.type_int() }}) as pp_xoffset_max,
        cast(pp_yoffset_min as {{ dbt.type_int() }}) as pp_yoffset_min,
        cast(pp_yoffset_max as {{ dbt.type_int() }}) as pp_yoffset_max,
        useragent,
        dvce_type,
        os_timezone,
        {{ snowplow_iab_spider_or_robot('derived_contexts') }} as iab_spider_or_robot,
        -- the IAB spiders-and-robots enrichment's verdict, named as Snowplow's packages
        -- name it, so a filtered event says why (NULL when the enrichment did not run)
        cast({{ snowplow_context_value('derived_contexts', iab, 'category') }} as {{ dbt.type_string() }}) as category,
        cast({{ snowplow_context_value('derived_contexts', iab, 'primaryImpact') }} as {{ dbt.type_string() }}) as primary_impact,
        cast({{ snowplow_context_value('derived_contexts', iab, 'reason') }} as {{ dbt.type_string() }}) as reason
        {%- for field in event_fields %},
        {{ field.sql }} as {{ field.alias }}
        {%- endfor %}

    from source
    -- late-event rule: an event sent more than days_late_allowed after it was created is
    -- dropped (without both timestamps there is nothing to judge, so it is kept)
    where dvce_sent_tstamp is null
       or dvce_created_tstamp is null
       or dvce_sent_tstamp <= {{ snowplow_add_days('dvce_created_tstamp', var('snowplow__days_late_allowed')) }}

),

flagged as (

    select
        *,
        {{ snowplow_is_bot('useragent', 'iab_spider_or_robot') }} as is_bot,
        iab_spider_or_robot as spider_or_robot
    from renamed

),

candidates as (

    select {{ columns | join(', ') }} from flagged
    {%- if is_incremental() %}
    union all
    -- copies already stored for the same event_ids compete again, so a late copy with an
    -- earlier collector_tstamp wins exactly as it would in a full refresh
    -- a column added to the model since the stored rows were written reads as NULL until
    -- on_schema_change appends it (a full refresh fills it)
    {%- set stored = adapter.get_columns_in_relation(this) | map(attribute='name') | map('lower') | list %}
    select
    {%- for column in columns %}
        {{ column if column in stored else 'null as ' ~ column }}{{ ',' if not loop.last }}
    {%- endfor %}
    from {{ this }}
    {%- if copies_from is none %}
    where false
    {%- else %}
    {%- set copies %}
        load_tstamp >= {{ snowplow_timestamp_literal(copies_from) }}
        and event_id in (select event_id from renamed)
        {%- if rebuild is not none %}
        and not {{ snowplow_in_rebuild_scan(rebuild) }}
        {%- endif %}
    {%- endset %}
    where {{ snowplow_rows_where(this, copies) }}
    {%- endif %}
    {%- endif %}

)

select * from candidates
qualify row_number() over (
    partition by event_id
    order by
        collector_tstamp asc nulls last,
        dvce_created_tstamp asc nulls last,
        derived_tstamp asc nulls last,
        dvce_sent_tstamp asc nulls last,
        etl_tstamp asc nulls last,
        load_tstamp asc nulls last,
        load_file_key asc nulls last,
        event_fingerprint asc nulls last,
        domain_sessionid asc nulls last,
        page_view_id asc nulls last
) = 1

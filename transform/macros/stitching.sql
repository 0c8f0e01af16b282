{#-
  User stitching (var snowplow__enable_user_stitching, on by default): every session and
  page view of a browser carries stitched_user_id = the latest user_id known for its
  domain_userid (dim_user_mapping), or the domain_userid while none is known.

  Rows built this run join the mapping as it is now. Rows built earlier are brought up
  to date by a post-hook on fct_sessions and fct_page_views: one UPDATE of the rows of
  the browsers whose mapping this run recomputed (int_snowplow__user_mapping_this_run),
  the same statement on DuckDB and BigQuery. So a user_id that arrives after a browser's
  first sessions were built reaches those sessions in the next run, and the result
  equals a full refresh.
-#}

{#- The stitched id from a row's domain_userid and its mapped user_id (NULL when off). -#}
{% macro snowplow_stitched_user_id(domain_userid, mapped_user_id) -%}
  {%- if var('snowplow__enable_user_stitching') -%}
    coalesce({{ mapped_user_id }}, {{ domain_userid }})
  {%- else -%}
    cast(null as {{ dbt.type_string() }})
  {%- endif -%}
{%- endmacro %}

{#- Post-hook: re-stitch the stored rows of the browsers whose mapping changed. -#}
{% macro snowplow_restitch() %}
  {%- set changed = snowplow_existing_relation('int_snowplow__user_mapping_this_run') -%}
  {%- if not var('snowplow__enable_user_stitching') or changed is none -%}
    {{ return('') }}
  {%- endif -%}
  update {{ this }} as stitched
     set stitched_user_id = {{ snowplow_stitched_user_id('stitched.domain_userid', 'mapping.user_id') }}
    from {{ changed }} as mapping
   where stitched.domain_userid = mapping.domain_userid
     and stitched.stitched_user_id is distinct from
         {{ snowplow_stitched_user_id('stitched.domain_userid', 'mapping.user_id') }}
{% endmacro %}

{#-
  Conversions, configured, not coded (SEMANTICS.md, "Conversions"): var
  snowplow__conversions is a list of
    name         lower-case column-name part: sessions and users get cv_<name>_count and,
                 with a value, cv_<name>_value
    condition    SQL over the event's columns (stg_snowplow__events, snowplow__event_fields
                 included) that makes an event this conversion
    value        optional SQL: the conversion's value (summed; NULL counts as 0)
    list_events  true (default): each such event is a row of fct_conversions
  Only events of web sessions count (fct_sessions' sessions). Changing the list needs
  --full-refresh.
-#}

{% macro snowplow_conversions() %}
  {% set variable = 'snowplow__conversions' %}
  {% set found = [] %}
  {% set names = [] %}
  {% for entry in var(variable, []) or [] %}
    {% if entry is not mapping %}
      {% do snowplow_config_error(variable, loop.index0, "expected {name, condition, value, list_events}") %}
    {% endif %}
    {% set name = entry.get('name') %}
    {% if name is not string or not modules.re.match('^[a-z][a-z0-9_]*$', name) %}
      {% do snowplow_config_error(variable, loop.index0,
          "name must be lower case letters, digits and _, got " ~ (name | string)) %}
    {% endif %}
    {% if name in names %}
      {% do snowplow_config_error(variable, loop.index0, "name " ~ name ~ " is used twice") %}
    {% endif %}
    {% if not entry.get('condition') %}
      {% do snowplow_config_error(variable, loop.index0, "condition is missing") %}
    {% endif %}
    {% do names.append(name) %}
    {% do found.append({
        'name': name,
        'condition': entry['condition'],
        'value': entry.get('value'),
        'list_events': entry.get('list_events', true),
    }) %}
  {% endfor %}
  {{ return(found) }}
{% endmacro %}

{#- The conversions fct_conversions lists (list_events); none: it stays empty, and its
    post-hooks (restitch, attribution) issue no statement. -#}
{% macro snowplow_listed_conversions() %}
  {{ return(snowplow_conversions() | selectattr('list_events') | list) }}
{% endmacro %}

{#- The per-session (and per-user) columns of one conversion. -#}
{% macro snowplow_conversion_columns(conversion) %}
  {% set columns = ['cv_' ~ conversion.name ~ '_count'] %}
  {% if conversion.value %}{% do columns.append('cv_' ~ conversion.name ~ '_value') %}{% endif %}
  {{ return(columns) }}
{% endmacro %}

{#- Aggregates over a session's events: the count and value of each conversion. -#}
{% macro snowplow_conversion_aggregates() -%}
  {%- for conversion in snowplow_conversions() -%}
    ,
    sum(case when {{ conversion.condition }} then 1 else 0 end) as cv_{{ conversion.name }}_count
    {%- if conversion.value %},
    coalesce(sum(case when {{ conversion.condition }}
                      then cast({{ conversion.value }} as {{ snowplow_type_double() }}) end), 0)
        as cv_{{ conversion.name }}_value
    {%- endif -%}
  {%- endfor -%}
{%- endmacro %}

{#-
  Post-hook of fct_conversions: last non-direct channel within the look-back
  (var snowplow__conversion_lookback_days, 30) for every conversion of the users whose
  sessions this run changed: the channel of the user's latest session that started at
  most that many days before the conversion (and not after it) and is not Direct; Direct
  when there is none. A session that changes can only move the attribution of its user's
  conversions from its start on, and a conversion's session starts at most
  max_session_days before it: that bounds the rows updated (a literal, for BigQuery).
-#}
{% macro snowplow_attribute_conversions() %}
  {%- set users = snowplow_existing_relation('int_snowplow__users_this_run') -%}
  {%- set processed = snowplow_existing_relation('int_snowplow__sessions_this_run') -%}
  {%- set sessions = snowplow_existing_relation('fct_sessions') -%}
  {%- if not execute or not snowplow_listed_conversions()
        or users is none or processed is none or sessions is none -%}
    {{ return('') }}
  {%- endif -%}
  {%- set lookback = var('snowplow__conversion_lookback_days') -%}
  {%- set bound = snowplow_query_tstamp(
      "select " ~ snowplow_add_days('min(start_tstamp)', -(var('snowplow__max_session_days') + 1))
      ~ " from " ~ processed) -%}
  {%- if bound is none -%}{{ return('') }}{%- endif -%}
  {%- set sessions_from = snowplow_query_tstamp(
      "select " ~ snowplow_add_days(snowplow_timestamp_literal(bound), -lookback)) -%}
  update {{ this }} as conversions
     set last_non_direct_channel_group = attributed.channel_group,
         last_non_direct_session_id = attributed.domain_sessionid
    from (
        select
            touched.conversion_key,
            coalesce(earlier.channel_group, 'Direct') as channel_group,
            coalesce(earlier.domain_sessionid, touched.domain_sessionid) as domain_sessionid
        from {{ this }} as touched
        left join {{ sessions }} as earlier
            -- a session without domain_userid is its own user
            on coalesce(earlier.domain_userid, earlier.domain_sessionid)
             = coalesce(touched.domain_userid, touched.domain_sessionid)
           and earlier.channel_group != 'Direct'
           and earlier.start_tstamp <= touched.conversion_tstamp
           and earlier.start_tstamp >= {{ snowplow_add_days('touched.conversion_tstamp', -lookback) }}
           and earlier.start_tstamp >= {{ snowplow_timestamp_literal(sessions_from) }}
        where touched.start_tstamp >= {{ snowplow_timestamp_literal(bound) }}
          and (touched.domain_userid in (select domain_userid from {{ users }})
               or touched.domain_sessionid in (select domain_sessionid from {{ processed }}))
        qualify row_number() over (
            partition by touched.conversion_key
            order by earlier.start_tstamp desc, earlier.domain_sessionid desc
        ) = 1
    ) as attributed
   where conversions.conversion_key = attributed.conversion_key
     and conversions.start_tstamp >= {{ snowplow_timestamp_literal(bound) }}
{% endmacro %}

{#-
  Your own fields, through variables (SEMANTICS.md, "Your own fields"):

    snowplow__event_fields          extra columns staging keeps from raw_events (below)
    snowplow__page_view_passthroughs, snowplow__session_passthroughs, snowplow__user_passthroughs
        a column name, or {sql: <expression>, alias: <column>}; page views and sessions
        evaluate it on their first event, users on their first session (fct_sessions columns)
    snowplow__page_view_aggregations, snowplow__session_aggregations, snowplow__user_aggregations
        {type: sum|count|min|max|first|last, field: <expression>, alias: <column>}, over the
        page view's or session's events (first/last: by time, NULLs skipped), or the user's
        sessions
    snowplow__conversions           see macros/conversions.sql

  With none set the marts have exactly their documented columns. Adding or changing a
  field needs --full-refresh (rows built earlier get NULL in a new column).
-#}

{#- Fail at compile time with the variable, the entry and the field that are wrong. -#}
{% macro snowplow_config_error(variable, index, message) %}
  {% do exceptions.raise_compiler_error(
      "var " ~ variable ~ ", entry " ~ (index + 1) ~ ": " ~ message) %}
{% endmacro %}

{% macro snowplow_check_alias(variable, index, alias) %}
  {% if alias is not string or not modules.re.match('^[A-Za-z_][A-Za-z0-9_]*$', alias) %}
    {% do snowplow_config_error(variable, index, "alias must be a column name, got " ~ (alias | string)) %}
  {% endif %}
{% endmacro %}

{#- [{sql, alias}] from var snowplow__<grain>_passthroughs. -#}
{% macro snowplow_passthroughs(grain) %}
  {% set variable = 'snowplow__' ~ grain ~ '_passthroughs' %}
  {% set found = [] %}
  {% for entry in var(variable, []) or [] %}
    {% if entry is string %}
      {% do snowplow_check_alias(variable, loop.index0, entry) %}
      {% do found.append({'sql': entry, 'alias': entry}) %}
    {% elif entry is mapping and entry.get('sql') %}
      {% do snowplow_check_alias(variable, loop.index0, entry.get('alias')) %}
      {% do found.append({'sql': entry['sql'], 'alias': entry['alias']}) %}
    {% else %}
      {% do snowplow_config_error(variable, loop.index0, "expected a column name or {sql, alias}") %}
    {% endif %}
  {% endfor %}
  {{ return(found) }}
{% endmacro %}

{#- [{type, field, alias}] from var snowplow__<grain>_aggregations. -#}
{% macro snowplow_aggregations(grain) %}
  {% set variable = 'snowplow__' ~ grain ~ '_aggregations' %}
  {% set found = [] %}
  {% for entry in var(variable, []) or [] %}
    {% if entry is not mapping or not entry.get('field') %}
      {% do snowplow_config_error(variable, loop.index0, "expected {type, field, alias}") %}
    {% endif %}
    {% if entry.get('type') not in ['sum', 'count', 'min', 'max', 'first', 'last'] %}
      {% do snowplow_config_error(variable, loop.index0,
          "type must be one of sum, count, min, max, first, last, got " ~ (entry.get('type') | string)) %}
    {% endif %}
    {% do snowplow_check_alias(variable, loop.index0, entry.get('alias')) %}
    {% do found.append({'type': entry['type'], 'field': entry['field'], 'alias': entry['alias']}) %}
  {% endfor %}
  {{ return(found) }}
{% endmacro %}

{#- The aggregate of `field` over a group; first/last follow `order` (a list of columns). -#}
{% macro snowplow_aggregate(type, field, order) -%}
  {%- if type in ['sum', 'count', 'min', 'max'] -%}
    {{ type }}({{ field }})
  {%- else -%}
    {%- set direction = '' if type == 'first' else ' desc' -%}
    {%- set ordering = [] -%}
    {%- for column in order %}{% do ordering.append(column ~ direction) %}{% endfor -%}
    {{ adapter.dispatch('snowplow_first_non_null')(field, ordering | join(', ')) }}
  {%- endif -%}
{%- endmacro %}

{% macro duckdb__snowplow_first_non_null(field, ordering) -%}
  first({{ field }} order by {{ ordering }}) filter (where ({{ field }}) is not null)
{%- endmacro %}

{% macro bigquery__snowplow_first_non_null(field, ordering) -%}
  array_agg({{ field }} ignore nulls order by {{ ordering }} limit 1)[safe_offset(0)]
{%- endmacro %}

{#- The columns a grain's mart gains: passthroughs, aggregations, conversion counts. -#}
{% macro snowplow_field_names(grain) %}
  {% set names = [] %}
  {% for field in snowplow_passthroughs(grain) + snowplow_aggregations(grain) %}
    {% do names.append(field.alias) %}
  {% endfor %}
  {% if grain in ['session', 'user'] %}
    {% for conversion in snowplow_conversions() %}
      {% do names.extend(snowplow_conversion_columns(conversion)) %}
    {% endfor %}
  {% endif %}
  {{ return(names) }}
{% endmacro %}

{#- ", relation.name" for each of a grain's added columns (nothing when none). -#}
{% macro snowplow_field_columns(grain, relation) -%}
  {%- for name in snowplow_field_names(grain) -%}
    ,
    {{ relation }}.{{ name }}
  {%- endfor -%}
{%- endmacro %}

{#-
  snowplow__event_fields: columns stg_snowplow__events adds to its own, each
    a raw_events column name,
    {alias, sql}: an expression over raw_events columns, or
    {alias, context: <schema prefix>, field: <name>}: a field of the first entity of
      `contexts` whose schema starts with the prefix, as a string (cast it in `sql` of a
      passthrough or a conversion value).
  Returns [{sql, alias}].
-#}
{% macro snowplow_event_fields() %}
  {% set variable = 'snowplow__event_fields' %}
  {% set found = [] %}
  {% for entry in var(variable, []) or [] %}
    {% if entry is string %}
      {% do snowplow_check_alias(variable, loop.index0, entry) %}
      {% do found.append({'sql': entry, 'alias': entry}) %}
    {% elif entry is mapping and entry.get('context') and entry.get('field') %}
      {% do snowplow_check_alias(variable, loop.index0, entry.get('alias')) %}
      {% do snowplow_check_alias(variable, loop.index0, entry['field']) %}
      {% do found.append({'alias': entry['alias'], 'sql': 'cast(' ~ snowplow_context_value(
          'contexts', entry['context'], entry['field']) ~ ' as ' ~ dbt.type_string() ~ ')'}) %}
    {% elif entry is mapping and entry.get('sql') %}
      {% do snowplow_check_alias(variable, loop.index0, entry.get('alias')) %}
      {% do found.append({'sql': entry['sql'], 'alias': entry['alias']}) %}
    {% else %}
      {% do snowplow_config_error(variable, loop.index0,
          "expected a column name, {alias, sql} or {alias, context, field}") %}
    {% endif %}
  {% endfor %}
  {{ return(found) }}
{% endmacro %}

{#- Condition: the event's app_id is one of var snowplow__app_ids (true when it is empty,
    the default: every app). Applied where staging reads raw_events, so every model sees
    only the chosen apps. Changing it needs --full-refresh. -#}
{% macro snowplow_app_id_filter(column) -%}
  {%- set app_ids = var('snowplow__app_ids', []) or [] -%}
  {%- if app_ids is string -%}{%- set app_ids = [app_ids] -%}{%- endif -%}
  {%- if app_ids | length == 0 -%} true
  {%- else -%}
    {%- for app_id in app_ids if app_id is not string or "'" in app_id or "\\" in app_id -%}
      {% do snowplow_config_error('snowplow__app_ids', loop.index0, "not a plain app_id: " ~ (app_id | string)) %}
    {%- endfor -%}
    {{ column }} in ('{{ app_ids | join("', '") }}')
  {%- endif -%}
{%- endmacro %}

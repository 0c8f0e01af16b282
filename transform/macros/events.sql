{#-
  Where the events come from: var snowplow__events_source.
  - 'raw_events' (default): this project's loader table. Enriched fields as columns; the
    self-describing JSON stays as text in contexts, derived_contexts and unstruct_event.
  - 'bigquery_loader': a table written by Snowplow's own BigQuery Loader (var
    snowplow__bigquery_loader_table, in the dataset SNOWPLOW_DATASET names). Atomic fields
    are typed columns and every self-describing event or entity is a column of its own
    per schema major version: unstruct_event_<vendor>_<name>_<major> (a RECORD) and
    contexts_<vendor>_<name>_<major> (a REPEATED RECORD, derived contexts included),
    vendor, name and fields in snake case. Tables of the 1.x loader name the columns by
    full version (..._1_0_0); they are merged by major version, newest version first.
  Only staging reads the events (and the incremental bounds computed for it), through
  these macros, so nothing past staging depends on the layout.
-#}

{% macro snowplow_events_layout() -%}
  {%- set layout = var('snowplow__events_source', env_var('SNOWPLOW_EVENTS_SOURCE', 'raw_events')) -%}
  {%- if layout not in ('raw_events', 'bigquery_loader') -%}
    {% do exceptions.raise_compiler_error(
        "var snowplow__events_source: '" ~ layout ~ "' is neither 'raw_events' nor 'bigquery_loader'") %}
  {%- endif -%}
  {{ return(layout) }}
{%- endmacro %}

{#- The relation holding the events, by layout. -#}
{% macro snowplow_events() -%}
  {%- if snowplow_events_layout() == 'bigquery_loader' -%}
    {{ return(source('snowplow_bigquery_loader', 'events')) }}
  {%- endif -%}
  {{ return(source('snowplow', 'raw_events')) }}
{%- endmacro %}

{#- The file an event came from: raw_events records it; a BigQuery Loader table has none. -#}
{% macro snowplow_load_file_key() -%}
  {%- if snowplow_events_layout() == 'bigquery_loader' -%}
    cast(null as {{ dbt.type_string() }})
  {%- else -%}
    load_file_key
  {%- endif -%}
{%- endmacro %}

{#- snake_case as the BigQuery Loader writes names: dots and dashes become underscores,
    camelCase is split (spiderOrRobot -> spider_or_robot). -#}
{% macro snowplow_snake_case(name) -%}
  {{ return(modules.re.sub('([a-z0-9])([A-Z])', '\\1_\\2', name).replace('.', '_').replace('-', '_').lower()) }}
{%- endmacro %}

{#- The columns holding one schema's major version, newest first: the 2.x loader's
    `base` itself, then the 1.x loader's `base`_<minor>_<patch> by descending version. -#}
{% macro snowplow_loader_columns(base) -%}
  {%- if not execute -%}{{ return([]) }}{%- endif -%}
  {%- set legacy = [] -%}
  {%- set found = [] -%}
  {%- for column in adapter.get_columns_in_relation(snowplow_events()) -%}
    {%- set name = column.name | lower -%}
    {%- if name == base -%}
      {%- do found.append(name) -%}
    {%- else -%}
      {%- set version = modules.re.match('^' ~ base ~ '_([0-9]+)_([0-9]+)$', name) -%}
      {%- if version -%}
        {%- do legacy.append((version.group(1) | int, version.group(2) | int, name)) -%}
      {%- endif -%}
    {%- endif -%}
  {%- endfor -%}
  {%- for _, _, name in legacy | sort(reverse=true) -%}
    {%- do found.append(name) -%}
  {%- endfor -%}
  {{ return(found) }}
{%- endmacro %}

{#- The value of `path` (a top-level field) in the first entity of `schema_prefix`
    ('iglu:<vendor>/<name>/jsonschema/<major>-') among the event's contexts, or in its
    unstruct_event, as a string (NULL when absent), read from the BigQuery Loader layout.
    The raw_events counterpart is snowplow_context_value (cross_db.sql), which calls this
    one when the layout is bigquery_loader. -#}
{% macro snowplow_loader_entity_value(json_column, schema_prefix, path) -%}
  {%- set iglu = modules.re.match('^iglu:([^/]+)/([^/]+)/jsonschema/([0-9]+)-$', schema_prefix) -%}
  {%- if not iglu -%}
    {% do exceptions.raise_compiler_error("schema prefix '" ~ schema_prefix ~ "' is not iglu:<vendor>/<name>/jsonschema/<major>-") %}
  {%- endif -%}
  {%- set repeated = json_column != 'unstruct_event' -%}
  {%- set base = ('contexts' if repeated else 'unstruct_event') ~ '_' ~ snowplow_snake_case(iglu.group(1))
                 ~ '_' ~ snowplow_snake_case(iglu.group(2)) ~ '_' ~ iglu.group(3) -%}
  {%- set values = [] -%}
  {%- for column in snowplow_loader_columns(base) -%}
    {%- do values.append('cast(' ~ adapter.dispatch('snowplow_entity_field')(column, snowplow_snake_case(path), repeated)
                          ~ ' as ' ~ dbt.type_string() ~ ')') -%}
  {%- endfor -%}
  {%- if values | length == 0 -%}
    cast(null as {{ dbt.type_string() }})
  {%- elif values | length == 1 -%}
    {{ values[0] }}
  {%- else -%}
    coalesce({{ values | join(', ') }})
  {%- endif -%}
{%- endmacro %}

{% macro duckdb__snowplow_entity_field(column, field, repeated) -%}
  {{ column }}{% if repeated %}[1]{% endif %}."{{ field }}"
{%- endmacro %}

{% macro bigquery__snowplow_entity_field(column, field, repeated) -%}
  {{ column }}{% if repeated %}[safe_offset(0)]{% endif %}.{{ field }}
{%- endmacro %}

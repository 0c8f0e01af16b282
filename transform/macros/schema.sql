{#-
  Where each model is written. On BigQuery the analytics/ folder's models go to their own
  dataset, SNOWPLOW_ANALYTICS_DATASET (default: the target's dataset), so reporting
  readers can be granted that dataset alone; every other model goes to the target's
  dataset (SNOWPLOW_MODELS_DATASET). On DuckDB everything stays in the target's schema
  (`main`). A `schema` config, where a model sets one, keeps dbt's default meaning.
-#}
{% macro generate_schema_name(custom_schema_name, node) -%}
  {%- if target.type == 'bigquery' and custom_schema_name is none
        and node.resource_type == 'model' and node.fqn[1:2] == ['analytics'] -%}
    {{ env_var('SNOWPLOW_ANALYTICS_DATASET', target.schema) | trim }}
  {%- else -%}
    {{ default__generate_schema_name(custom_schema_name, node) | trim }}
  {%- endif -%}
{%- endmacro %}

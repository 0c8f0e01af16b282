{#-
  Bot filtering (on by default, var snowplow__filter_bots). stg_snowplow__events flags
  every event (is_bot); the session, page view and user-mapping models leave the flagged
  ones out, and int_snowplow__filtered_bot_events lists what was left out.

  An event is a bot's when
  - its useragent contains a match of the generated patterns (macros/bot_useragents.sql):
    Snowplow's web package terms (bot, crawl, slurp, spider, ...) in any case, or one of
    the crawler-user-agents patterns (HeadlessChrome, python-requests, curl, ...); a
    regular expression in var snowplow__bot_useragent_pattern replaces it (matched on the
    lower-cased useragent), or
  - the IAB spiders-and-robots enrichment ran and said so: derived_contexts holds
    iglu:com.iab.snowplow/spiders_and_robots/jsonschema/1-*-* with spiderOrRobot = true.
  An event without useragent and without the IAB context is not a bot's.
-#}

{#- The IAB enrichment's verdict for the event: true, false, or NULL when it did not run. -#}
{% macro snowplow_iab_spider_or_robot(derived_contexts) -%}
  (lower({{ snowplow_context_value(
      derived_contexts, 'iglu:com.iab.snowplow/spiders_and_robots/jsonschema/1-', 'spiderOrRobot') }}) = 'true')
{%- endmacro %}

{#- True when the event is a bot's by its useragent or its IAB verdict (never NULL). -#}
{% macro snowplow_is_bot(useragent, iab_spider_or_robot) -%}
  {%- if var('snowplow__bot_useragent_pattern') -%}
  coalesce({{ snowplow_regexp_contains('lower(' ~ useragent ~ ')', var('snowplow__bot_useragent_pattern')) }}, false)
  {%- else -%}
  {{ snowplow_regexp_contains_any(useragent, snowplow_bot_useragent_patterns()) }}
  {%- endif %}
  or coalesce({{ iab_spider_or_robot }}, false)
{%- endmacro %}

{#- Which list matches the useragent, for int_snowplow__filtered_bot_events: 'snowplow'
    (Snowplow's web package terms) or 'crawler_user_agents' (never NULL). -#}
{% macro snowplow_useragent_in_list(useragent, list) -%}
  {{ snowplow_regexp_contains_any(useragent, [snowplow_bot_pattern_snowplow()] if list == 'snowplow'
                                             else snowplow_bot_patterns_crawler_user_agents()) }}
{%- endmacro %}

{#- True when `value` contains a match of any of `patterns` (false, never NULL, for NULL). -#}
{% macro snowplow_regexp_contains_any(value, patterns) -%}
  ({% for pattern in patterns -%}
    coalesce({{ snowplow_regexp_contains(value, pattern) }}, false)
    {%- if not loop.last %} or {% endif %}
  {%- endfor %})
{%- endmacro %}

{#- SQL condition: the event (a row of stg_snowplow__events, optionally aliased) counts
    as human traffic; true for every event when the filter is off. Rows staged before
    is_bot existed (NULL) count as human until a full refresh flags them. -#}
{% macro snowplow_human_traffic(alias=none) -%}
  {%- if var('snowplow__filter_bots') -%}
    not coalesce({% if alias %}{{ alias }}.{% endif %}is_bot, false)
  {%- else -%} true
  {%- endif -%}
{%- endmacro %}

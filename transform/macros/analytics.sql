{#-
  What a daily run touches downstream of the sessions (see SEMANTICS.md, "Analytics").

  daily_active_users and weekly_retention_cohorts recompute only the days (and ISO weeks)
  whose rows this run can have changed. Those days are bounded by literals computed
  before the model's query:

    first day  the earliest start of a session processed this run, minus one day: a
               session's start only moves earlier as events arrive, never by more than
               the margin the session replace already relies on (incremental.sql)
    last day   the latest of (a) the latest event time ever seen for a processed session
               (int_snowplow__session_lifecycle.max_derived_tstamp, which only grows, so it
               bounds where such a session started before this run too) and (b) the first
               session of any user this run recomputed (a user who lost the sessions this
               run moved keeps an unchanged, possibly later, first session)

  Every other day keeps the same sessions and the same first sessions, so its rows cannot
  change. An empty run (no session processed) touches no day.
-#}

{#- The first row of `sql` as a list, or none (also at parse time). -#}
{% macro snowplow_query_row(sql) %}
  {% if not execute %}{{ return(none) }}{% endif %}
  {% set result = run_query(sql) %}
  {% if result is none or (result.rows | length) == 0 %}{{ return(none) }}{% endif %}
  {{ return(result.rows[0].values()) }}
{% endmacro %}

{#- {'first': date, 'last': date} of the days this run touched, or none. The relations
    are passed in so that models ref() them (DAG edges) and tests look them up. -#}
{% macro snowplow_days_touched(sessions, lifecycle, users, dim_users) %}
  {% set rebuild_days = snowplow_rebuild_days() %}
  {% set earliest = snowplow_query_value("select min(start_tstamp) from " ~ sessions) %}
  {% if earliest is none %}{{ return(rebuild_days) }}{% endif %}
  {% set first = earliest.date() - modules.datetime.timedelta(days=1) %}
  {% set latest = snowplow_query_row(
      "select (select max(lifecycle.max_derived_tstamp) from " ~ lifecycle ~ " as lifecycle"
      ~ "        where lifecycle.start_tstamp >= " ~ snowplow_date_start(first)
      ~ "          and lifecycle.domain_sessionid in (select domain_sessionid from " ~ sessions ~ ")),"
      ~ "       (select max(users.start_tstamp) from " ~ dim_users ~ " as users"
      ~ "        where users.domain_userid in (select domain_userid from " ~ users ~ "))") %}
  {% set candidates = [earliest] + ((latest or []) | reject('none') | list) %}
  {% set last = (candidates | max).date() %}
  {% if rebuild_days is not none %}
    {% set first = [first, rebuild_days.first] | min %}
    {% set last = [last, rebuild_days.last] | max %}
  {% endif %}
  {{ return({'first': first, 'last': last}) }}
{% endmacro %}

{#- A windowed rebuild (macros/rebuild.sql) may delete a session, which then is in no
    table of this run: every day its scan range covers is touched. none otherwise. -#}
{% macro snowplow_rebuild_days() %}
  {% set rebuild = snowplow_rebuild() %}
  {% if rebuild is none %}{{ return(none) }}{% endif %}
  {% set parse = modules.datetime.datetime.strptime %}
  {{ return({'first': parse(rebuild.scan_from[:10], '%Y-%m-%d').date(),
             'last': parse(rebuild.scan_to[:10], '%Y-%m-%d').date()}) }}
{% endmacro %}

{#- The same days as Monday-starting weeks: {'first': Monday, 'last': Monday}, or none. -#}
{% macro snowplow_weeks_touched(days) %}
  {% if days is none %}{{ return(none) }}{% endif %}
  {% set monday = [] %}
  {% for day in [days.first, days.last] %}
    {% do monday.append(day - modules.datetime.timedelta(days=day.weekday())) %}
  {% endfor %}
  {{ return({'first': monday[0], 'last': monday[1]}) }}
{% endmacro %}

{#- A DATE literal, and the TIMESTAMP literal of that day's start (UTC). -#}
{% macro snowplow_date_literal(day) -%}
  date '{{ day.strftime("%Y-%m-%d") }}'
{%- endmacro %}

{% macro snowplow_date_start(day) -%}
  {{ snowplow_timestamp_literal(day.strftime('%Y-%m-%d') ~ ' 00:00:00') }}
{%- endmacro %}

{#- The rows of a model's source in the days this run touched, by a timestamp column:
    literal bounds, so the engine prunes partitions; 'false' when no day is touched. -#}
{% macro snowplow_days_window(column, days) -%}
  {%- if days is none -%}
    false
  {%- else -%}
    {{ column }} >= {{ snowplow_date_start(days.first) }}
      and {{ column }} < {{ snowplow_date_start(days.last + modules.datetime.timedelta(days=1)) }}
  {%- endif -%}
{%- endmacro %}

{#- The days this run touched, for a model: the relations come from its refs. -#}
{% macro snowplow_model_days_touched() %}
  {{ return(snowplow_days_touched(
      ref('int_snowplow__sessions_this_run'), ref('int_snowplow__session_lifecycle'),
      ref('int_snowplow__users_this_run'), ref('dim_users'))) }}
{% endmacro %}

{#- Replace scope (incremental.sql, spec `scope`): the SQL condition selecting the stored
    rows this run recomputes, with literal bounds on the partition column. -#}
{% macro snowplow_replace_scope(scope) %}
  {{ return(snowplow_touched_condition(scope, snowplow_model_days_touched())) }}
{% endmacro %}

{#- `days_touched`: the rows of those days; `weeks_touched`: the rows active from the
    first of those weeks on, of cohorts up to the last one. 'false' when no day is. -#}
{% macro snowplow_touched_condition(scope, days) %}
  {% if days is none %}{{ return('false') }}{% endif %}
  {% if scope == 'days_touched' %}
    {{ return('activity_date between ' ~ snowplow_date_literal(days.first)
              ~ ' and ' ~ snowplow_date_literal(days.last)) }}
  {% elif scope == 'weeks_touched' %}
    {% set weeks = snowplow_weeks_touched(days) %}
    {{ return('activity_week >= ' ~ snowplow_date_literal(weeks.first)
              ~ ' and cohort_week <= ' ~ snowplow_date_literal(weeks.last)) }}
  {% endif %}
  {% do exceptions.raise_compiler_error("snowplow_replace: unknown scope " ~ scope) %}
{% endmacro %}

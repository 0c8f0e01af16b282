{#-
  Anomalies of the daily metrics (SEMANTICS.md, "Anomalies"): for each metric and day of
  metric_daily, the value, what the same weekday of the trailing weeks predicts (expected,
  band) and the robust score; the detector is macros/anomalies.sql.

  Incremental by day: the days this run touched are scored again (reading their history
  from metric_daily) and replace their rows. first_flagged_run keeps the dbt invocation
  that first flagged a (metric, day) as an anomaly, so the job logs each anomaly once.
-#}
-- the days this run touched come from (macros/analytics.sql):
-- depends_on: {{ ref('int_snowplow__sessions_this_run') }}
-- depends_on: {{ ref('int_snowplow__session_lifecycle') }}
-- depends_on: {{ ref('int_snowplow__users_this_run') }}
-- depends_on: {{ ref('dim_users') }}
{{
  config(
    incremental_strategy=snowplow_incremental_strategy(),
    meta={'snowplow_replace': {'scope': 'days_touched'}},
    partition_by=snowplow_partition_by('activity_date', 'date'),
  )
}}

{%- set days = snowplow_model_days_touched() if is_incremental() else none %}

with detected as (

    {%- if is_incremental() and days is none %}
    select * from ({{ snowplow_seasonal_anomalies(ref('metric_daily')) }}) as nothing
    where false
    {%- else %}
    {{ snowplow_seasonal_anomalies(ref('metric_daily'), days) }}
    {%- endif %}

)

select
    detected.metric,
    detected.activity_date,
    detected.value,
    detected.expected,
    detected.lower_bound,
    detected.upper_bound,
    detected.score,
    detected.direction,
    detected.is_anomaly,
    detected.history_weeks,
    case when detected.is_anomaly then
        {%- if is_incremental() %}
        coalesce(previous.first_flagged_run, '{{ invocation_id }}')
        {%- else %}
        '{{ invocation_id }}'
        {%- endif %}
    end as first_flagged_run,
    concat(detected.metric, '|', cast(detected.activity_date as {{ dbt.type_string() }})) as metric_day_key
from detected
{%- if is_incremental() %}
left join {{ this }} as previous
    on previous.metric = detected.metric
    and previous.activity_date = detected.activity_date
    and previous.is_anomaly
{%- endif %}

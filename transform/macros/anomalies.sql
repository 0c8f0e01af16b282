{#-
  The anomaly detector (SEMANTICS.md, "Anomalies"): seasonal and robust, in SQL, so DuckDB
  and BigQuery give the same rows.

  For each metric and day, the history is the same weekday over the trailing
  `snowplow__anomaly_weeks` weeks (7, 14, ... days before). Expected value = the median of
  that history; spread = 1.4826 x the median absolute deviation from it (the MAD, scaled so
  that it estimates a standard deviation on normal data), floored at
  `snowplow__anomaly_min_relative_spread` x |expected| so that a metric that barely moves
  (the sample's daily event count) does not alarm on a 1 % change. One outlier among the
  history moves neither the median nor the MAD much, unlike a mean and a standard
  deviation: last week's incident does not hide this week's. The spread also has a floor
  by kind, for what a few weeks of history cannot show: a count varies at least like a
  Poisson count (sqrt(expected)), a ratio by at least `snowplow__anomaly_min_ratio_spread`;
  and a count expected below `snowplow__anomaly_min_expected` is never flagged (a device
  class with three sessions a day is noise, not a signal). A count that falls to zero from
  at least that much is flagged whatever its score: a series that vanishes is the loudest
  sign of broken tracking, even when its history is too short or noisy for a wide band.
  score = (value - expected) / spread; band = expected +/- threshold x spread; a day is an
  anomaly when |score| > threshold and at least `snowplow__anomaly_min_weeks` weeks of
  history exist.

  Medians are computed by ranking (row_number over the sorted values): the middle row, or
  the mean of the middle two. That is plain SQL on both engines; BigQuery's
  PERCENTILE_CONT is analytic-only and APPROX_QUANTILES approximate.
-#}

{#- The days before a day that share its weekday, within the trailing window. -#}
{% macro snowplow_same_weekday_lags() -%}
  ({% for week in range(1, var('snowplow__anomaly_weeks') + 1) %}{{ 7 * week }}{{ ', ' if not loop.last }}{% endfor %})
{%- endmacro %}

{#-
  The detector's query over `metrics` (columns activity_date, metric, kind, value), for
  the days in `days` ({'first': date, 'last': date}, or none for every day). A count
  metric missing on a day with traffic counts 0 there (a device class whose events all
  vanished); a ratio or mean missing is not scored.
-#}
{% macro snowplow_seasonal_anomalies(metrics, days=none) %}
{%- set lookback = 7 * var('snowplow__anomaly_weeks') -%}
{%- set threshold = var('snowplow__anomaly_threshold') -%}
with metrics as (

    select activity_date, metric, kind, value from {{ metrics }}
    {%- if days is not none %}
    where activity_date between
        {{ snowplow_date_literal(days.first - modules.datetime.timedelta(days=lookback)) }}
        and {{ snowplow_date_literal(days.last) }}
    {%- endif %}

),

target_days as (

    select distinct activity_date from metrics
    {%- if days is not none %}
    where activity_date between {{ snowplow_date_literal(days.first) }}
        and {{ snowplow_date_literal(days.last) }}
    {%- endif %}

),

series as (

    select distinct metric, kind from metrics

),

targets as (

    select
        series.metric,
        series.kind,
        target_days.activity_date,
        coalesce(metrics.value, case when series.kind = 'count' then 0 end) as value
    from series
    cross join target_days
    left join metrics
        on metrics.metric = series.metric
        and metrics.activity_date = target_days.activity_date

),

history as (

    select
        targets.metric,
        targets.activity_date,
        past.value as past_value
    from targets
    inner join metrics as past
        on past.metric = targets.metric
        and {{ snowplow_days_between('past.activity_date', 'targets.activity_date') }}
        in {{ snowplow_same_weekday_lags() }}
    where targets.value is not null

),

ranked as (

    select
        metric,
        activity_date,
        past_value,
        row_number() over (partition by metric, activity_date order by past_value) as position,
        count(*) over (partition by metric, activity_date) as weeks
    from history

),

medians as (

    select metric, activity_date, weeks, avg(past_value) as expected
    from ranked
    where 2 * position between weeks and weeks + 2
    group by metric, activity_date, weeks

),

deviations as (

    select
        ranked.metric,
        ranked.activity_date,
        medians.weeks,
        abs(ranked.past_value - medians.expected) as deviation,
        row_number() over (
            partition by ranked.metric, ranked.activity_date
            order by abs(ranked.past_value - medians.expected)
        ) as position
    from ranked
    inner join medians
        on medians.metric = ranked.metric
        and medians.activity_date = ranked.activity_date

),

spreads as (

    select
        deviations.metric,
        deviations.activity_date,
        medians.weeks,
        medians.expected,
        1.4826 * avg(deviations.deviation) as mad_spread
    from deviations
    inner join medians
        on medians.metric = deviations.metric
        and medians.activity_date = deviations.activity_date
    where 2 * deviations.position between deviations.weeks and deviations.weeks + 2
    group by deviations.metric, deviations.activity_date, medians.weeks, medians.expected

),

bands as (

    select
        targets.metric,
        targets.kind,
        targets.activity_date,
        targets.value,
        spreads.weeks,
        spreads.expected,
        greatest(
            spreads.mad_spread,
            {{ var('snowplow__anomaly_min_relative_spread') }} * abs(spreads.expected),
            case targets.kind
                when 'count' then sqrt(abs(spreads.expected))
                when 'ratio' then {{ var('snowplow__anomaly_min_ratio_spread') }}
                else 0
            end,
            1e-9
        ) as spread
    from targets
    inner join spreads
        on spreads.metric = targets.metric
        and spreads.activity_date = targets.activity_date

),

scored as (

    select
        targets.metric,
        targets.activity_date,
        cast(targets.value as {{ snowplow_type_double() }}) as value,
        cast(spreads.expected as {{ snowplow_type_double() }}) as expected,
        cast(spreads.expected - {{ threshold }} * spreads.spread as {{ snowplow_type_double() }}) as lower_bound,
        cast(spreads.expected + {{ threshold }} * spreads.spread as {{ snowplow_type_double() }}) as upper_bound,
        cast((targets.value - spreads.expected) / spreads.spread as {{ snowplow_type_double() }}) as score,
        coalesce(spreads.weeks, 0) as history_weeks,
        targets.kind != 'count'
        or spreads.expected >= {{ var('snowplow__anomaly_min_expected') }} as has_volume,
        targets.kind = 'count' and targets.value = 0 as vanished
    from targets
    left join bands as spreads
        on spreads.metric = targets.metric
        and spreads.activity_date = targets.activity_date
    where targets.value is not null

)

select
    metric,
    activity_date,
    value,
    expected,
    lower_bound,
    upper_bound,
    score,
    history_weeks,
    case
        when history_weeks < {{ var('snowplow__anomaly_min_weeks') }} or score is null
             or not has_volume then null
        when score > {{ threshold }} then 'up'
        when score < -{{ threshold }} or vanished then 'down'
    end as direction,
    coalesce(history_weeks >= {{ var('snowplow__anomaly_min_weeks') }} and has_volume
             and (abs(score) > {{ threshold }} or vanished), false) as is_anomaly
from scored
{% endmacro %}

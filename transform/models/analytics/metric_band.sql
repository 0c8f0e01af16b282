{#-
  One metric of metric_anomalies by day with its band (expected, lower_bound,
  upper_bound), for the chart of the workbook and the spreadsheet: which metric is
  var snowplow__anomaly_chart_metric. A view: it holds no rows of its own.
-#}
{{ config(materialized='view') }}

select
    activity_date,
    value,  -- noqa: RF04
    expected,
    lower_bound,
    upper_bound,
    is_anomaly
from {{ ref('metric_anomalies') }}
where metric = '{{ var("snowplow__anomaly_chart_metric") }}'

"""The daily job's own alerts: a run that billed far more than usual, a metric anomaly.

Each is a log-based metric on the job's JSON lines plus a policy that waits for it
(``Monitoring.policy`` with ``watches=``); monitoring.py declares them beside the others.
"""

import re
from collections.abc import Callable

from cdktf_cdktf_provider_google.logging_metric import (
    LoggingMetric,
    LoggingMetricBucketOptions,
    LoggingMetricBucketOptionsExponentialBuckets,
    LoggingMetricMetricDescriptor,
)
from cdktf_cdktf_provider_google.monitoring_alert_policy import (
    MonitoringAlertPolicy,
    MonitoringAlertPolicyConditions,
    MonitoringAlertPolicyConditionsConditionPrometheusQueryLanguage,
    MonitoringAlertPolicyConditionsConditionThreshold,
    MonitoringAlertPolicyConditionsConditionThresholdAggregations,
)
from constructs import Construct

from snowplow_infra.config import EnvironmentConfig

Policy = Callable[..., MonitoringAlertPolicy]  # Monitoring.policy

RUN_COST_FACTOR = 3  # a run billing more than this times its trailing median alerts
RUN_COST_DAYS = 14  # the trailing window of daily runs the median is taken over


def promql_name(metric_type: str) -> str:
    """A Cloud Monitoring metric type as PromQL names it: the first `/` becomes `:`, every
    other character PromQL does not allow becomes `_` (Google's PromQL mapping rules)."""
    domain, path = metric_type.split("/", 1)
    return re.sub(r"[^A-Za-z0-9_]", "_", domain) + ":" + re.sub(r"[^A-Za-z0-9_:]", "_", path)


def run_cost_alert(
    scope: Construct, policy: Policy, config: EnvironmentConfig, transform_job: str
) -> MonitoringAlertPolicy:
    """The bytes each transform run billed (the job's last log line, `step` "end",
    carries the run's total as `bytes_billed`) as a distribution metric, and an alert
    when one day's runs bill RUN_COST_FACTOR times the median day of the RUN_COST_DAYS
    before: a model that lost its partition filter, a full refresh left on."""
    name = config.name_of("transform-bytes-billed")  # the literal: a token cannot be mapped
    run_bytes = LoggingMetric(
        scope,
        "run-bytes-billed",
        name=name,
        description="Bytes billed by BigQuery for one run of the transform job",
        filter=(
            'resource.type="cloud_run_job" AND '
            f'resource.labels.job_name="{transform_job}" AND '
            'jsonPayload.step="end" AND jsonPayload.bytes_billed>=0'
        ),
        value_extractor="EXTRACT(jsonPayload.bytes_billed)",
        metric_descriptor=LoggingMetricMetricDescriptor(
            metric_kind="DELTA", value_type="DISTRIBUTION", unit="By"
        ),
        bucket_options=LoggingMetricBucketOptions(
            exponential_buckets=LoggingMetricBucketOptionsExponentialBuckets(
                num_finite_buckets=24, growth_factor=2, scale=10 * 2**20
            )  # 10 MiB (BigQuery's minimum per table) to ~80 TiB
        ),
    )
    # a sample every day at 00:00 UTC sums that day's runs; today's against the median
    # of the days before (no history yet, no median, no alert)
    total = promql_name(f"logging.googleapis.com/user/{name}") + "_sum"
    day = f'increase({total}{{monitored_resource="cloud_run_job"}}[1d])'
    median = f"quantile_over_time(0.5, {day}[{RUN_COST_DAYS}d:1d] offset 1d)"
    return policy(
        "transform-cost",
        config,
        "transform run billed far more than usual",
        f"The transform job's runs of the last 24 h billed more than {RUN_COST_FACTOR} "
        f"times the median day of the {RUN_COST_DAYS} before. The job's `build` log line "
        "lists the bytes each model and test billed (`costs`, most first): look for a "
        "model that scanned whole tables (a lost partition filter, a full refresh).",
        MonitoringAlertPolicyConditions(
            display_name=f"run bytes billed > {RUN_COST_FACTOR} x trailing median",
            condition_prometheus_query_language=(
                MonitoringAlertPolicyConditionsConditionPrometheusQueryLanguage(
                    query=f"{day} > {RUN_COST_FACTOR} * ({median} > 0)",
                    duration="0s",
                    evaluation_interval="300s",
                )
            ),
        ),
        watches=(run_bytes,),
    )


def anomaly_alert(
    scope: Construct, policy: Policy, config: EnvironmentConfig, transform_job: str
) -> MonitoringAlertPolicy:
    """The job's WARNING line per new metric anomaly (snowplow_dbt.anomalies) counted by
    a log-based metric, and a policy that fires when it counts any."""
    anomalies = LoggingMetric(
        scope,
        "metric-anomalies",
        name=config.name_of("metric-anomalies"),
        description="Metric anomalies the daily job flagged for the first time",
        # the job's anomalies step (transform/snowplow_dbt/anomalies.py): one WARNING
        # line per new anomaly, message "metric anomaly: <metric> on <day>"
        filter=(
            'resource.type="cloud_run_job" AND '
            f'resource.labels.job_name="{transform_job}" AND '
            'severity=WARNING AND jsonPayload.step="anomalies" AND '
            'jsonPayload.message:"metric anomaly"'
        ),
        metric_descriptor=LoggingMetricMetricDescriptor(
            metric_kind="DELTA", value_type="INT64", unit="1"
        ),
    )
    return policy(
        "metric-anomaly",
        config,
        "metric anomaly",
        "The daily job flagged a metric (events, page pings, sessions, bounce rate, bot "
        "share, sessions per device class...) outside the band its same weekday of the "
        "past weeks predicts: tracking may be broken (a tag change, a release, a crawler). "
        "The job's WARNING lines name the metric and day; the metric_anomalies table and "
        "the Anomalies tab show the band. Compare with deployments of that day.",
        MonitoringAlertPolicyConditions(
            display_name="new metric anomaly",
            condition_threshold=MonitoringAlertPolicyConditionsConditionThreshold(
                filter=(
                    f'metric.type="logging.googleapis.com/user/{anomalies.name}" '
                    'AND resource.type="cloud_run_job"'
                ),
                comparison="COMPARISON_GT",
                threshold_value=0,
                duration="0s",
                aggregations=[
                    MonitoringAlertPolicyConditionsConditionThresholdAggregations(
                        alignment_period="300s", per_series_aligner="ALIGN_SUM"
                    )
                ],
            ),
        ),
        watches=(anomalies,),
    )

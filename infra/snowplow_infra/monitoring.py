"""Alerts that page a person: loader errors, a failed transform run, raw data gone stale,
and a metric anomaly the daily job found (broken tracking, transform/SEMANTICS.md).

Each policy's documentation says what it means and what to do; infra/README.md has the
same table. Notifications go to the e-mail channels of the environment's configuration.
"""

from dataclasses import dataclass

from cdktf_cdktf_provider_google.logging_metric import (
    LoggingMetric,
    LoggingMetricMetricDescriptor,
)
from cdktf_cdktf_provider_google.monitoring_alert_policy import (
    MonitoringAlertPolicy,
    MonitoringAlertPolicyAlertStrategy,
    MonitoringAlertPolicyAlertStrategyNotificationRateLimit,
    MonitoringAlertPolicyConditions,
    MonitoringAlertPolicyConditionsConditionAbsent,
    MonitoringAlertPolicyConditionsConditionAbsentAggregations,
    MonitoringAlertPolicyConditionsConditionMatchedLog,
    MonitoringAlertPolicyConditionsConditionThreshold,
    MonitoringAlertPolicyConditionsConditionThresholdAggregations,
    MonitoringAlertPolicyDocumentation,
)
from cdktf_cdktf_provider_google.monitoring_notification_channel import (
    MonitoringNotificationChannel,
)
from constructs import Construct

from snowplow_infra.config import EnvironmentConfig


@dataclass(frozen=True)
class Watched:
    """The names the alerts filter on."""

    loader_services: tuple[str, ...]  # Cloud Run services of the two functions
    transform_job: str


class Monitoring(Construct):
    """Notification channels, the loaded-files and anomaly metrics and four alert policies."""

    def __init__(
        self, scope: Construct, construct_id: str, config: EnvironmentConfig, watched: Watched
    ):
        super().__init__(scope, construct_id)
        self.channels = [
            MonitoringNotificationChannel(
                self,
                f"email-{index}",
                type="email",
                display_name=f"{config.name_of('alerts')} {address}",
                labels={"email_address": address},
            ).id
            for index, address in enumerate(config.alert_emails)
        ]
        services = " OR ".join(f'"{name}"' for name in watched.loader_services)
        loader_logs = (
            f'resource.type="cloud_run_revision" AND resource.labels.service_name=({services})'
        )
        self.loaded_files = LoggingMetric(
            self,
            "loaded-files",
            name=config.name_of("loaded-files"),
            description="Landing files the loader committed to raw_events",
            filter=f'{loader_logs} AND jsonPayload.outcome="loaded"',
            metric_descriptor=LoggingMetricMetricDescriptor(
                metric_kind="DELTA", value_type="INT64", unit="1"
            ),
        )
        self.loader_errors = self._policy(
            "loader-errors",
            config,
            "loader errors",
            "The loader logged an ERROR or worse: a file failed permanently, an event was "
            "too old to load, or the function is misconfigured (CRITICAL names the setting). "
            "Read the entry's jsonPayload (outcome, file_key, reason); replay the object once "
            "fixed by copying it onto itself.",
            MonitoringAlertPolicyConditions(
                display_name="loader ERROR log entry",
                condition_matched_log=MonitoringAlertPolicyConditionsConditionMatchedLog(
                    filter=f"{loader_logs} AND severity>=ERROR"
                ),
            ),
            rate_limited=True,
        )
        self.transform_failed = self._policy(
            "transform-failed",
            config,
            "transform job failed",
            "An execution of the daily transform job failed after its retry: models, the "
            "artifacts or the Sheets tabs are stale. Open the execution's logs in Cloud Run; "
            "rerun with `gcloud run jobs execute` once fixed.",
            MonitoringAlertPolicyConditions(
                display_name="failed transform execution",
                condition_threshold=MonitoringAlertPolicyConditionsConditionThreshold(
                    filter=(
                        'resource.type="cloud_run_job" AND '
                        f'resource.labels.job_name="{watched.transform_job}" AND '
                        'metric.type="run.googleapis.com/job/completed_execution_count" AND '
                        'metric.labels.result="failed"'
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
        )
        self.raw_stale = self._policy(
            "raw-stale",
            config,
            "raw data not fresh",
            f"No landing file was loaded into raw_events for {config.raw_freshness_hours} h. "
            "Either nothing arrives (check the Snowplow loader writing to the landing bucket) "
            "or the loader fails (see the loader errors alert and the function's logs).",
            MonitoringAlertPolicyConditions(
                display_name=f"no file loaded for {config.raw_freshness_hours} h",
                condition_absent=MonitoringAlertPolicyConditionsConditionAbsent(
                    filter=(
                        f'metric.type="logging.googleapis.com/user/{self.loaded_files.name}" '
                        'AND resource.type="cloud_run_revision"'
                    ),
                    duration=f"{config.raw_freshness_hours * 3600}s",
                    aggregations=[
                        MonitoringAlertPolicyConditionsConditionAbsentAggregations(
                            alignment_period="300s", per_series_aligner="ALIGN_SUM"
                        )
                    ],
                ),
            ),
        )

        self.anomalies = LoggingMetric(
            self,
            "metric-anomalies",
            name=config.name_of("metric-anomalies"),
            description="Metric anomalies the daily job flagged for the first time",
            # the job's anomalies step (transform/snowplow_dbt/anomalies.py): one WARNING
            # line per new anomaly, message "metric anomaly: <metric> on <day>"
            filter=(
                'resource.type="cloud_run_job" AND '
                f'resource.labels.job_name="{watched.transform_job}" AND '
                'severity=WARNING AND jsonPayload.step="anomalies" AND '
                'jsonPayload.message:"metric anomaly"'
            ),
            metric_descriptor=LoggingMetricMetricDescriptor(
                metric_kind="DELTA", value_type="INT64", unit="1"
            ),
        )
        self.anomaly = self._policy(
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
                        f'metric.type="logging.googleapis.com/user/{self.anomalies.name}" '
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
            # the metric must exist before a policy can name it (provider issue 11102)
            depends_on=[self.anomalies],
        )

    def _policy(
        self,
        construct_id: str,
        config: EnvironmentConfig,
        title: str,
        meaning: str,
        condition: MonitoringAlertPolicyConditions,
        *,
        rate_limited: bool = False,
        depends_on: list[LoggingMetric] | None = None,
    ) -> MonitoringAlertPolicy:
        return MonitoringAlertPolicy(
            self,
            construct_id,
            display_name=f"{config.name_of(construct_id)}: {title}",
            combiner="OR",
            conditions=[condition],
            notification_channels=self.channels,
            documentation=MonitoringAlertPolicyDocumentation(
                content=meaning, mime_type="text/markdown"
            ),
            alert_strategy=MonitoringAlertPolicyAlertStrategy(
                auto_close="86400s",
                notification_rate_limit=MonitoringAlertPolicyAlertStrategyNotificationRateLimit(
                    period="3600s"
                )
                if rate_limited
                else None,
            ),
            severity="ERROR",
            depends_on=depends_on,
        )

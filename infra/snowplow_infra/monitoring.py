"""Alerts that page a person: loader errors, a parked file, a failed transform run, raw data
gone stale, a transform run that billed several times its usual bytes, and a metric anomaly
the daily job found (broken tracking, transform/SEMANTICS.md).

Each policy's documentation says what it means and what to do; infra/README.md has the
same table. Notifications go to the e-mail channels of the environment's configuration.
A policy on a log-based metric names it in ``watches=``: the policy then waits until
Cloud Monitoring can see the new metric (``snowplow_infra.ordering``).
"""

from collections.abc import Sequence
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
from cdktf_cdktf_provider_time.sleep import Sleep
from constructs import Construct
from snowplow_loader.cloud.deploy import REDRIVE_COMMAND

from snowplow_infra.config import EnvironmentConfig
from snowplow_infra.job_alerts import anomaly_alert, run_cost_alert
from snowplow_infra.ordering import METRIC_VISIBLE, after, wait


@dataclass(frozen=True)
class Watched:
    """The names the alerts filter on."""

    loader_services: tuple[str, ...]  # the two functions' Cloud Run services; () if no loader
    transform_job: str


class Monitoring(Construct):
    """Notification channels, the loader's, cost and anomaly metrics, and the alert policies."""

    def __init__(
        self, scope: Construct, construct_id: str, config: EnvironmentConfig, watched: Watched
    ):
        super().__init__(scope, construct_id)
        self._visible: dict[str, Sleep] = {}  # metric construct id -> its visibility wait
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
        if watched.loader_services:  # none when events come from a BigQuery Loader table
            self._watch_loader(config, watched)
        self.transform_failed = self.policy(
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

        self.run_cost = run_cost_alert(self, self.policy, config, watched.transform_job)
        self.anomaly = anomaly_alert(self, self.policy, config, watched.transform_job)

    def metric_visible(self, metric: LoggingMetric) -> Sleep:
        """The wait after a log-based metric's creation, one per metric, shared by policies.

        Recreated (so waiting again) when the metric's name changes, since that replaces
        the metric.
        """
        key = metric.node.id
        if key not in self._visible:
            self._visible[key] = wait(
                self, f"{key}-visible", [metric], METRIC_VISIBLE, triggers={"metric": metric.name}
            )
        return self._visible[key]

    def policy(
        self,
        construct_id: str,
        config: EnvironmentConfig,
        title: str,
        meaning: str,
        condition: MonitoringAlertPolicyConditions,
        *,
        rate_limited: bool = False,
        watches: Sequence[LoggingMetric] = (),
    ) -> MonitoringAlertPolicy:
        """An alert policy; `watches` lists the log-based metrics its conditions read."""
        policy = MonitoringAlertPolicy(
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
        )
        for metric in watches:
            after(policy, self.metric_visible(metric))
        return policy

    def _watch_loader(self, config: EnvironmentConfig, watched: Watched) -> None:
        """The loader's log-based metrics and its alerts: errors, a parked file, stale raw data."""
        services = " OR ".join(f'"{name}"' for name in watched.loader_services)
        loader_logs = (
            f'resource.type="cloud_run_revision" AND resource.labels.service_name=({services})'
        )
        self.loaded_files = LoggingMetric(
            self,
            "loaded-files",
            name=config.name_of("loaded-files"),
            description="Landing files recorded loaded in the manifest (one log line each)",
            filter=f'{loader_logs} AND jsonPayload.outcome="loaded"',
            metric_descriptor=LoggingMetricMetricDescriptor(
                metric_kind="DELTA", value_type="INT64", unit="1"
            ),
        )
        self.unmatched_files = LoggingMetric(
            self,
            "unmatched-files",
            name=config.name_of("unmatched-files"),
            description="Landing objects whose name matches no SNOWPLOW_NAME_PATTERNS: not loaded",
            filter=f'{loader_logs} AND jsonPayload.outcome="unmatched"',
            metric_descriptor=LoggingMetricMetricDescriptor(
                metric_kind="DELTA", value_type="INT64", unit="1"
            ),
        )
        self.file_parked = self.policy(
            "file-parked",
            config,
            "landing file parked",
            "Reconcile stopped replaying a landing file that failed on every attempt "
            "(SNOWPLOW_RECONCILE_MAX_ATTEMPTS, with backoff); it stays unloaded until a person "
            "acts. The entry's jsonPayload.reason holds the last failure; the manifest lists "
            "them all (`SELECT file_key, reason FROM load_manifest WHERE status = 'failed'`). "
            f"Fix the cause, then redrive it: `{REDRIVE_COMMAND}` (functions/README.md, "
            "Reconcile and redrive).",
            MonitoringAlertPolicyConditions(
                display_name="loader parked a file",
                condition_matched_log=MonitoringAlertPolicyConditionsConditionMatchedLog(
                    filter=f'{loader_logs} AND jsonPayload.outcome="parked"'
                ),
            ),
            rate_limited=True,
        )
        self.loader_errors = self.policy(
            "loader-errors",
            config,
            "loader errors",
            "The loader logged an ERROR or worse: a file failed permanently, an event was "
            "too old to load, or the function is misconfigured (CRITICAL names the setting). "
            "Read the entry's jsonPayload (outcome, file_key, reason). Once the cause is "
            f"fixed, redrive the file: `{REDRIVE_COMMAND}` with the function's SNOWPLOW_* "
            "settings (functions/README.md, Reconcile and redrive).",
            MonitoringAlertPolicyConditions(
                display_name="loader ERROR log entry",
                condition_matched_log=MonitoringAlertPolicyConditionsConditionMatchedLog(
                    filter=f'{loader_logs} AND severity>=ERROR AND NOT jsonPayload.outcome="parked"'
                ),
            ),
            rate_limited=True,
        )
        self.raw_stale = self.policy(
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
            watches=(self.loaded_files,),
        )

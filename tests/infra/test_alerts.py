"""Each environment's alerts: the loader, the job, raw freshness, the run's cost and the
metric anomalies, each a policy that notifies the alert emails."""

import pytest

from tests.support.synthesis import ENVIRONMENTS, Synthesized

# every infra module reads the one synthesis of the stacks: one worker builds it
pytestmark = pytest.mark.xdist_group("infra-synth")


@pytest.mark.parametrize("env", ENVIRONMENTS)
def test_alert_policies_watch_loader_job_and_freshness(synthesized: Synthesized, env: str) -> None:
    config = synthesized.environments[env]
    policies = {
        p["display_name"].split(":")[0]: p
        for p in synthesized.resources(env, "google_monitoring_alert_policy")
    }
    assert set(policies) == {
        config.name_of(n)
        for n in (
            "loader-errors",
            "file-parked",
            "transform-failed",
            "raw-stale",
            "transform-cost",
            "metric-anomaly",
        )
    }
    channels = synthesized.resources(env, "google_monitoring_notification_channel")
    assert sorted(c["labels"]["email_address"] for c in channels) == sorted(config.alert_emails)
    for policy in policies.values():
        assert len(policy["notification_channels"]) == len(config.alert_emails)
        assert policy["documentation"]["content"]
    (errors,) = policies[config.name_of("loader-errors")]["conditions"]
    log_filter = errors["condition_matched_log"]["filter"]
    assert "severity>=ERROR" in log_filter
    (parked,) = policies[config.name_of("file-parked")]["conditions"]
    assert 'jsonPayload.outcome="parked"' in parked["condition_matched_log"]["filter"]
    assert 'NOT jsonPayload.outcome="parked"' in log_filter  # one alert per parked file
    unmatched = synthesized.one(
        env, "google_logging_metric", name=config.name_of("unmatched-files")
    )
    assert 'jsonPayload.outcome="unmatched"' in unmatched["filter"]
    assert config.name_of("loader") in log_filter and config.name_of("reconcile") in log_filter
    (failed,) = policies[config.name_of("transform-failed")]["conditions"]
    metric_filter = failed["condition_threshold"]["filter"]
    assert 'metric.labels.result="failed"' in metric_filter
    assert f'job_name="{config.name_of("transform")}"' in metric_filter
    (stale,) = policies[config.name_of("raw-stale")]["conditions"]
    assert stale["condition_absent"]["duration"] == f"{config.raw_freshness_hours * 3600}s"
    metric = synthesized.one(env, "google_logging_metric", name=config.name_of("loaded-files"))
    assert 'jsonPayload.outcome="loaded"' in metric["filter"]


@pytest.mark.parametrize("env", ENVIRONMENTS)
def test_a_run_billing_several_times_its_median_alerts(synthesized: Synthesized, env: str) -> None:
    config = synthesized.environments[env]
    name = config.name_of("transform-bytes-billed")
    metric = synthesized.one(env, "google_logging_metric", name=name)
    # the job's last line: {"step": "end", "bytes_billed": <run total>, ...} (snowplow_dbt.job)
    assert 'jsonPayload.step="end"' in metric["filter"]
    assert f'resource.labels.job_name="{config.name_of("transform")}"' in metric["filter"]
    assert metric["value_extractor"] == "EXTRACT(jsonPayload.bytes_billed)"
    assert metric["metric_descriptor"]["value_type"] == "DISTRIBUTION"
    (policy,) = [
        p
        for p in synthesized.resources(env, "google_monitoring_alert_policy")
        if p["display_name"].startswith(config.name_of("transform-cost"))
    ]
    (condition,) = policy["conditions"]
    query = condition["condition_prometheus_query_language"]["query"]
    # PromQL's name of the metric (first / -> :, other special characters -> _), _sum of
    # the distribution; today's bill against 3x the median day of the 14 before
    promql = "logging_googleapis_com:user_" + name.replace("-", "_") + "_sum"
    day = f'increase({promql}{{monitored_resource="cloud_run_job"}}[1d])'
    assert query == f"{day} > 3 * (quantile_over_time(0.5, {day}[14d:1d] offset 1d) > 0)"


@pytest.mark.parametrize("env", ENVIRONMENTS)
def test_anomaly_alert_counts_the_jobs_anomaly_lines(synthesized: Synthesized, env: str) -> None:
    """The job's WARNING line per new anomaly (snowplow_dbt.anomalies) feeds a log-based
    metric, and a policy fires when it counts any: the filter matches what the job logs."""
    from snowplow_dbt.anomalies import ANOMALY_MESSAGE

    config = synthesized.environments[env]
    metric = synthesized.one(env, "google_logging_metric", name=config.name_of("metric-anomalies"))
    log_filter = metric["filter"]
    assert f'job_name="{config.name_of("transform")}"' in log_filter
    assert "severity=WARNING" in log_filter and 'jsonPayload.step="anomalies"' in log_filter
    assert f'jsonPayload.message:"{ANOMALY_MESSAGE}"' in log_filter
    (policy,) = [
        p
        for p in synthesized.resources(env, "google_monitoring_alert_policy")
        if p["display_name"].startswith(config.name_of("metric-anomaly") + ":")
    ]
    (condition,) = policy["conditions"]
    threshold = condition["condition_threshold"]
    # the policy names the metric by reference (Terraform resolves its name)
    reference = "logging.googleapis.com/user/${google_logging_metric.monitoring_metric-anomalies"
    assert reference in threshold["filter"]
    assert threshold["comparison"] == "COMPARISON_GT" and threshold["threshold_value"] == 0
    assert policy["depends_on"], "the policy waits for the metric (provider issue 11102)"
    assert len(policy["notification_channels"]) == len(config.alert_emails)

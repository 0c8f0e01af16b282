"""Settings come from SNOWPLOW_* variables; every mistake is named with its fix."""

import pytest
from snowplow_loader.cloud.config import Config, ConfigError


def test_only_the_dataset_is_required() -> None:
    config = Config.from_env({"SNOWPLOW_DATASET": "snowplow"})
    assert (config.dataset, config.raw_table, config.staging_dataset_name) == (
        "snowplow",
        "raw_events",
        "snowplow_staging",
    )
    assert config.project is None and config.staging_prefix == "staging/"


def test_values_are_typed() -> None:
    config = Config.from_env(
        {
            "SNOWPLOW_DATASET": "raw",
            "SNOWPLOW_PROJECT": "my-project",
            "SNOWPLOW_MAX_EVENT_AGE_SECONDS": "3600",
            "SNOWPLOW_STAGING_DATASET": "scratch",
            "SNOWPLOW_STAGING_BUCKET": "my-staging",
            "SNOWPLOW_LOCATION": "EU",
        }
    )
    assert config.max_event_age_seconds == 3600 and config.staging_dataset_name == "scratch"
    assert (config.project, config.location, config.staging_bucket) == (
        "my-project",
        "EU",
        "my-staging",
    )


def test_every_problem_is_reported_at_once() -> None:
    with pytest.raises(ConfigError) as raised:
        Config.from_env(
            {
                "SNOWPLOW_MAX_EVENT_AGE_SECONDS": "a day",
                "SNOWPLOW_STAGING_PREFIX": "staging",
                "SNOWPLOW_JOB_WAIT_SECONDS": "600",
                "SNOWPLOW_RAW_TABLE": "raw-events",
                "SNOWPLOW_BIGQUERY_ENDPOINT": "localhost:9050",
            }
        )
    message = str(raised.value)
    for expected in (
        "SNOWPLOW_DATASET is required",
        "SNOWPLOW_MAX_EVENT_AGE_SECONDS: 'a day' is not a whole number",
        "SNOWPLOW_STAGING_PREFIX: 'staging' must be a folder-like prefix",
        "SNOWPLOW_JOB_WAIT_SECONDS: must stay below the function timeout",
        "SNOWPLOW_RAW_TABLE: 'raw-events' is not a BigQuery name (letters, digits, _)",
        "SNOWPLOW_BIGQUERY_ENDPOINT: 'localhost:9050' is not an http(s) URL",
    ):
        assert expected in message


def test_the_quarantine_bucket_and_reconcile_settings_are_read() -> None:
    config = Config.from_env(
        {
            "SNOWPLOW_DATASET": "raw",
            "SNOWPLOW_QUARANTINE_BUCKET": "my-quarantine",
            "SNOWPLOW_LANDING_BUCKET": "my-landing",
            "SNOWPLOW_RECONCILE_MIN_AGE_SECONDS": "600",
        }
    )
    assert (config.quarantine_bucket, config.landing_bucket) == ("my-quarantine", "my-landing")
    assert config.reconcile_min_age_seconds == 600
    assert Config.from_env({"SNOWPLOW_DATASET": "raw"}).reconcile_min_age_seconds == 3600


def test_staging_tables_never_share_the_dataset_of_raw_events() -> None:
    with pytest.raises(ConfigError, match="must not be the dataset of raw_events"):
        Config.from_env({"SNOWPLOW_DATASET": "d", "SNOWPLOW_STAGING_DATASET": "d"})


def test_staging_and_quarantine_prefixes_must_differ() -> None:
    with pytest.raises(ConfigError, match="must differ"):
        Config.from_env({"SNOWPLOW_DATASET": "d", "SNOWPLOW_QUARANTINE_PREFIX": "staging/"})

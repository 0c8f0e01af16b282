"""The buckets of each environment: hardened alike, and the loader's staging apart."""

import pytest

from tests.support.synthesis import ENVIRONMENTS, Synthesized, account, ref

# every infra module reads the one synthesis of the stacks: one worker builds it
pytestmark = pytest.mark.xdist_group("infra-synth")


@pytest.mark.parametrize("env", ENVIRONMENTS)
def test_buckets_are_hardened(synthesized: Synthesized, env: str) -> None:
    config = synthesized.environments[env]
    buckets = {b["name"]: b for b in synthesized.resources(env, "google_storage_bucket")}
    assert set(buckets) == {
        config.name_of(c) for c in ("landing", "staging", "quarantine", "artifacts", "sources")
    }
    staging = buckets.pop(config.name_of("staging"))
    for bucket in [*buckets.values(), staging]:
        assert bucket["uniform_bucket_level_access"] is True
        assert bucket["public_access_prevention"] == "enforced"
    for bucket in buckets.values():
        assert bucket["versioning"] == {"enabled": True}
        noncurrent = {"days_since_noncurrent_time": config.noncurrent_version_days}
        conditions = [rule["condition"] for rule in bucket["lifecycle_rule"]]
        assert {**noncurrent, "with_state": "ARCHIVED"} in conditions
        assert bucket.get("force_destroy") is False
        assert "soft_delete_policy" not in bucket  # Cloud Storage's default 7 days
    landing_rules = buckets[config.name_of("landing")]["lifecycle_rule"]
    retention = {"action": {"type": "Delete"}, "condition": {"age": config.landing_retention_days}}
    assert [rule for rule in landing_rules if "age" in rule["condition"]] == [retention]
    assert config.reconcile_lookback_hours < config.landing_retention_days * 24


@pytest.mark.parametrize("env", ENVIRONMENTS)
def test_loader_stages_in_a_bucket_of_its_own(synthesized: Synthesized, env: str) -> None:
    """Staging copies neither fire the landing trigger nor linger as noncurrent versions."""
    config = synthesized.environments[env]
    staging = synthesized.one(env, "google_storage_bucket", name=config.name_of("staging"))
    assert staging["versioning"] == {"enabled": False}
    assert staging["lifecycle_rule"] == [{"action": {"type": "Delete"}, "condition": {"age": 1}}]
    assert staging["soft_delete_policy"] == {"retention_duration_seconds": 0}
    staging_ref = ref(
        synthesized, env, "google_storage_bucket", "name", name=config.name_of("staging")
    )
    landing_ref = ref(
        synthesized, env, "google_storage_bucket", "name", name=config.name_of("landing")
    )
    loader = "serviceAccount:" + account(synthesized, env, "loader")
    roles = {
        (grant["bucket"], grant["role"])
        for grant in synthesized.resources(env, "google_storage_bucket_iam_member")
        if grant["member"] == loader
    }
    assert (staging_ref, "roles/storage.objectUser") in roles
    assert (landing_ref, "roles/storage.objectViewer") in roles  # it writes nothing there
    assert not [role for bucket, role in roles if bucket == landing_ref and "Viewer" not in role]
    for function in synthesized.resources(env, "google_cloudfunctions2_function"):
        variables = function["service_config"]["environment_variables"]
        assert variables["SNOWPLOW_STAGING_BUCKET"] == staging_ref
        assert variables["SNOWPLOW_LANDING_BUCKET"] == landing_ref
        # the trigger watches landing only
        for event_filter in function.get("event_trigger", {}).get("event_filters", []):
            assert event_filter["value"] == landing_ref

"""Each environment stack declares the pipeline with the properties that matter."""

import json

import cdktf
import pytest
from snowplow_infra.loader_archive import build_archive
from snowplow_infra.loader_function import LOADER_FUNCTION, RECONCILE_TIMEOUT_SECONDS
from snowplow_infra.warehouse_tables import LOADER_TABLES

from tests.support.synthesis import ENVIRONMENTS, Synthesized, account, ref

# every infra module reads the one synthesis of the stacks: one worker builds it
pytestmark = pytest.mark.xdist_group("infra-synth")

OUTPUTS = {
    "landing_bucket",
    "quarantine_bucket",
    "artifacts_bucket",
    "raw_dataset",
    "marts_dataset",
    "analytics_dataset",
    "loader_function",
    "reconcile_function",
    "transform_job",
    "job_image_repository",
}


@pytest.mark.parametrize("env", ENVIRONMENTS)
def test_loader_runs_on_landing_finalize_with_retries(synthesized: Synthesized, env: str) -> None:
    config = synthesized.environments[env]
    function = synthesized.one(
        env, "google_cloudfunctions2_function", name=config.name_of("loader")
    )
    trigger = function["event_trigger"]
    assert trigger["event_type"] == "google.cloud.storage.object.v1.finalized"
    assert trigger["retry_policy"] == "RETRY_POLICY_RETRY"
    landing = ref(synthesized, env, "google_storage_bucket", "name", name=config.name_of("landing"))
    assert trigger["event_filters"] == [{"attribute": "bucket", "value": landing}]
    assert trigger["service_account_email"] == account(synthesized, env, "eventarc")
    service = function["service_config"]
    assert service["max_instance_count"] == config.loader_max_instances
    assert service["service_account_email"] == account(synthesized, env, "loader")
    assert (service["timeout_seconds"], service["available_memory"], service["available_cpu"]) == (
        LOADER_FUNCTION.timeout_seconds,
        LOADER_FUNCTION.memory,
        LOADER_FUNCTION.cpu,
    )
    assert service["max_instance_request_concurrency"] == 1
    assert function["build_config"]["entry_point"] == LOADER_FUNCTION.entry_point
    assert function["build_config"]["runtime"] == LOADER_FUNCTION.runtime
    assert service["environment_variables"]["SNOWPLOW_QUARANTINE_BUCKET"] == ref(
        synthesized, env, "google_storage_bucket", "name", name=config.name_of("quarantine")
    )
    lookback = service["environment_variables"]["SNOWPLOW_RECONCILE_LOOKBACK_HOURS"]
    assert lookback == str(config.reconcile_lookback_hours)


@pytest.mark.parametrize("env", ENVIRONMENTS)
def test_function_source_is_the_content_named_archive(synthesized: Synthesized, env: str) -> None:
    archive = build_archive()
    upload = synthesized.one(env, "google_storage_bucket_object", name=archive.object_name)
    assert upload["source"].endswith(archive.object_name.rsplit("/", 1)[1])
    source_ref = ref(
        synthesized, env, "google_storage_bucket_object", "name", name=archive.object_name
    )
    for function in synthesized.resources(env, "google_cloudfunctions2_function"):
        assert function["build_config"]["source"]["storage_source"]["object"] == source_ref


@pytest.mark.parametrize("env", ENVIRONMENTS)
def test_reconcile_is_called_hourly_with_an_oidc_token(synthesized: Synthesized, env: str) -> None:
    config = synthesized.environments[env]
    name = config.name_of("reconcile")
    function = synthesized.one(env, "google_cloudfunctions2_function", name=name)
    assert function["build_config"]["entry_point"] == "reconcile"
    assert "event_trigger" not in function  # HTTP
    assert function["service_config"]["timeout_seconds"] == RECONCILE_TIMEOUT_SECONDS
    schedule = synthesized.one(env, "google_cloud_scheduler_job", name=name)
    assert schedule["schedule"] == config.reconcile_schedule == "0 * * * *"
    assert schedule["attempt_deadline"] == f"{RECONCILE_TIMEOUT_SECONDS}s"
    # the run.app URI: Scheduler is internal traffic for an internal-only service only there
    url = ref(
        synthesized, env, "google_cloudfunctions2_function", "service_config[0].uri", name=name
    )
    target = schedule["http_target"]
    assert target["uri"] == url
    assert target["oidc_token"] == {
        "service_account_email": account(synthesized, env, "scheduler"),
        "audience": url,
    }
    service = ref(
        synthesized, env, "google_cloudfunctions2_function", "service_config[0].service", name=name
    )
    synthesized.one(
        env,
        "google_cloud_run_v2_service_iam_member",
        name=service,
        role="roles/run.invoker",
        member="serviceAccount:" + account(synthesized, env, "scheduler"),
    )


@pytest.mark.parametrize("env", ENVIRONMENTS)
def test_trigger_account_may_receive_and_invoke(synthesized: Synthesized, env: str) -> None:
    config = synthesized.environments[env]
    trigger = "serviceAccount:" + account(synthesized, env, "eventarc")
    synthesized.one(
        env, "google_project_iam_member", role="roles/eventarc.eventReceiver", member=trigger
    )
    service = ref(
        synthesized,
        env,
        "google_cloudfunctions2_function",
        "service_config[0].service",
        name=config.name_of("loader"),
    )
    synthesized.one(env, "google_cloud_run_v2_service_iam_member", name=service, member=trigger)
    agent = synthesized.stacks[env]["data"]["google_storage_project_service_account"]
    (key,) = agent
    publisher = synthesized.one(env, "google_project_iam_member", role="roles/pubsub.publisher")
    assert (
        publisher["member"] == "${data.google_storage_project_service_account." + key + ".member}"
    )


@pytest.mark.parametrize("env", ENVIRONMENTS)
def test_transform_job_runs_daily_at_five_utc_with_oauth(
    synthesized: Synthesized, env: str
) -> None:
    config = synthesized.environments[env]
    name = config.name_of("transform")
    job = synthesized.one(env, "google_cloud_run_v2_job", name=name)
    template = job["template"]["template"]
    assert template["service_account"] == account(synthesized, env, "transform")
    (container,) = template["containers"]
    assert container["image"] == "${var.transform_image}"  # the delivery pipeline sets it
    # required: tests/infra/test_versions.py plans without it
    assert "default" not in synthesized.stacks[env]["variable"]["transform_image"]
    env_vars = {item["name"]: item["value"] for item in container["env"]}
    assert env_vars["SNOWPLOW_DBT_TARGET"] == env
    assert env_vars["SNOWPLOW_MAX_BYTES_BILLED"] == str(config.max_bytes_billed)
    assert env_vars["SNOWPLOW_SPREADSHEET_ID"] == config.spreadsheet_id
    schedule = synthesized.one(env, "google_cloud_scheduler_job", name=name)
    assert (schedule["schedule"], schedule["time_zone"]) == ("0 5 * * *", "Etc/UTC")
    target = schedule["http_target"]
    job_name = ref(synthesized, env, "google_cloud_run_v2_job", "name", name=name)
    assert target["uri"] == (
        f"https://run.googleapis.com/v2/projects/{config.project}/locations/{config.region}"
        f"/jobs/{job_name}:run"
    )
    assert "oidc_token" not in target
    scheduler = account(synthesized, env, "scheduler")
    assert target["oauth_token"]["service_account_email"] == scheduler
    invoker = synthesized.one(env, "google_cloud_run_v2_job_iam_member", name=job_name)
    assert (invoker["role"], invoker["member"]) == (
        "roles/run.invoker",
        f"serviceAccount:{scheduler}",
    )


@pytest.mark.parametrize("env", ENVIRONMENTS)
def test_raw_tables_follow_the_contract(synthesized: Synthesized, env: str) -> None:
    config = synthesized.environments[env]
    raw = ref(
        synthesized,
        env,
        "google_bigquery_dataset",
        "dataset_id",
        dataset_id=config.dataset_of("raw"),
    )
    for spec in LOADER_TABLES:
        table = synthesized.one(env, "google_bigquery_table", table_id=spec.table_id)
        assert table["dataset_id"] == raw
        assert json.loads(table["schema"]) == json.loads(spec.schema_json)
        assert table["deletion_protection"] is True
        assert table.get("clustering", []) == list(spec.clustering)
        if spec.partition_field:
            assert table["time_partitioning"] == {"type": "DAY", "field": spec.partition_field}
    raw_events = synthesized.one(env, "google_bigquery_table", table_id="raw_events")
    assert raw_events["time_partitioning"]["field"] == "load_tstamp"
    assert raw_events["clustering"] == ["event_name"]


@pytest.mark.parametrize("env", ENVIRONMENTS)
def test_datasets_per_layer_with_time_travel_and_expiring_scratch(
    synthesized: Synthesized, env: str
) -> None:
    config = synthesized.environments[env]
    datasets = {d["dataset_id"]: d for d in synthesized.resources(env, "google_bigquery_dataset")}
    assert set(datasets) == {
        config.dataset_of(layer) for layer in ("raw", "scratch", "marts", "analytics")
    }
    for dataset in datasets.values():
        assert dataset["location"] == config.location
        assert dataset["max_time_travel_hours"] == str(config.time_travel_hours)
    scratch = datasets[config.dataset_of("scratch")]
    assert (
        scratch["default_table_expiration_ms"] == config.scratch_table_expiration_hours * 3_600_000
    )
    assert "default_table_expiration_ms" not in datasets[config.dataset_of("raw")]


@pytest.mark.parametrize("env", ENVIRONMENTS)
def test_labels_state_and_outputs(synthesized: Synthesized, env: str) -> None:
    stack = synthesized.stacks[env]
    config = synthesized.environments[env]
    (provider,) = stack["provider"]["google"]
    assert provider["default_labels"] == config.labels
    assert provider["project"] == config.project
    assert stack["terraform"]["backend"]["gcs"] == {
        "bucket": synthesized.bootstrap.state_bucket,
        "prefix": f"stacks/{env}",
    }
    assert set(stack["output"]) >= OUTPUTS
    assert cdktf.Testing.to_have_resource_with_properties(
        synthesized.texts[env], "google_project_service", {"service": "run.googleapis.com"}
    )


def test_environments_differ_only_by_configuration(synthesized: Synthesized) -> None:
    dev, prod = synthesized.environments["dev"], synthesized.environments["prod"]
    assert dev.loader_max_instances != prod.loader_max_instances
    for env in ENVIRONMENTS:
        config = synthesized.environments[env]
        function = synthesized.one(
            env, "google_cloudfunctions2_function", name=config.name_of("loader")
        )
        assert function["service_config"]["max_instance_count"] == config.loader_max_instances
    shape = {
        env: sorted((t, len(r)) for t, r in synthesized.stacks[env]["resource"].items())
        for env in ENVIRONMENTS
    }
    assert shape["dev"] == shape["prod"]


def test_every_resource_waits_for_the_apis(synthesized: Synthesized) -> None:
    """On a fresh project, nothing is created before the APIs it needs are enabled."""
    for name, stack in synthesized.stacks.items():
        services = {
            f"google_project_service.{key}" for key in stack["resource"]["google_project_service"]
        }
        blocks = [*stack["resource"].items(), *stack.get("data", {}).items()]
        waiting = [
            set(resource.get("depends_on", []))
            for resource_type, resources in blocks
            if resource_type != "google_project_service"
            for resource in resources.values()
        ]
        # what else each waits for (grants, propagation): tests/infra/test_deploy_order.py
        assert waiting and all(depends >= services for depends in waiting), name


@pytest.mark.parametrize("env", ENVIRONMENTS)
def test_image_repositories_prune_old_images(synthesized: Synthesized, env: str) -> None:
    repositories = synthesized.resources(env, "google_artifact_registry_repository")
    assert len(repositories) == 2  # the functions' builds, the transform job's images
    for repository in repositories:
        actions = {policy["action"]: policy for policy in repository["cleanup_policies"]}
        assert actions["DELETE"]["condition"]["older_than"].endswith("s")
        assert actions["KEEP"]["most_recent_versions"]["keep_count"] > 0

"""An environment whose events Snowplow's BigQuery Loader already writes to a table
(``events_source``): no loader, none of its buckets, accounts, grants, datasets or alerts,
and a job that reads that one table and nothing else outside its own datasets.

Each check also looks at dev (the default, its own loader), so a selector that matches
nothing cannot pass by accident.
"""

import json
import re

import pytest

from tests.support.synthesis import (
    EXISTING,
    EXISTING_TABLE,
    Stack,
    Synthesized,
    account,
    ref,
)

# every infra module reads the one synthesis of the stacks: one worker builds it
pytestmark = pytest.mark.xdist_group("infra-synth")

LOADER_ONLY = (
    "google_cloudfunctions2_function",
    "google_storage_bucket_object",  # the functions' source archive
    "google_cloud_run_v2_service_iam_member",  # run.invoker on the functions' services
    "google_project_service_identity",  # Eventarc's agent
    "google_bigquery_table",  # raw_events, raw_events_bad_rows, load_manifest
)
LOADER_OUTPUTS = {
    "landing_bucket",
    "quarantine_bucket",
    "raw_dataset",
    "loader_function",
    "reconcile_function",
}


def names(synthesized: Synthesized, env: str, resource_type: str, key: str) -> set[str]:
    return {r[key] for r in synthesized.resources(env, resource_type)}


def test_no_loader_its_buckets_accounts_or_raw_datasets(
    existing_table: Synthesized, synthesized: Synthesized
) -> None:
    config = existing_table.environments[EXISTING]
    for resource_type in LOADER_ONLY:
        assert synthesized.resources("dev", resource_type), resource_type
        assert not existing_table.resources(EXISTING, resource_type), resource_type
    assert "data" in synthesized.stacks["dev"]  # the Cloud Storage agent's address
    assert "data" not in existing_table.stacks[EXISTING]

    def named(*components: str) -> set[str]:
        return {config.name_of(component) for component in components}

    assert names(existing_table, EXISTING, "google_storage_bucket", "name") == named("artifacts")
    assert names(existing_table, EXISTING, "google_cloud_scheduler_job", "name") == named(
        "transform"
    )
    assert names(existing_table, EXISTING, "google_service_account", "account_id") == named(
        "transform", "scheduler"
    )
    assert names(existing_table, EXISTING, "google_bigquery_dataset", "dataset_id") == {
        config.dataset_of("marts"),
        config.dataset_of("analytics"),
    }
    (repository,) = existing_table.resources(EXISTING, "google_artifact_registry_repository")
    assert repository["repository_id"] == config.name_of("images")  # the job's, no builds
    outputs = existing_table.stacks[EXISTING]["output"]
    assert set(synthesized.stacks["dev"]["output"]) >= LOADER_OUTPUTS
    assert not LOADER_OUTPUTS & set(outputs)
    assert outputs["events_table"]["value"] == EXISTING_TABLE


def _loader_alerts(stack: Stack, loader_names: tuple[str, ...]) -> set[str]:
    """Construct-level names of the policies on the loader's logs or its metrics."""
    metrics = {  # a metric on the loader's logs, by name or as Terraform references it
        word
        for key, metric in stack["resource"].get("google_logging_metric", {}).items()
        if any(name in metric["filter"] for name in loader_names)
        for word in (metric["name"], f"google_logging_metric.{key}.")
    }
    return {
        policy["display_name"]
        for policy in stack["resource"]["google_monitoring_alert_policy"].values()
        if any(word in json.dumps(policy["conditions"]) for word in {*loader_names, *metrics})
    }


def _policies(synthesized: Synthesized, env: str) -> set[str]:
    """Each policy's display name without the environment's prefix."""
    prefix = re.escape(synthesized.environments[env].name_of(""))
    return {
        re.sub(f"^{prefix}", "", policy["display_name"])
        for policy in synthesized.resources(env, "google_monitoring_alert_policy")
    }


def test_only_the_loader_alerts_are_gone(
    existing_table: Synthesized, synthesized: Synthesized
) -> None:
    """Every alert dev has stays, but those on the loader's logs and metrics."""
    dev = synthesized.environments["dev"]
    loader = _loader_alerts(
        synthesized.stacks["dev"], (dev.name_of("loader"), dev.name_of("reconcile"))
    )
    prefix = re.escape(dev.name_of(""))
    loader = {re.sub(f"^{prefix}", "", name) for name in loader}
    assert {"loader-errors: loader errors", "raw-stale: raw data not fresh"} <= loader
    kept = _policies(synthesized, "dev") - loader
    assert "transform-failed: transform job failed" in kept
    assert _policies(existing_table, EXISTING) == kept
    config = existing_table.environments[EXISTING]
    metrics = existing_table.resources(EXISTING, "google_logging_metric")
    assert not [m for m in metrics if "cloud_run_revision" in m["filter"]]  # no function logs
    assert not _loader_alerts(
        existing_table.stacks[EXISTING], (config.name_of("loader"), config.name_of("reconcile"))
    )


def _grants_to(synthesized: Synthesized, env: str, member: str) -> list[tuple[str, Stack]]:
    return [
        (resource_type, resource)
        for resource_type, resources in synthesized.stacks[env]["resource"].items()
        if resource_type.endswith("_iam_member")
        for resource in resources.values()
        if resource["member"] == member
    ]


def _target(resource_type: str, grant: Stack, datasets: dict[str, str]) -> str:
    """What a grant is on, readably: the table, a layer's dataset, the project, a bucket."""
    if resource_type == "google_bigquery_table_iam_member":
        return f"table {grant['project']}.{grant['dataset_id']}.{grant['table_id']}"
    if resource_type == "google_bigquery_dataset_iam_member":
        return f"dataset {datasets.get(grant['dataset_id'], grant['dataset_id'])}"
    if resource_type == "google_project_iam_member":
        return f"project {grant['project']}"
    return resource_type.removeprefix("google_").removesuffix("_iam_member")


def test_the_job_reads_that_table_and_no_other_data(existing_table: Synthesized) -> None:
    config = existing_table.environments[EXISTING]
    job = "serviceAccount:" + account(existing_table, EXISTING, "transform")
    project, dataset, table = EXISTING_TABLE.split(".")
    binding = existing_table.one(EXISTING, "google_bigquery_table_iam_member", member=job)
    assert (binding["project"], binding["dataset_id"], binding["table_id"], binding["role"]) == (
        project,
        dataset,
        table,
        "roles/bigquery.dataViewer",
    )
    grants = _grants_to(existing_table, EXISTING, job)
    datasets = {
        ref(
            existing_table,
            EXISTING,
            "google_bigquery_dataset",
            "dataset_id",
            dataset_id=config.dataset_of(layer),
        ): layer
        for layer in ("marts", "analytics")
    }
    found = {(grant["role"], _target(kind, grant, datasets)) for kind, grant in grants}
    assert found == {
        ("roles/bigquery.dataViewer", f"table {EXISTING_TABLE}"),
        ("roles/bigquery.dataEditor", "dataset marts"),
        ("roles/bigquery.dataEditor", "dataset analytics"),
        ("roles/bigquery.jobUser", f"project {config.project}"),
        ("roles/storage.objectUser", "storage_bucket"),
    }
    # nobody else gets a role on the table's project, dataset or table
    for resource_type, resources in existing_table.stacks[EXISTING]["resource"].items():
        for resource in resources.values():
            if resource_type.endswith("_iam_member") and resource is not binding:
                assert resource.get("project") != project and resource.get("dataset_id") != dataset


def _job_environment(synthesized: Synthesized, env: str) -> dict[str, str]:
    config = synthesized.environments[env]
    job = synthesized.one(env, "google_cloud_run_v2_job", name=config.name_of("transform"))
    (container,) = job["template"]["template"]["containers"]
    return {item["name"]: item["value"] for item in container["env"]}


def test_the_job_environment_names_the_table(
    existing_table: Synthesized, synthesized: Synthesized
) -> None:
    """What transform/dbt_project.yml and the staging sources read to pick the table."""
    config = existing_table.environments[EXISTING]
    project, dataset, table = EXISTING_TABLE.split(".")
    found = _job_environment(existing_table, EXISTING)
    assert {
        key: found.get(key)
        for key in (
            "SNOWPLOW_EVENTS_SOURCE",
            "SNOWPLOW_EVENTS_PROJECT",
            "SNOWPLOW_DATASET",
            "SNOWPLOW_BIGQUERY_LOADER_TABLE",
            "SNOWPLOW_PROJECT",
        )
    } == {
        "SNOWPLOW_EVENTS_SOURCE": "bigquery_loader",
        "SNOWPLOW_EVENTS_PROJECT": project,
        "SNOWPLOW_DATASET": dataset,
        "SNOWPLOW_BIGQUERY_LOADER_TABLE": table,
        "SNOWPLOW_PROJECT": config.project,  # jobs run and models land in its own project
    }
    assert found["SNOWPLOW_MODELS_DATASET"] == ref(
        existing_table,
        EXISTING,
        "google_bigquery_dataset",
        "dataset_id",
        dataset_id=config.dataset_of("marts"),
    )
    dev = synthesized.environments["dev"]
    own = _job_environment(synthesized, "dev")
    assert own["SNOWPLOW_EVENTS_SOURCE"] == "raw_events"
    assert own["SNOWPLOW_DATASET"] == ref(
        synthesized,
        "dev",
        "google_bigquery_dataset",
        "dataset_id",
        dataset_id=dev.dataset_of("raw"),
    )
    assert not {"SNOWPLOW_EVENTS_PROJECT", "SNOWPLOW_BIGQUERY_LOADER_TABLE"} & set(own)

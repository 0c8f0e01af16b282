"""What the loader's functions need granted before they exist: runtime, trigger, build.

``Loader`` waits for all of these (``snowplow_infra.ordering``) before it creates the
functions; the ``run.invoker`` grants on each function's own service follow the function.
"""

from dataclasses import dataclass

from cdktf import TerraformResource
from cdktf_cdktf_provider_google.artifact_registry_repository import ArtifactRegistryRepository
from cdktf_cdktf_provider_google.artifact_registry_repository_iam_member import (
    ArtifactRegistryRepositoryIamMember,
)
from cdktf_cdktf_provider_google.bigquery_table_iam_member import BigqueryTableIamMember
from cdktf_cdktf_provider_google.data_google_storage_project_service_account import (
    DataGoogleStorageProjectServiceAccount,
)
from cdktf_cdktf_provider_google.service_account import ServiceAccount
from constructs import Construct

from snowplow_infra.config import EnvironmentConfig
from snowplow_infra.iam import grant_on_project, member
from snowplow_infra.service_agents import GoogleBeta, ServiceIdentity
from snowplow_infra.storage import HardenedBucket
from snowplow_infra.warehouse import Warehouse


@dataclass(frozen=True)
class LoaderAccounts:
    runtime: ServiceAccount  # runs both functions
    trigger: ServiceAccount  # Eventarc delivers as it
    build: ServiceAccount  # Cloud Build builds the functions as it


@dataclass(frozen=True)
class Buckets:
    landing: HardenedBucket
    staging: HardenedBucket
    quarantine: HardenedBucket
    sources: HardenedBucket


def function_grants(
    scope: Construct,
    config: EnvironmentConfig,
    accounts: LoaderAccounts,
    repository: ArtifactRegistryRepository,
    buckets: Buckets,
    warehouse: Warehouse,
    beta: GoogleBeta,
) -> list[TerraformResource]:
    """Every grant (and agent) the functions need before they are built and triggered."""
    loader, trigger, build = (
        member(accounts.runtime),
        member(accounts.trigger),
        member(accounts.build),
    )
    landing, staging, quarantine, sources = (
        buckets.landing,
        buckets.staging,
        buckets.quarantine,
        buckets.sources,
    )
    grants: list[TerraformResource] = [
        # reads and lists the files, writes nothing there
        landing.grant("loader-landing", "roles/storage.objectViewer", loader),
        # writes, reads (its load jobs) and deletes its staging objects
        staging.grant("loader-staging", "roles/storage.objectUser", loader),
        # a retried quarantine copy overwrites the earlier one, which takes delete
        quarantine.grant("loader-quarantine", "roles/storage.objectUser", loader),
    ]
    for table_id, table in warehouse.tables.items():
        grants.append(
            BigqueryTableIamMember(
                scope,
                f"loader-{table_id}",
                dataset_id=table.dataset_id,
                table_id=table.table_id,
                role="roles/bigquery.dataEditor",
                member=loader,
            )
        )
    grants += [
        warehouse.grant("loader-scratch", "scratch", "roles/bigquery.dataEditor", loader),
        grant_on_project(scope, "loader-jobs", config.project, "roles/bigquery.jobUser", loader),
        grant_on_project(
            scope, "trigger-receiver", config.project, "roles/eventarc.eventReceiver", trigger
        ),
    ]

    # Eventarc's agent validates the trigger: created now, with its role, not on first use
    eventarc = ServiceIdentity(
        scope, "eventarc-agent", service="eventarc.googleapis.com", beta=beta
    )
    grants += [
        eventarc,
        grant_on_project(
            scope,
            "eventarc-agent-role",
            config.project,
            "roles/eventarc.serviceAgent",
            eventarc.member,
        ),
    ]
    # reading the Cloud Storage agent's address creates the agent if it does not exist
    agent = DataGoogleStorageProjectServiceAccount(scope, "storage-agent")
    grants.append(
        grant_on_project(
            scope,
            "storage-agent-publisher",
            config.project,
            "roles/pubsub.publisher",
            agent.member,
        )
    )

    grants += [
        sources.grant("builder-sources", "roles/storage.objectViewer", build),
        ArtifactRegistryRepositoryIamMember(
            scope,
            "builder-images",
            repository=repository.name,
            location=repository.location,
            role="roles/artifactregistry.writer",
            member=build,
        ),
        grant_on_project(scope, "builder-logs", config.project, "roles/logging.logWriter", build),
    ]
    return grants

"""The stacks: bootstrap (local state) and one per environment (state in GCS).

The bootstrap stack creates what the others stand on (the state bucket, the CI
identities), so its own state cannot live in that bucket: it stays local, applied once
by a person with Owner on the projects. Each environment stack keeps its state in the
bucket under its own prefix.
"""

from cdktf import GcsBackend, LocalBackend, TerraformOutput, TerraformStack
from cdktf_cdktf_provider_google.provider import GoogleProvider
from cdktf_cdktf_provider_google.service_account import ServiceAccount
from cdktf_cdktf_provider_google.storage_bucket import StorageBucketLifecycleRule
from cdktf_cdktf_provider_time.provider import TimeProvider
from constructs import Construct

from snowplow_infra.apis import BOOTSTRAP_APIS, ENVIRONMENT_APIS, RequiredApis
from snowplow_infra.ci_identity import CiIdentity, state_prefix
from snowplow_infra.config import BootstrapConfig, EnvironmentConfig
from snowplow_infra.iam import audit_data_access, let_deployer_act_as, service_account
from snowplow_infra.loader import Loader
from snowplow_infra.monitoring import Monitoring, Watched
from snowplow_infra.service_agents import GoogleBeta
from snowplow_infra.storage import HardenedBucket, delete_after
from snowplow_infra.transform_job import TransformJob
from snowplow_infra.warehouse import Warehouse

STAGING_DAYS = 1  # the loader deletes its staging objects; the rule catches a crashed run's
ARTIFACTS_DAYS = 90


def _outputs(stack: TerraformStack, values: dict[str, str]) -> None:
    for name, value in values.items():
        TerraformOutput(stack, name, value=value)


class BootstrapStack(TerraformStack):
    """State bucket, Workload Identity Federation and the CI identities."""

    def __init__(
        self,
        scope: Construct,
        stack_id: str,
        config: BootstrapConfig,
        environments: list[EnvironmentConfig],
    ):
        super().__init__(scope, stack_id)
        # beside cdktf.out, not in it: a new synthesis must never touch the only state copy
        LocalBackend(self, path=f"../../../terraform.{stack_id}.tfstate")
        GoogleProvider(
            self,
            "google",
            project=config.project,
            region=config.region,
            default_labels=config.labels,
        )
        apis = RequiredApis(self, "apis", config.project, BOOTSTRAP_APIS)
        state = HardenedBucket(
            self,
            "state",
            name=config.state_bucket,
            location=config.region,
            noncurrent_version_days=90,  # earlier states stay restorable for a quarter
        )
        ci = CiIdentity(
            self,
            "ci",
            config,
            state=state,
            environments=environments,
        )
        audit_data_access(self, config.project)  # reads of the state bucket are recorded
        apis.precede(self)
        _outputs(
            self,
            {
                "state_bucket": state.bucket.name,
                "workload_identity_provider": ci.provider.name,
                "planner_service_account": ci.planner.email,
                **{
                    f"deployer_service_account_{name}": deployer.email
                    for name, deployer in ci.deployers.items()
                },
            },
        )


class EnvironmentStack(TerraformStack):
    """The whole pipeline of one environment, from its configuration alone."""

    def __init__(
        self,
        scope: Construct,
        config: EnvironmentConfig,
        bootstrap: BootstrapConfig,
    ):
        super().__init__(scope, config.name)
        self.config = config
        GcsBackend(self, bucket=bootstrap.state_bucket, prefix=state_prefix(config.name))
        google = GoogleProvider(
            self,
            "google",
            project=config.project,
            region=config.region,
            default_labels=config.labels,
        )
        beta = GoogleBeta(  # service agents only (snowplow_infra.service_agents)
            self,
            "google-beta",
            project=config.project,
            region=config.region,
            version=google.terraform_generator_metadata.provider_version,
        )
        TimeProvider(self, "time")  # the propagation waits (snowplow_infra.ordering)
        apis = RequiredApis(self, "apis", config.project, ENVIRONMENT_APIS)
        artifacts = self._bucket("artifacts", delete_after(ARTIFACTS_DAYS))
        # events_source = a BigQuery Loader table: no loader, nor what only the loader uses
        # (its buckets, the raw and scratch datasets, its accounts, grants and alerts)
        table = config.existing_table
        warehouse = Warehouse(self, "warehouse", config, with_loader=table is None)
        scheduler = service_account(
            self, config.name_of("scheduler"), "Cloud Scheduler: starts the job, calls reconcile"
        )
        events = (
            self._loader(bootstrap, warehouse, scheduler, beta)
            if table is None
            else {"events_table": table.table}
        )
        transform = TransformJob(
            self, "transform", config, warehouse=warehouse, artifacts=artifacts, scheduler=scheduler
        )
        Monitoring(
            self,
            "monitoring",
            config,
            Watched(
                loader_services=(config.name_of("loader"), config.name_of("reconcile"))
                if table is None
                else (),
                transform_job=config.name_of("transform"),
            ),
        )
        audit_data_access(self, config.project)
        let_deployer_act_as(self, bootstrap.deployer_member(config))
        apis.precede(self)
        _outputs(
            self,
            {
                **events,
                "artifacts_bucket": artifacts.bucket.name,
                "marts_dataset": warehouse.datasets["marts"].dataset_id,
                "analytics_dataset": warehouse.datasets["analytics"].dataset_id,
                "transform_job": transform.job.name,
                "job_image_repository": transform.image_repository,
                "sheets_identity": transform.account.email,
            },
        )

    def _bucket(self, component: str, *rules: StorageBucketLifecycleRule) -> HardenedBucket:
        return HardenedBucket(
            self,
            component,
            name=self.config.name_of(component),
            location=self.config.region,
            noncurrent_version_days=self.config.noncurrent_version_days,
            rules=rules,
        )

    def _loader(
        self,
        bootstrap: BootstrapConfig,
        warehouse: Warehouse,
        scheduler: ServiceAccount,
        beta: GoogleBeta,
    ) -> dict[str, str]:
        """This environment's own loader and its buckets; the outputs naming them."""
        config = self.config
        landing = self._bucket("landing", delete_after(config.landing_retention_days))
        # The loader's staging copies live apart from the landing files: in the versioned
        # landing bucket each one fired the loader again (ignored) and stayed ~31 days as
        # noncurrent versions. Here: no versions, no soft delete, gone after a day.
        staging = HardenedBucket(
            self,
            "staging",
            name=config.name_of("staging"),
            location=config.region,
            noncurrent_version_days=config.noncurrent_version_days,
            rules=[delete_after(STAGING_DAYS)],
            versioned=False,
        )
        quarantine = self._bucket("quarantine")
        sources = self._bucket("sources")
        # plans refresh the function archive object, which takes read on it
        sources.grant(
            "planner-sources", "roles/storage.objectViewer", bootstrap.ci_member("planner")
        )
        loader = Loader(
            self,
            "loader",
            config,
            landing=landing,
            staging=staging,
            quarantine=quarantine,
            sources=sources,
            warehouse=warehouse,
            scheduler=scheduler,
            beta=beta,
        )
        return {
            "landing_bucket": landing.bucket.name,
            "quarantine_bucket": quarantine.bucket.name,
            "raw_dataset": warehouse.datasets["raw"].dataset_id,
            "loader_function": loader.function.name,
            "reconcile_function": loader.reconcile.name,
        }

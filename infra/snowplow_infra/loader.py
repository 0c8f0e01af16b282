"""The loader: its source archive, the two Cloud Functions (gen2) and their identities.

``load_object`` runs on every object finalized in the landing bucket (Eventarc trigger,
retries on: the function raises only when a retry can help). ``reconcile`` is called
hourly by Cloud Scheduler and loads what the trigger dropped (Eventarc gives up after
24 h). Both run as the loader's account, from one archive of exactly the files they
import, with the settings of ``snowplow_infra.loader_function``.
"""

from pathlib import Path

from cdktf import App, AssetType, TerraformAsset
from cdktf_cdktf_provider_google.cloud_run_v2_service_iam_member import (
    CloudRunV2ServiceIamMember,
)
from cdktf_cdktf_provider_google.cloud_scheduler_job import (
    CloudSchedulerJob,
    CloudSchedulerJobHttpTarget,
    CloudSchedulerJobHttpTargetOidcToken,
)
from cdktf_cdktf_provider_google.cloudfunctions2_function import (
    Cloudfunctions2Function,
    Cloudfunctions2FunctionBuildConfig,
    Cloudfunctions2FunctionBuildConfigSource,
    Cloudfunctions2FunctionBuildConfigSourceStorageSource,
    Cloudfunctions2FunctionEventTrigger,
    Cloudfunctions2FunctionEventTriggerEventFilters,
    Cloudfunctions2FunctionServiceConfig,
)
from cdktf_cdktf_provider_google.service_account import ServiceAccount
from cdktf_cdktf_provider_google.storage_bucket_object import StorageBucketObject
from constructs import Construct

from snowplow_infra.config import EnvironmentConfig
from snowplow_infra.iam import member, service_account
from snowplow_infra.images import image_repository
from snowplow_infra.loader_archive import build_archive
from snowplow_infra.loader_function import (
    LOADER_FUNCTION,
    RECONCILE_ENTRY_POINT,
    RECONCILE_TIMEOUT_SECONDS,
)
from snowplow_infra.loader_grants import Buckets, LoaderAccounts, function_grants
from snowplow_infra.ordering import IAM_PROPAGATION, after, wait
from snowplow_infra.service_agents import GoogleBeta
from snowplow_infra.storage import HardenedBucket
from snowplow_infra.warehouse import Warehouse

RUN_INVOKER = "roles/run.invoker"


class Loader(Construct):
    """Archive upload, build identity, both functions, the trigger and every grant."""

    def __init__(
        self,
        scope: Construct,
        construct_id: str,
        config: EnvironmentConfig,
        *,
        landing: HardenedBucket,
        staging: HardenedBucket,
        quarantine: HardenedBucket,
        sources: HardenedBucket,
        warehouse: Warehouse,
        scheduler: ServiceAccount,
        beta: GoogleBeta,
    ):
        super().__init__(scope, construct_id)
        self.account = service_account(
            self, config.name_of("loader"), "Runs the loader functions (load_object, reconcile)"
        )
        self.trigger_account = service_account(
            self, config.name_of("eventarc"), "Delivers landing-bucket events to the loader"
        )
        self.build_account = service_account(
            self, config.name_of("builder"), "Builds the loader functions' container"
        )
        self.repository = image_repository(
            self,
            "images",
            name=config.name_of("functions"),
            location=config.region,
            description="Images Cloud Functions builds from the loader's source archive",
        )
        source = self._upload(sources)
        # every grant and agent the functions' build, trigger and runs use, propagated first
        granted = wait(
            self,
            "iam-propagated",
            function_grants(
                self,
                config,
                LoaderAccounts(self.account, self.trigger_account, self.build_account),
                self.repository,
                Buckets(landing, staging, quarantine, sources),
                warehouse,
                beta,
            ),
            IAM_PROPAGATION,
        )
        environment = {
            "SNOWPLOW_PROJECT": config.project,
            "SNOWPLOW_LOCATION": config.location,
            "SNOWPLOW_DATASET": warehouse.datasets["raw"].dataset_id,
            "SNOWPLOW_STAGING_DATASET": warehouse.datasets["scratch"].dataset_id,
            "SNOWPLOW_QUARANTINE_BUCKET": quarantine.bucket.name,
            "SNOWPLOW_LANDING_BUCKET": landing.bucket.name,
            "SNOWPLOW_STAGING_BUCKET": staging.bucket.name,
            "SNOWPLOW_RECONCILE_LOOKBACK_HOURS": str(config.reconcile_lookback_hours),
        }
        self.function = self._function(
            "load-object",
            config.name_of("loader"),
            config,
            LOADER_FUNCTION.entry_point,
            source,
            environment,
            max_instances=config.loader_max_instances,
            timeout_seconds=LOADER_FUNCTION.timeout_seconds,
            trigger=Cloudfunctions2FunctionEventTrigger(
                trigger_region=config.region,
                event_type=LOADER_FUNCTION.event_type,
                retry_policy=LOADER_FUNCTION.retry_policy,
                service_account_email=self.trigger_account.email,
                event_filters=[
                    Cloudfunctions2FunctionEventTriggerEventFilters(
                        attribute="bucket", value=landing.bucket.name
                    )
                ],
            ),
        )
        self.reconcile = self._function(
            "reconcile",
            config.name_of("reconcile"),
            config,
            RECONCILE_ENTRY_POINT,
            source,
            environment,
            max_instances=1,  # hourly; two runs at once would only repeat each other's work
            timeout_seconds=RECONCILE_TIMEOUT_SECONDS,
            trigger=None,
        )
        for function in (self.function, self.reconcile):
            after(function, granted)
        # run.invoker sits on each function's own service, so it can only follow the
        # function. Eventarc retries a refused delivery (retry policy on) until the grant
        # propagates; the scheduler waits for its grant before its first call.
        self._invoker("trigger-invoker", self.function, member(self.trigger_account))
        invokers = wait(
            self,
            "invoker-propagated",
            [self._invoker("scheduler-reconcile", self.reconcile, member(scheduler))],
            IAM_PROPAGATION,
        )
        # Cloud Scheduler counts as internal traffic for an internal-only service only when
        # it calls the service's own run.app URI; the function's cloudfunctions.net `url`
        # would be refused. That URI is also the OIDC token's audience Cloud Run checks.
        uri = self.reconcile.service_config.uri
        self.reconcile_schedule = CloudSchedulerJob(
            self,
            "reconcile-schedule",
            name=config.name_of("reconcile"),
            region=config.region,
            description="Loads landing objects missing from the manifest",
            schedule=config.reconcile_schedule,
            time_zone=config.time_zone,
            attempt_deadline=f"{RECONCILE_TIMEOUT_SECONDS}s",  # Scheduler's maximum, 30 min
            http_target=CloudSchedulerJobHttpTarget(
                http_method="POST",
                uri=uri,
                oidc_token=CloudSchedulerJobHttpTargetOidcToken(
                    service_account_email=scheduler.email, audience=uri
                ),
            ),
        )
        after(self.reconcile_schedule, invokers)

    def _upload(self, sources: HardenedBucket) -> Cloudfunctions2FunctionBuildConfigSource:
        archive = build_archive()
        folder = Path(App.of(self).outdir) / "loader-archive"
        folder.mkdir(parents=True, exist_ok=True)
        path = folder / Path(archive.object_name).name
        path.write_bytes(archive.content)
        asset = TerraformAsset(self, "archive", path=str(path), type=AssetType.FILE)
        self.archive = StorageBucketObject(
            self,
            "source",
            bucket=sources.bucket.name,
            name=archive.object_name,
            source=asset.path,
            content_type="application/zip",
        )
        return Cloudfunctions2FunctionBuildConfigSource(
            storage_source=Cloudfunctions2FunctionBuildConfigSourceStorageSource(
                bucket=sources.bucket.name, object=self.archive.name
            )
        )

    def _function(
        self,
        construct_id: str,
        name: str,
        config: EnvironmentConfig,
        entry_point: str,
        source: Cloudfunctions2FunctionBuildConfigSource,
        environment: dict[str, str],
        *,
        max_instances: int,
        timeout_seconds: int,
        trigger: Cloudfunctions2FunctionEventTrigger | None,
    ) -> Cloudfunctions2Function:
        return Cloudfunctions2Function(
            self,
            construct_id,
            name=name,
            location=config.region,
            description=f"Snowplow loader: {entry_point} ({config.name})",
            build_config=Cloudfunctions2FunctionBuildConfig(
                runtime=LOADER_FUNCTION.runtime,
                entry_point=entry_point,
                source=source,
                service_account=self.build_account.id,
                docker_repository=self.repository.id,
            ),
            service_config=Cloudfunctions2FunctionServiceConfig(
                available_memory=LOADER_FUNCTION.memory,
                available_cpu=LOADER_FUNCTION.cpu,
                timeout_seconds=timeout_seconds,
                max_instance_request_concurrency=LOADER_FUNCTION.max_instance_request_concurrency,
                min_instance_count=0,
                max_instance_count=max_instances,
                service_account_email=self.account.email,
                environment_variables=environment,
                # Eventarc and Cloud Scheduler of the same project count as internal traffic
                ingress_settings="ALLOW_INTERNAL_ONLY",
                all_traffic_on_latest_revision=True,
            ),
            event_trigger=trigger,
        )

    def _invoker(
        self, construct_id: str, function: Cloudfunctions2Function, who: str
    ) -> CloudRunV2ServiceIamMember:
        """run.invoker on the function's own Cloud Run service, not on every service."""
        return CloudRunV2ServiceIamMember(
            self,
            construct_id,
            name=function.service_config.service,
            location=function.location,
            role=RUN_INVOKER,
            member=who,
        )

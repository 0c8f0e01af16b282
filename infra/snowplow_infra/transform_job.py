"""The daily transform: image repository, Cloud Run job, its schedule and its identities.

The job runs the dbt image (``snowplow-job``: freshness, build, artifacts, sheets sync)
as its own account, which is also the Sheets identity: a person shares the spreadsheet
with that account's e-mail. Cloud Scheduler starts it through the Cloud Run Admin API's
``:run`` endpoint with an OAuth access token of the scheduler account, which holds
run.invoker on this job only (a googleapis.com endpoint takes OAuth tokens, not OIDC).
The events it reads are the environment's ``raw_events`` (the raw dataset) or, with
``events_source`` set to a BigQuery Loader table, that one table and nothing else there.
"""

from cdktf import TerraformResource, TerraformVariable, TerraformVariableValidationConfig
from cdktf_cdktf_provider_google.bigquery_table_iam_member import BigqueryTableIamMember
from cdktf_cdktf_provider_google.cloud_run_v2_job import (
    CloudRunV2Job,
    CloudRunV2JobTemplate,
    CloudRunV2JobTemplateTemplate,
    CloudRunV2JobTemplateTemplateContainers,
    CloudRunV2JobTemplateTemplateContainersEnv,
    CloudRunV2JobTemplateTemplateContainersResources,
)
from cdktf_cdktf_provider_google.cloud_run_v2_job_iam_member import CloudRunV2JobIamMember
from cdktf_cdktf_provider_google.cloud_scheduler_job import (
    CloudSchedulerJob,
    CloudSchedulerJobHttpTarget,
    CloudSchedulerJobHttpTargetOauthToken,
    CloudSchedulerJobRetryConfig,
)
from cdktf_cdktf_provider_google.service_account import ServiceAccount
from constructs import Construct

from snowplow_infra.config import EnvironmentConfig
from snowplow_infra.iam import grant_on_project, member, service_account
from snowplow_infra.images import image_repository
from snowplow_infra.ordering import IAM_PROPAGATION, after, wait
from snowplow_infra.storage import HardenedBucket
from snowplow_infra.warehouse import Warehouse

IMAGE_VARIABLE = "transform_image"
CLOUD_PLATFORM_SCOPE = "https://www.googleapis.com/auth/cloud-platform"


class TransformJob(Construct):
    """Repository, job, scheduler trigger, and the grants of the job's account."""

    def __init__(
        self,
        scope: Construct,
        construct_id: str,
        config: EnvironmentConfig,
        *,
        warehouse: Warehouse,
        artifacts: HardenedBucket,
        scheduler: ServiceAccount,
    ):
        super().__init__(scope, construct_id)
        self.account = service_account(
            self, config.name_of("transform"), "Runs dbt and the Sheets sync (the Sheets identity)"
        )
        self.repository = image_repository(
            self,
            "images",
            name=config.name_of("images"),
            location=config.region,
            description="The transform job's image (dbt project and Sheets sync)",
        )
        self.image_repository = (
            f"{config.region}-docker.pkg.dev/{config.project}/{config.name_of('images')}"
        )
        # Required: with a default, an apply without the image put the job back on a
        # placeholder that exits 0, and the daily run "succeeded" without running dbt.
        image = TerraformVariable(
            self,
            IMAGE_VARIABLE,
            type="string",
            nullable=False,
            description=(
                "The job's image, pushed to this environment's repository and passed by "
                "digest by the delivery pipeline (required: there is no default)"
            ),
            validation=[
                TerraformVariableValidationConfig(
                    condition=(
                        "${startswith(var." + IMAGE_VARIABLE + f', "{self.image_repository}/")}}'
                    ),
                    error_message=(
                        f"{IMAGE_VARIABLE} must be an image of this environment's repository, "
                        f"{self.image_repository}/snowplow-job@sha256:..., not a placeholder "
                        "such as Google's sample job image (it exits 0 without running dbt)."
                    ),
                )
            ],
        )
        image.override_logical_id(IMAGE_VARIABLE)  # `-var transform_image=...`, stable
        environment = {
            "SNOWPLOW_DBT_TARGET": config.name,
            "SNOWPLOW_PROJECT": config.project,
            "SNOWPLOW_LOCATION": config.location,
            **self._events_environment(config, warehouse),
            "SNOWPLOW_MODELS_DATASET": warehouse.datasets["marts"].dataset_id,
            "SNOWPLOW_ANALYTICS_DATASET": warehouse.datasets["analytics"].dataset_id,
            "SNOWPLOW_ARTIFACTS_BUCKET": artifacts.bucket.name,
            "SNOWPLOW_SPREADSHEET_ID": config.spreadsheet_id,
            "SNOWPLOW_MAX_BYTES_BILLED": str(config.max_bytes_billed),
        }
        self.job = CloudRunV2Job(
            self,
            "job",
            name=config.name_of("transform"),
            location=config.region,
            template=CloudRunV2JobTemplate(
                task_count=1,
                template=CloudRunV2JobTemplateTemplate(
                    service_account=self.account.email,
                    timeout="3600s",
                    max_retries=1,
                    containers=[
                        CloudRunV2JobTemplateTemplateContainers(
                            image=image.string_value,
                            env=[
                                CloudRunV2JobTemplateTemplateContainersEnv(name=key, value=value)
                                for key, value in environment.items()
                            ],
                            resources=CloudRunV2JobTemplateTemplateContainersResources(
                                limits={"cpu": "1", "memory": "2Gi"}
                            ),
                        )
                    ],
                ),
            ),
        )
        # the job's first run must find its account's roles in effect
        granted = self._grant(config, warehouse, artifacts)
        after(self.job, wait(self, "iam-propagated", granted, IAM_PROPAGATION))
        invoker = CloudRunV2JobIamMember(
            self,
            "scheduler-invoker",
            name=self.job.name,
            location=self.job.location,
            role="roles/run.invoker",
            member=member(scheduler),
        )
        self.schedule = CloudSchedulerJob(
            self,
            "schedule",
            name=config.name_of("transform"),
            region=config.region,
            description="Starts the daily dbt build and Sheets sync",
            schedule=config.transform_schedule,
            time_zone=config.time_zone,
            attempt_deadline="180s",
            retry_config=CloudSchedulerJobRetryConfig(retry_count=3),
            http_target=CloudSchedulerJobHttpTarget(
                http_method="POST",
                uri=(
                    f"https://run.googleapis.com/v2/projects/{config.project}/locations/"
                    f"{config.region}/jobs/{self.job.name}:run"
                ),
                oauth_token=CloudSchedulerJobHttpTargetOauthToken(
                    service_account_email=scheduler.email, scope=CLOUD_PLATFORM_SCOPE
                ),
            ),
        )
        # its first call must not meet a run.invoker grant still propagating
        after(self.schedule, wait(self, "invoker-propagated", [invoker], IAM_PROPAGATION))

    def _grant(
        self, config: EnvironmentConfig, warehouse: Warehouse, artifacts: HardenedBucket
    ) -> list[TerraformResource]:
        job = member(self.account)
        return [
            self._read_events(config, warehouse, job),
            # dbt writes marts and analytics; the sync reads them
            *(
                warehouse.grant(f"transform-{layer}", layer, "roles/bigquery.dataEditor", job)
                for layer in ("marts", "analytics")
            ),
            grant_on_project(self, "transform-jobs", config.project, "roles/bigquery.jobUser", job),
            # run artifacts are written under the run's id and the latest ones replaced
            artifacts.grant("transform-artifacts", "roles/storage.objectUser", job),
        ]

    @staticmethod
    def _events_environment(config: EnvironmentConfig, warehouse: Warehouse) -> dict[str, str]:
        """What tells dbt where the events are (transform/dbt_project.yml, the source yml)."""
        table = config.existing_table
        if table is None:
            return {
                "SNOWPLOW_EVENTS_SOURCE": config.events_source.kind,
                "SNOWPLOW_DATASET": warehouse.datasets["raw"].dataset_id,
            }
        return {
            "SNOWPLOW_EVENTS_SOURCE": table.kind,
            "SNOWPLOW_EVENTS_PROJECT": table.part("project"),
            "SNOWPLOW_DATASET": table.part("dataset"),
            "SNOWPLOW_BIGQUERY_LOADER_TABLE": table.part("table"),
        }

    def _read_events(
        self, config: EnvironmentConfig, warehouse: Warehouse, job: str
    ) -> TerraformResource:
        """dataViewer where the events are: the raw dataset (sources and freshness), or the
        BigQuery Loader table alone, not its dataset (other tables may sit beside it)."""
        table = config.existing_table
        grant: TerraformResource
        if table is None:
            grant = warehouse.grant("transform-raw", "raw", "roles/bigquery.dataViewer", job)
            return grant
        grant = BigqueryTableIamMember(
            self,
            "transform-events",
            project=table.part("project"),
            dataset_id=table.part("dataset"),
            table_id=table.part("table"),
            role="roles/bigquery.dataViewer",
            member=job,
        )
        return grant

"""The Google APIs an environment uses, enabled by Terraform (what enable_apis.sh did)."""

from cdktf import TerraformDataSource, TerraformResource, TerraformStack
from cdktf_cdktf_provider_google.project_service import ProjectService
from constructs import Construct

ENVIRONMENT_APIS = (
    "artifactregistry.googleapis.com",  # the transform image and the function's build
    "bigquery.googleapis.com",
    "cloudbuild.googleapis.com",  # Cloud Functions builds the loader's container
    "cloudfunctions.googleapis.com",
    "cloudscheduler.googleapis.com",
    "eventarc.googleapis.com",  # the storage-finalize trigger
    "iam.googleapis.com",
    "logging.googleapis.com",
    "monitoring.googleapis.com",
    "pubsub.googleapis.com",  # Eventarc delivers storage events through Pub/Sub
    "run.googleapis.com",  # gen2 functions and the transform job run on Cloud Run
    "sheets.googleapis.com",  # the sync writes the spreadsheet as the job's account
    "storage.googleapis.com",
)
BOOTSTRAP_APIS = (
    "cloudresourcemanager.googleapis.com",
    "iam.googleapis.com",
    "iamcredentials.googleapis.com",  # CI exchanges its federated token for an account's
    "storage.googleapis.com",
    "sts.googleapis.com",  # the Workload Identity token exchange
)


class RequiredApis(Construct):
    """One google_project_service per API; never disabled on destroy (others may use it)."""

    def __init__(self, scope: Construct, construct_id: str, project: str, apis: tuple[str, ...]):
        super().__init__(scope, construct_id)
        self.services = [
            ProjectService(
                self,
                api.split(".")[0],
                project=project,
                service=api,
                disable_on_destroy=False,
            )
            for api in apis
        ]

    def precede(self, stack: TerraformStack) -> None:
        """Make every other resource and data source of the stack wait for the APIs too.

        Terraform would otherwise create a bucket or a function in parallel with enabling
        its API on a fresh project, and fail. (A construct-level dependency does not
        reach the resources inside it, so each one gets its depends_on.) What a resource
        already waits for (grants, propagation waits: ``snowplow_infra.ordering``) stays.
        """
        services = [
            f"{service.terraform_resource_type}.{service.friendly_unique_id}"
            for service in self.services
        ]
        for construct in stack.node.find_all():
            if isinstance(construct, ProjectService):
                continue
            if isinstance(construct, TerraformResource | TerraformDataSource):
                current = list(construct.depends_on or [])
                construct.depends_on = current + [name for name in services if name not in current]

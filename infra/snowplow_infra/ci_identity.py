"""GitHub Actions reaches Google Cloud through Workload Identity Federation: no keys.

One pool, one OIDC provider whose attribute condition admits only these subjects of
the repository pinned by its numeric id and its owner's (GitHub's default ``sub``
claim), each bound to one account:
- the planner: pull-request jobs (they run the branch's code, so it can read and
  change nothing: ``terraform plan -lock=false``, since a state lock is a write), and
  jobs on the deploy branch outside any environment (the daily drift check);
- one deployer per environment: jobs of the GitHub environment of that name, only from
  its refs (``dev`` from the deploy branch, the protected ``prod`` from release tags).
  Each holds roles in its own project and on its own state prefix only, so a job of the
  unprotected ``dev`` environment can obtain nothing in ``prod``.
"""

from cdktf_cdktf_provider_google.iam_workload_identity_pool import IamWorkloadIdentityPool
from cdktf_cdktf_provider_google.iam_workload_identity_pool_provider import (
    IamWorkloadIdentityPoolProvider,
    IamWorkloadIdentityPoolProviderOidc,
)
from cdktf_cdktf_provider_google.project_iam_member import (
    ProjectIamMember,
    ProjectIamMemberCondition,
)
from cdktf_cdktf_provider_google.service_account import ServiceAccount
from cdktf_cdktf_provider_google.service_account_iam_member import ServiceAccountIamMember
from cdktf_cdktf_provider_google.storage_bucket_iam_member import StorageBucketIamMemberCondition
from constructs import Construct

from snowplow_infra.config import BootstrapConfig, EnvironmentConfig
from snowplow_infra.iam import PROJECT_LEVEL_ROLES, member, service_account
from snowplow_infra.storage import HardenedBucket

GITHUB_ISSUER = "https://token.actions.githubusercontent.com"

# Read-only: terraform plan refreshes every resource and its IAM policy, nothing more.
PLANNER_ROLES = (
    "roles/artifactregistry.reader",
    "roles/bigquery.metadataViewer",  # datasets and tables, not their rows
    "roles/browser",  # the project itself
    "roles/cloudfunctions.viewer",
    "roles/cloudscheduler.viewer",
    "roles/eventarc.viewer",
    "roles/iam.securityReviewer",  # every IAM policy the stacks set
    "roles/iam.serviceAccountViewer",
    "roles/logging.viewer",  # log-based metrics
    "roles/monitoring.viewer",
    "roles/run.viewer",
    "roles/serviceusage.serviceUsageViewer",
    "roles/storage.bucketViewer",  # bucket settings, not objects
)
# Creating these resource types is only possible at project level.
DEPLOYER_ROLES = (
    "roles/artifactregistry.admin",
    "roles/bigquery.dataOwner",  # datasets, tables and their IAM
    "roles/cloudfunctions.admin",
    "roles/cloudscheduler.admin",
    "roles/eventarc.admin",  # the function's storage trigger
    "roles/iam.serviceAccountAdmin",  # creates the workloads' accounts (and their IAM)
    # no iam.serviceAccountUser here: the environment stack grants it on each workload
    # account it creates (snowplow_infra.iam.let_deployer_act_as), never on the project
    "roles/logging.configWriter",
    "roles/monitoring.editor",
    "roles/run.admin",
    "roles/serviceusage.serviceUsageAdmin",
    "roles/storage.admin",
)
# The deployer sets project IAM, but only for the justified project-level roles.
PROJECT_IAM_ADMIN = "roles/resourcemanager.projectIamAdmin"


class CiIdentity(Construct):
    """The pool, its GitHub provider and the planner and deployer accounts."""

    def __init__(
        self,
        scope: Construct,
        construct_id: str,
        config: BootstrapConfig,
        *,
        state: HardenedBucket,
        environments: list[EnvironmentConfig],
    ):
        super().__init__(scope, construct_id)
        repository = config.github_repository
        self.plan_subjects = (
            f"repo:{repository}:pull_request",
            f"repo:{repository}:ref:refs/heads/{config.deploy_branch}",
        )
        deploy_refs = {
            f"repo:{repository}:environment:{environment}": config.deploy_ref_condition(source)
            for environment, source in sorted(config.deploy_environments.items())
        }
        self.deploy_subjects = tuple(deploy_refs)
        admitted = [f"assertion.sub == '{subject}'" for subject in self.plan_subjects] + [
            f"(assertion.sub == '{subject}' && {refs})" for subject, refs in deploy_refs.items()
        ]
        self.pool = IamWorkloadIdentityPool(
            self,
            "pool",
            workload_identity_pool_id=f"{config.prefix}-github",
            display_name="GitHub Actions",
            description=f"CI of {repository}",
        )
        self.provider = IamWorkloadIdentityPoolProvider(
            self,
            "github",
            workload_identity_pool_id=self.pool.workload_identity_pool_id,
            workload_identity_pool_provider_id="github",
            display_name="GitHub Actions OIDC",
            oidc=IamWorkloadIdentityPoolProviderOidc(issuer_uri=GITHUB_ISSUER),
            attribute_mapping={
                "google.subject": "assertion.sub",
                "attribute.repository": "assertion.repository",
                "attribute.repository_id": "assertion.repository_id",
                "attribute.repository_owner_id": "assertion.repository_owner_id",
                "attribute.ref": "assertion.ref",
            },
            # the ids, not only the name: a renamed or re-created repository is not trusted
            attribute_condition=(
                f"assertion.repository_id == '{config.github_repository_id}' && "
                f"assertion.repository_owner_id == '{config.github_owner_id}' && "
                f"assertion.repository == '{repository}' && ({' || '.join(admitted)})"
            ),
        )
        self.planner = service_account(
            self, config.ci_account_id("planner"), "Pull-request plans: reads, changes nothing"
        )
        self._federate("planner", self.planner, self.plan_subjects)
        state.grant("planner-state", "roles/storage.objectViewer", member(self.planner))
        for project in sorted({environment.project for environment in environments}):
            for role in PLANNER_ROLES:
                ProjectIamMember(
                    self,
                    f"planner-{project}-{role.removeprefix('roles/')}",
                    project=project,
                    role=role,
                    member=member(self.planner),
                )
        self.deployers = {
            environment.name: self._deployer(config, environment, state)
            for environment in environments
        }

    def _federate(self, role: str, account: ServiceAccount, subjects: tuple[str, ...]) -> None:
        for number, subject in enumerate(subjects):
            ServiceAccountIamMember(
                self,
                f"{role}-federation-{number}",
                service_account_id=account.name,
                role="roles/iam.workloadIdentityUser",
                member=f"principal://iam.googleapis.com/{self.pool.name}/subject/{subject}",
            )

    def _deployer(
        self, config: BootstrapConfig, environment: EnvironmentConfig, state: HardenedBucket
    ) -> ServiceAccount:
        """The environment's deployer: its GitHub environment only, its project only."""
        name, project = environment.name, environment.project
        deployer = service_account(
            self, config.deployer_id(environment), f"Deploys the {name} stack from CI"
        )
        subject = f"repo:{config.github_repository}:environment:{name}"
        self._federate(f"deployer-{name}", deployer, (subject,))
        for role in DEPLOYER_ROLES:
            ProjectIamMember(
                self,
                f"deployer-{name}-{role.removeprefix('roles/')}",
                project=project,
                role=role,
                member=member(deployer),
            )
        grantable = ", ".join(f"'{role}'" for role in sorted(PROJECT_LEVEL_ROLES))
        ProjectIamMember(
            self,
            f"deployer-{name}-{PROJECT_IAM_ADMIN.removeprefix('roles/')}",
            project=project,
            role=PROJECT_IAM_ADMIN,
            member=member(deployer),
            condition=ProjectIamMemberCondition(
                title="justified-project-roles-only",
                description="The deployer may grant only the roles listed in infra/README.md",
                expression=(
                    "api.getAttribute('iam.googleapis.com/modifiedGrantsByRole', [])"
                    f".hasOnly([{grantable}])"
                ),
            ),
        )
        # its own state and lock only; listing is checked on the bucket, hence that part
        objects = f"projects/_/buckets/{config.state_bucket}/objects/{state_prefix(name)}/"
        state.grant(
            f"deployer-{name}-state",
            "roles/storage.objectUser",
            member(deployer),
            condition=StorageBucketIamMemberCondition(
                title=f"{name}-state-only",
                description=f"Objects under {state_prefix(name)}/ (the {name} stack's state)",
                expression=(
                    "resource.type == 'storage.googleapis.com/Bucket' || "
                    f"resource.name.startsWith('{objects}')"
                ),
            ),
        )
        return deployer


def state_prefix(environment: str) -> str:
    """Where an environment stack keeps its state in the state bucket (GcsBackend prefix)."""
    return f"stacks/{environment}"

"""GitHub Actions reaches Google Cloud through Workload Identity Federation: no keys.

One pool, one OIDC provider whose attribute condition admits exactly two subjects of
the pinned repository: pull-request jobs, and jobs of the protected deploy environment
running on the deploy branch. Each subject may impersonate one account:
- the planner (pull requests run the branch's code, so it can read and change nothing:
  ``terraform plan -lock=false``, since a state lock is a write);
- the deployer (main + the protected environment), which applies the stacks.
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
from cdktf_cdktf_provider_google.service_account_iam_member import ServiceAccountIamMember
from constructs import Construct

from snowplow_infra.config import BootstrapConfig
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
    "roles/iam.serviceAccountAdmin",
    "roles/iam.serviceAccountUser",  # attach the workloads' accounts to what runs as them
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
        deploy_projects: list[str],
    ):
        super().__init__(scope, construct_id)
        repository = config.github_repository
        self.plan_subject = f"repo:{repository}:pull_request"
        self.deploy_subject = f"repo:{repository}:environment:{config.deploy_environment}"
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
                "attribute.ref": "assertion.ref",
            },
            attribute_condition=(
                f"assertion.sub == '{self.plan_subject}' || "
                f"(assertion.sub == '{self.deploy_subject}' && "
                f"assertion.ref == 'refs/heads/{config.deploy_branch}')"
            ),
        )
        self.planner = service_account(
            self, config.ci_account_id("planner"), "Pull-request plans: reads, changes nothing"
        )
        self.deployer = service_account(
            self, config.ci_account_id("deployer"), "Deploys the environment stacks from main"
        )
        for role, account, subject in (
            ("planner", self.planner, self.plan_subject),
            ("deployer", self.deployer, self.deploy_subject),
        ):
            ServiceAccountIamMember(
                self,
                f"{role}-federation",
                service_account_id=account.name,
                role="roles/iam.workloadIdentityUser",
                member=f"principal://iam.googleapis.com/{self.pool.name}/subject/{subject}",
            )
        state.grant("planner-state", "roles/storage.objectViewer", member(self.planner))
        state.grant("deployer-state", "roles/storage.objectUser", member(self.deployer))
        for project in deploy_projects:
            self._grant_in(project)

    def _grant_in(self, project: str) -> None:
        for who, account, roles in (
            ("planner", self.planner, PLANNER_ROLES),
            ("deployer", self.deployer, DEPLOYER_ROLES),
        ):
            for role in roles:
                ProjectIamMember(
                    self,
                    f"{who}-{project}-{role.removeprefix('roles/')}",
                    project=project,
                    role=role,
                    member=member(account),
                )
        grantable = ", ".join(f"'{role}'" for role in sorted(PROJECT_LEVEL_ROLES))
        ProjectIamMember(
            self,
            f"deployer-{project}-{PROJECT_IAM_ADMIN.removeprefix('roles/')}",
            project=project,
            role=PROJECT_IAM_ADMIN,
            member=member(self.deployer),
            condition=ProjectIamMemberCondition(
                title="justified-project-roles-only",
                description="The deployer may grant only the roles listed in infra/README.md",
                expression=(
                    "api.getAttribute('iam.googleapis.com/modifiedGrantsByRole', [])"
                    f".hasOnly([{grantable}])"
                ),
            ),
        )

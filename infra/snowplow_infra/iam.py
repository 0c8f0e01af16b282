"""Service accounts and the few project-level grants, each with the reason it is needed.

Every other role is granted on its resource (bucket, dataset, table, job, function
service, repository) by the construct that owns that resource. A role lands on the
project only where Google Cloud offers no narrower level; the list below is the whole
set, the README's IAM table repeats it, and the deployer may grant nothing else.
"""

from cdktf import TerraformStack
from cdktf_cdktf_provider_google.cloud_run_v2_job import CloudRunV2Job
from cdktf_cdktf_provider_google.cloud_scheduler_job import CloudSchedulerJob
from cdktf_cdktf_provider_google.cloudfunctions2_function import Cloudfunctions2Function
from cdktf_cdktf_provider_google.project_iam_audit_config import (
    ProjectIamAuditConfig,
    ProjectIamAuditConfigAuditLogConfig,
)
from cdktf_cdktf_provider_google.project_iam_member import ProjectIamMember
from cdktf_cdktf_provider_google.service_account import ServiceAccount
from cdktf_cdktf_provider_google.service_account_iam_member import ServiceAccountIamMember
from constructs import Construct

from snowplow_infra.ordering import IAM_PROPAGATION, after, wait

SERVICE_ACCOUNT_USER = "roles/iam.serviceAccountUser"
# Data Access audit logs (reads and writes of objects and table data): who read what, the
# record Google recommends over bucket usage logs (checkov's CKV_GCP_62; .checkov.yaml).
AUDITED_SERVICES = ("storage.googleapis.com", "bigquery.googleapis.com")

PROJECT_LEVEL_ROLES: dict[str, str] = {
    "roles/bigquery.jobUser": "BigQuery jobs belong to a project; no dataset-level grant runs one",
    "roles/eventarc.eventReceiver": "Eventarc checks the trigger's account at project level",
    "roles/eventarc.serviceAgent": (
        "Eventarc's own agent manages the trigger's Pub/Sub topic and subscription"
    ),
    "roles/pubsub.publisher": (
        "the Cloud Storage service agent publishes to the topic Eventarc creates and owns"
    ),
    "roles/logging.logWriter": "Cloud Build writes the function build's logs to the project",
}


def member(account: ServiceAccount) -> str:
    """The IAM member string of a service account this stack creates."""
    return f"serviceAccount:{account.email}"


def service_account(scope: Construct, account_id: str, purpose: str) -> ServiceAccount:
    """One account per workload; keys are never created (Workload Identity or attached)."""
    return ServiceAccount(
        scope,
        account_id,
        account_id=account_id,
        display_name=account_id,
        description=purpose,
    )


def grant_on_project(
    scope: Construct, construct_id: str, project: str, role: str, principal: str
) -> ProjectIamMember:
    """A project-level grant, refused unless the role is one of PROJECT_LEVEL_ROLES."""
    if role not in PROJECT_LEVEL_ROLES:
        raise ValueError(f"{role} is not a justified project-level role: grant it on a resource")
    return ProjectIamMember(scope, construct_id, project=project, role=role, member=principal)


def let_deployer_act_as(stack: TerraformStack, deployer: str) -> None:
    """serviceAccountUser for the environment's deployer on each workload account only.

    Attaching an account to a function, a trigger, a build, a job or a scheduler job takes
    actAs on that account. Granted per account (never on the project, where it would
    cover every account there, the default compute account included); what attaches
    one waits until the grants have propagated.
    """
    accounts = [c for c in stack.node.find_all() if isinstance(c, ServiceAccount)]
    grants = [
        ServiceAccountIamMember(
            stack,
            f"deployer-act-as-{account.node.id}",
            service_account_id=account.name,
            role=SERVICE_ACCOUNT_USER,
            member=deployer,
        )
        for account in accounts
    ]
    propagated = wait(stack, "deployer-act-as-propagated", grants, IAM_PROPAGATION)
    for construct in stack.node.find_all():
        if isinstance(construct, Cloudfunctions2Function | CloudRunV2Job | CloudSchedulerJob):
            after(construct, propagated)


def audit_data_access(scope: Construct, project: str) -> None:
    """Data Access audit logs (DATA_READ, DATA_WRITE) for Cloud Storage and BigQuery."""
    for service in AUDITED_SERVICES:
        ProjectIamAuditConfig(
            scope,
            f"audit-{service.split('.')[0]}",
            project=project,
            service=service,
            audit_log_config=[
                ProjectIamAuditConfigAuditLogConfig(log_type=kind)
                for kind in ("DATA_READ", "DATA_WRITE")
            ],
        )

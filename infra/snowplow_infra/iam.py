"""Service accounts and the few project-level grants, each with the reason it is needed.

Every other role is granted on its resource (bucket, dataset, table, job, function
service, repository) by the construct that owns that resource. A role lands on the
project only where Google Cloud offers no narrower level; the list below is the whole
set, the README's IAM table repeats it, and the deployer may grant nothing else.
"""

from cdktf_cdktf_provider_google.project_iam_member import ProjectIamMember
from cdktf_cdktf_provider_google.service_account import ServiceAccount
from constructs import Construct

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

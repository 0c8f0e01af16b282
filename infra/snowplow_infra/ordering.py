"""Creation order on a new project: what each resource must wait for, and for how long.

Terraform creates resources in parallel unless a ``depends_on`` or a reference orders
them. That is not enough on a new Google Cloud project, where three things become
usable only some time after the API call that creates them returns:
- IAM grants: a new binding can take minutes to reach every service that checks it, so
  a function built by an account whose roles are not visible yet fails its build, and
  Cloud Functions refuses a storage trigger whose service agent cannot publish yet.
- Service agents: Eventarc's agent appears when the API is enabled, its role later
  (hashicorp/terraform-provider-google#25294: the first apply fails with "Permission
  denied while using the Eventarc Service Agent", a second one passes).
- Log-based metrics: an alert policy on a metric created a moment before gets a 404
  "Cannot find metric(s)" for up to about ten minutes (the same provider, #11102).

So the stacks create the agents explicitly and put a ``time_sleep`` (the ``time``
provider; it sleeps only when it is created, never on later applies) between what has
to propagate and what uses it. ``tests/infra/test_deploy_order.py`` checks the whole
graph.
"""

from collections.abc import Iterable

from cdktf import TerraformResource
from cdktf_cdktf_provider_time.sleep import Sleep
from constructs import Construct

# IAM changes usually reach every Google service within two minutes (Google's IAM docs
# say "typically"; the Eventarc error above asks for "a few minutes").
IAM_PROPAGATION = "120s"
# A new log-based metric is invisible to Cloud Monitoring for up to ~10 minutes.
METRIC_VISIBLE = "600s"


def address(resource: TerraformResource) -> str:
    """The resource's address as depends_on takes it (a token until synthesis)."""
    return f"{resource.terraform_resource_type}.{resource.friendly_unique_id}"


def after(resource: TerraformResource, *dependencies: TerraformResource) -> None:
    """Add dependencies to the resource's depends_on, keeping what it already waits for."""
    current = list(resource.depends_on or [])
    resource.depends_on = current + [
        address(dependency) for dependency in dependencies if address(dependency) not in current
    ]


def wait(
    scope: Construct,
    construct_id: str,
    dependencies: Iterable[TerraformResource],
    duration: str,
    triggers: dict[str, str] | None = None,
) -> Sleep:
    """A time_sleep created after the dependencies; what depends on it starts later.

    triggers (attributes of what it waits for) recreate it, and so wait again, when
    one of them is replaced: a new agent or metric needs the same time as the first.
    """
    return Sleep(
        scope,
        construct_id,
        create_duration=duration,
        depends_on=list(dependencies),
        triggers=triggers,
    )

"""Google-managed service agents, created up front instead of on first use.

``google_project_service_identity`` asks Service Usage to create a service's agent now
and returns its e-mail and member. It exists only in the ``google-beta`` provider (in
6.x and still in 7.x and 8.x: the upstream generator marks it beta-only), and the prebuilt
``google-beta`` bindings would load a second 1,500-resource jsii assembly into every
synthesis for this one resource. So this module declares the provider and the resource
with CDKTF's generic classes, pinned to the same release as the ``google`` provider.
"""

from cdktf import TerraformProvider, TerraformProviderGeneratorMetadata, TerraformResource
from constructs import Construct

BETA = "google-beta"


class GoogleBeta(TerraformProvider):
    """The google-beta provider, same project, region and release as the google one."""

    def __init__(
        self, scope: Construct, construct_id: str, *, project: str, region: str, version: str
    ):
        super().__init__(
            scope,
            construct_id,
            terraform_resource_type=BETA,
            terraform_generator_metadata=TerraformProviderGeneratorMetadata(
                provider_name=BETA, provider_version_constraint=version
            ),
            terraform_provider_source=f"hashicorp/{BETA}",
        )
        self.add_override("project", project)
        self.add_override("region", region)


class ServiceIdentity(TerraformResource):
    """google_project_service_identity: the agent of one API in the provider's project."""

    def __init__(self, scope: Construct, construct_id: str, *, service: str, beta: GoogleBeta):
        super().__init__(
            scope,
            construct_id,
            terraform_resource_type="google_project_service_identity",
            terraform_generator_metadata=TerraformProviderGeneratorMetadata(provider_name=BETA),
            provider=beta,
        )
        self.add_override("service", service)

    @property
    def member(self) -> str:
        """``serviceAccount:service-NUMBER@gcp-sa-....iam.gserviceaccount.com``."""
        return self.get_string_attribute("member")

"""Artifact Registry repositories for container images, pruned by cleanup policies.

Each deploy adds an image (the loader's builds, the transform job's releases); old ones
are deleted after a month, but the most recent few stay whatever their age, so a
rollback always has something to roll back to.
"""

from cdktf_cdktf_provider_google.artifact_registry_repository import (
    ArtifactRegistryRepository,
    ArtifactRegistryRepositoryCleanupPolicies,
    ArtifactRegistryRepositoryCleanupPoliciesCondition,
    ArtifactRegistryRepositoryCleanupPoliciesMostRecentVersions,
)
from constructs import Construct

KEEP_RECENT = 10
DELETE_AFTER_SECONDS = 30 * 24 * 3600


def image_repository(
    scope: Construct, construct_id: str, *, name: str, location: str, description: str
) -> ArtifactRegistryRepository:
    """A Docker repository that keeps the KEEP_RECENT newest images and a month of others."""
    return ArtifactRegistryRepository(
        scope,
        construct_id,
        repository_id=name,
        location=location,
        format="DOCKER",
        description=description,
        cleanup_policies=[
            ArtifactRegistryRepositoryCleanupPolicies(
                id="delete-old",
                action="DELETE",
                condition=ArtifactRegistryRepositoryCleanupPoliciesCondition(
                    tag_state="ANY", older_than=f"{DELETE_AFTER_SECONDS}s"
                ),
            ),
            ArtifactRegistryRepositoryCleanupPolicies(
                id="keep-recent",
                action="KEEP",
                most_recent_versions=ArtifactRegistryRepositoryCleanupPoliciesMostRecentVersions(
                    keep_count=KEEP_RECENT
                ),
            ),
        ],
    )

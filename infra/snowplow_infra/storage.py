"""Cloud Storage buckets, hardened the same way, each with its own lifecycle rules.

Every bucket has uniform bucket-level access (IAM only, no ACLs) and public access
prevention enforced. Buckets holding data keep object versions and a rule deleting old
noncurrent ones: versioning plus soft delete is the backup of what lands here (see
infra/README.md). A scratch bucket (``versioned=False``) keeps neither versions nor
soft-deleted objects: what it holds is rebuilt from elsewhere.
"""

from collections.abc import Sequence

from cdktf_cdktf_provider_google.storage_bucket import (
    StorageBucket,
    StorageBucketLifecycleRule,
    StorageBucketLifecycleRuleAction,
    StorageBucketLifecycleRuleCondition,
    StorageBucketSoftDeletePolicy,
    StorageBucketVersioning,
)
from cdktf_cdktf_provider_google.storage_bucket_iam_member import (
    StorageBucketIamMember,
    StorageBucketIamMemberCondition,
)
from constructs import Construct


def delete_after(days: int, prefix: str | None = None) -> StorageBucketLifecycleRule:
    """Delete live objects (under prefix, if given) this many days after creation."""
    return StorageBucketLifecycleRule(
        action=StorageBucketLifecycleRuleAction(type="Delete"),
        condition=StorageBucketLifecycleRuleCondition(
            age=days, matches_prefix=[prefix] if prefix else None
        ),
    )


def delete_noncurrent_after(days: int) -> StorageBucketLifecycleRule:
    """Versions replaced or deleted stay restorable this long, then go."""
    return StorageBucketLifecycleRule(
        action=StorageBucketLifecycleRuleAction(type="Delete"),
        condition=StorageBucketLifecycleRuleCondition(
            days_since_noncurrent_time=days, with_state="ARCHIVED"
        ),
    )


class HardenedBucket(Construct):
    """A private bucket, versioned unless scratch; grant() adds IAM on this bucket only."""

    def __init__(
        self,
        scope: Construct,
        construct_id: str,
        *,
        name: str,
        location: str,
        noncurrent_version_days: int,
        rules: Sequence[StorageBucketLifecycleRule] = (),
        versioned: bool = True,
    ):
        super().__init__(scope, construct_id)
        self.bucket = StorageBucket(
            self,
            "bucket",
            name=name,
            location=location,
            uniform_bucket_level_access=True,
            public_access_prevention="enforced",
            versioning=StorageBucketVersioning(enabled=versioned),
            lifecycle_rule=[*rules, delete_noncurrent_after(noncurrent_version_days)]
            if versioned
            else list(rules),
            # a scratch object deleted is gone: no 7 days of billed soft-deleted copies
            soft_delete_policy=None
            if versioned
            else StorageBucketSoftDeletePolicy(retention_duration_seconds=0),
            force_destroy=not versioned,  # scratch only: destroying it loses nothing
        )
        self.name = name

    def grant(
        self,
        construct_id: str,
        role: str,
        member: str,
        condition: StorageBucketIamMemberCondition | None = None,
    ) -> StorageBucketIamMember:
        return StorageBucketIamMember(
            self,
            construct_id,
            bucket=self.bucket.name,
            role=role,
            member=member,
            condition=condition,
        )

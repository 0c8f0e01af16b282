"""The loader Cloud Function's deployment settings, as the CDKTF loader construct takes them.

They come from ``snowplow_loader.cloud.deploy``, where each figure sits beside the
measurement that justifies it (re-measured by ``make bench``); infra never repeats them.
"""

from dataclasses import dataclass

from snowplow_loader.cloud import deploy


@dataclass(frozen=True)
class FunctionSpec:
    """The parts of a google_cloudfunctions2_function that the loader's code decides."""

    source_dir: str  # relative to the repository root; holds main.py and requirements.txt
    entry_point: str
    runtime: str
    event_type: str
    memory: str
    cpu: str
    timeout_seconds: int
    max_instance_request_concurrency: int
    retry_policy: str  # the function raises only what a retry can fix


LOADER_FUNCTION = FunctionSpec(
    source_dir="functions",
    entry_point="load_object",
    runtime="python313",
    event_type="google.cloud.storage.object.v1.finalized",
    memory=deploy.MEMORY,
    cpu=deploy.CPU,
    timeout_seconds=deploy.TIMEOUT_SECONDS,
    max_instance_request_concurrency=deploy.MAX_INSTANCE_REQUEST_CONCURRENCY,
    retry_policy="RETRY_POLICY_RETRY",
)

# The HTTP function Cloud Scheduler calls hourly (snowplow_loader.cloud.reconcile): it
# starts no new file after its budget, so its timeout may exceed an event function's.
RECONCILE_ENTRY_POINT = "reconcile"
RECONCILE_TIMEOUT_SECONDS = deploy.RECONCILE_TIMEOUT_SECONDS

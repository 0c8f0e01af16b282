"""Let the read-only planner plan an environment that has never been applied.

On a prefix with no state, Terraform's GCS backend takes the lock and writes an empty
state before it plans, even with ``-lock=false``; the planner may write nothing, so the
plan of a new environment (the prod preview on every pull request until the first
release, the daily drift check) failed. A never-applied environment has, by definition,
an empty state: so when the state object is absent, this writes an override file
(``backend_override.tf.json``, Terraform's override mechanism) that swaps the GCS
backend for a local one in the runner's work folder. ``terraform plan`` then plans
against the empty state and writes nothing anywhere; when the state exists, the stack
plans against it as before (and a stale override is removed).

    python -m snowplow_infra.plan_backend infra/cdktf.out/stacks/prod

prints ``applied=true`` or ``applied=false`` (for $GITHUB_OUTPUT).
"""

import json
import sys
from pathlib import Path
from typing import Protocol

OVERRIDE = "backend_override.tf.json"
STATE_OBJECT = "default.tfstate"  # the GCS backend's object for the default workspace


class _Blob(Protocol):
    def exists(self) -> bool: ...


class _Bucket(Protocol):
    def blob(self, name: str) -> _Blob: ...


class StorageClient(Protocol):
    """The part of google.cloud.storage.Client used here (reads only)."""

    def bucket(self, name: str) -> _Bucket: ...


def state_location(stack: Path) -> tuple[str, str]:
    """The bucket and object of the stack's state, from its synthesized GCS backend."""
    backend = json.loads((stack / "cdk.tf.json").read_text())["terraform"]["backend"]["gcs"]
    return backend["bucket"], f"{backend['prefix'].rstrip('/')}/{STATE_OBJECT}"


def prepare(stack: Path, client: StorageClient) -> bool:
    """Whether the environment was applied; if not, plan it against an empty local state."""
    bucket, name = state_location(stack)
    override = stack / OVERRIDE
    if client.bucket(bucket).blob(name).exists():
        override.unlink(missing_ok=True)
        return True
    override.write_text(
        json.dumps(
            {
                "//": f"gs://{bucket}/{name} does not exist: never applied (plan_backend.py)",
                "terraform": {"backend": {"local": {"path": "never-applied.tfstate"}}},
            },
            indent=2,
        )
    )
    return False


def main(argv: list[str] | None = None) -> int:
    from google.cloud import storage

    (folder,) = argv if argv is not None else sys.argv[1:]
    stack = Path(folder)
    # the client wants a project even to read one object: the stack's own will do
    (google,) = json.loads((stack / "cdk.tf.json").read_text())["provider"]["google"]
    applied = prepare(stack, storage.Client(project=google["project"]))
    print(f"applied={str(applied).lower()}")
    return 0


if __name__ == "__main__":
    sys.exit(main())

"""The read-only planner can plan an environment that was never applied: with no state
object (GCS emulator), the plan runs against an empty local state and writes no state
anywhere; once the state exists, the stack plans against it again. Real terraform runs on
the stack's own backend block, with no provider to download."""

import json
import os
import shutil
import subprocess
from collections.abc import Iterator
from pathlib import Path

import pytest
from google.auth.credentials import AnonymousCredentials
from google.cloud import storage
from snowplow_infra.plan_backend import OVERRIDE, prepare, state_location
from snowplow_infra.transform_job import IMAGE_VARIABLE

from tests.emulators import free_port
from tests.support.synthesis import Synthesized

# every infra module reads the one synthesis of the stacks: one worker builds it
pytestmark = pytest.mark.xdist_group("infra-synth")


@pytest.fixture
def gcs(monkeypatch: pytest.MonkeyPatch) -> Iterator[storage.Client]:
    from gcp_storage_emulator.server import create_server  # type: ignore[import-untyped]

    port = free_port()
    server = create_server("127.0.0.1", port, in_memory=True)
    server.start()
    monkeypatch.setenv("STORAGE_EMULATOR_HOST", f"http://127.0.0.1:{port}")
    try:
        yield storage.Client(project="test", credentials=AnonymousCredentials())  # type: ignore[no-untyped-call]
    finally:
        server.stop()


def terraform(folder: Path, *args: str) -> subprocess.CompletedProcess[str]:
    binary = shutil.which("terraform")
    assert binary, "terraform is needed (any 1.x CLI)"
    # no cloud credentials: the only Cloud Storage reachable is the emulator
    env = {k: v for k, v in os.environ.items() if not k.startswith(("GOOGLE_", "CLOUDSDK_"))}
    return subprocess.run(
        [binary, *args, "-input=false", "-no-color"],
        cwd=folder,
        env=env,
        capture_output=True,
        text=True,
        check=False,
    )


def test_a_never_applied_environment_plans_without_writing_state(
    synthesized: Synthesized, gcs: storage.Client, tmp_path: Path
) -> None:
    stack = synthesized.stacks["prod"]
    folder = tmp_path / "prod"
    folder.mkdir()
    repository = stack["output"]["job_image_repository"]["value"]
    (folder / "cdk.tf.json").write_text(
        json.dumps(
            {
                "terraform": {"backend": stack["terraform"]["backend"]},
                "variable": {IMAGE_VARIABLE: stack["variable"][IMAGE_VARIABLE]},
                "output": {"image": {"value": "${var." + IMAGE_VARIABLE + "}"}},
            }
        )
    )
    bucket, name = state_location(folder)
    assert (bucket, name) == (synthesized.bootstrap.state_bucket, "stacks/prod/default.tfstate")
    gcs.create_bucket(bucket)

    # the problem, on Terraform's real GCS backend (it honours STORAGE_EMULATOR_HOST): a
    # plan of the stack as synthesized writes an empty state, a write the planner may not do
    control = tmp_path / "control"
    shutil.copytree(folder, control)
    assert terraform(control, "init").returncode == 0
    image = f"-var={IMAGE_VARIABLE}={repository}/snowplow-job:not-built-yet"
    assert terraform(control, "plan", "-lock=false", image).returncode == 0
    assert [blob.name for blob in gcs.list_blobs(bucket)] == [name]
    gcs.bucket(bucket).blob(name).delete()  # never applied again

    assert prepare(folder, gcs) is False
    assert (folder / OVERRIDE).is_file()
    assert terraform(folder, "init").returncode == 0
    planned = terraform(folder, "plan", "-lock=false", image)
    assert planned.returncode == 0, planned.stderr
    backend = json.loads((folder / ".terraform" / "terraform.tfstate").read_text())["backend"]
    assert backend["type"] == "local"
    written = [p for p in folder.rglob("*.tfstate") if ".terraform" not in p.parts]
    assert written == [], "the plan wrote a state file"  # .terraform/ caches backend settings
    assert not list(gcs.list_blobs(bucket)), "the plan wrote to the state bucket"

    # after the first apply the state exists: plans read it from the bucket again
    gcs.bucket(bucket).blob(name).upload_from_string("{}")
    assert prepare(folder, gcs) is True
    assert not (folder / OVERRIDE).exists()


def test_the_command_reads_the_stack_and_prints_for_github(
    synthesized: Synthesized,
    gcs: storage.Client,
    tmp_path: Path,
    capsys: pytest.CaptureFixture[str],
) -> None:
    from snowplow_infra.plan_backend import main

    (tmp_path / "cdk.tf.json").write_text(json.dumps(synthesized.stacks["dev"]))
    gcs.create_bucket(synthesized.bootstrap.state_bucket)
    assert main([str(tmp_path)]) == 0
    assert capsys.readouterr().out == "applied=false\n"
    assert (tmp_path / OVERRIDE).is_file()

"""Terraform's version is pinned in every stack, the providers by the committed lock file,
and the job's image is a required variable: planning without it fails, naming it (real
`terraform` runs on the synthesized variable, with no provider to download)."""

import json
import re
import shutil
import subprocess
from pathlib import Path

import pytest
from snowplow_infra.transform_job import IMAGE_VARIABLE
from snowplow_infra.versions import (
    LOCK_FILE,
    REQUIRED_TERRAFORM,
    TERRAFORM_VERSION,
    place_lock_file,
)

from tests.support.synthesis import ENVIRONMENTS, Synthesized

# every infra module reads the one synthesis of the stacks: one worker builds it
pytestmark = pytest.mark.xdist_group("infra-synth")

LOCKED = re.compile(
    r'provider "registry\.terraform\.io/([\w-]+/[\w-]+)" \{\s*version\s*=\s*"([^"]+)"'
)


def test_every_stack_requires_the_pinned_terraform(synthesized: Synthesized) -> None:
    for name, stack in synthesized.stacks.items():
        assert stack["terraform"]["required_version"] == REQUIRED_TERRAFORM, name
    low, high = re.findall(r"\d+\.\d+\.\d+", REQUIRED_TERRAFORM)
    version = tuple(map(int, TERRAFORM_VERSION.split(".")))
    assert tuple(map(int, low.split("."))) <= version < tuple(map(int, high.split(".")))


def test_lock_file_pins_every_provider_the_stacks_require(synthesized: Synthesized) -> None:
    locked = dict(LOCKED.findall(LOCK_FILE.read_text()))
    required = {}
    for stack in synthesized.stacks.values():
        for provider in stack["terraform"]["required_providers"].values():
            source = provider["source"] if "/" in provider["source"] else "hashicorp/google"
            required[source] = provider["version"]
    assert locked == required


def test_lock_file_lands_beside_every_stack(synthesized: Synthesized, tmp_path: Path) -> None:
    for name, file in synthesized.files.items():
        (tmp_path / "stacks" / name).mkdir(parents=True)
        shutil.copy(file, tmp_path / "stacks" / name / "cdk.tf.json")
    placed = place_lock_file(tmp_path)
    assert {path.parent.name for path in placed} == set(synthesized.files)
    assert all(path.read_text() == LOCK_FILE.read_text() for path in placed)


def plan(folder: Path, *variables: str) -> subprocess.CompletedProcess[str]:
    terraform = shutil.which("terraform")
    assert terraform, "terraform is needed (any 1.x CLI)"
    for command in (["init"], ["plan", *(f"-var={v}" for v in variables)]):
        done = subprocess.run(
            [terraform, *command, "-input=false", "-no-color"],
            cwd=folder, capture_output=True, text=True, check=False,
        )  # fmt: skip
        if done.returncode:
            break
    return done


@pytest.mark.parametrize("env", ENVIRONMENTS)
def test_planning_without_the_job_image_fails_naming_it(
    synthesized: Synthesized, env: str, tmp_path: Path
) -> None:
    """The stack's own variable declaration, planned alone (no provider, no backend)."""
    stack = synthesized.stacks[env]
    repository = stack["output"]["job_image_repository"]["value"]
    variable = stack["variable"][IMAGE_VARIABLE]
    assert "default" not in variable and variable["nullable"] is False
    (tmp_path / "main.tf.json").write_text(
        json.dumps(
            {
                "variable": {IMAGE_VARIABLE: variable},
                "output": {"image": {"value": "${var." + IMAGE_VARIABLE + "}"}},
            }
        )
    )
    missing = plan(tmp_path)
    assert missing.returncode == 1
    assert "No value for required variable" in missing.stderr
    assert f'variable "{IMAGE_VARIABLE}" is not set' in missing.stderr
    sample = plan(tmp_path, f"{IMAGE_VARIABLE}=us-docker.pkg.dev/cloudrun/container/job:latest")
    assert sample.returncode == 1
    assert "not a placeholder such as Google's sample job image" in " ".join(sample.stderr.split())
    digest = f"{repository}/snowplow-job@sha256:{'0' * 64}"
    built = plan(tmp_path, f"{IMAGE_VARIABLE}={digest}")
    assert built.returncode == 0, built.stderr
    assert digest in built.stdout

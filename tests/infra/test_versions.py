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
    VERSIONS_FILE,
    place_pins,
    versions_tf,
)

from tests.support.synthesis import ENVIRONMENTS, Synthesized

# every infra module reads the one synthesis of the stacks: one worker builds it
pytestmark = pytest.mark.xdist_group("infra-synth")

LOCKED = re.compile(
    r'provider "registry\.terraform\.io/([\w-]+/[\w-]+)" \{\s*version\s*=\s*"([^"]+)"'
)


def test_the_pinned_cli_satisfies_the_required_version() -> None:
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


def test_pins_land_beside_every_stack(synthesized: Synthesized, tmp_path: Path) -> None:
    for name, file in synthesized.files.items():
        (tmp_path / "stacks" / name).mkdir(parents=True)
        shutil.copy(file, tmp_path / "stacks" / name / "cdk.tf.json")
    folders = place_pins(tmp_path)
    assert {folder.name for folder in folders} == set(synthesized.files)
    for folder in folders:
        assert (folder / LOCK_FILE.name).read_text() == LOCK_FILE.read_text()
        assert (folder / VERSIONS_FILE).read_text() == versions_tf()


def test_terraform_refuses_a_cli_outside_the_required_version(tmp_path: Path) -> None:
    (tmp_path / VERSIONS_FILE).write_text(versions_tf())
    assert plan(tmp_path).returncode == 0
    (tmp_path / VERSIONS_FILE).write_text(versions_tf(">= 1.0.0, < 1.1.0"))
    refused = plan(tmp_path)
    assert refused.returncode == 1
    assert "Unsupported Terraform Core version" in refused.stderr


def plan(folder: Path, *variables: str) -> subprocess.CompletedProcess[str]:
    terraform = shutil.which("terraform")
    assert terraform, "terraform is needed (any 1.x CLI)"
    for command in (["init"], ["plan", *(f"-var={v}" for v in variables)]):
        done = subprocess.run(
            [terraform, *command, "-input=false", "-no-color"],
            cwd=folder,
            capture_output=True,
            text=True,
            check=False,
        )
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
    (tmp_path / VERSIONS_FILE).write_text(versions_tf())
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


def test_terraform_takes_the_locked_providers(synthesized: Synthesized, tmp_path: Path) -> None:
    """terraform init reads the lock file and keeps its versions for the stack's requirements
    (it then stops here, where it would download them)."""
    folder = tmp_path / "stacks" / "dev"
    folder.mkdir(parents=True)
    shutil.copy(synthesized.files["dev"], folder / "cdk.tf.json")
    place_pins(tmp_path)
    init = subprocess.run(
        [str(shutil.which("terraform")), "init", "-backend=false", "-input=false", "-no-color"],
        cwd=folder,
        capture_output=True,
        text=True,
        check=False,
    )
    for provider in ("google", "google-beta", "time"):
        reused = f"Reusing previous version of hashicorp/{provider} from the dependency lock file"
        assert reused in init.stdout, init.stdout + init.stderr
    assert "does not match" not in init.stderr and "Invalid" not in init.stderr

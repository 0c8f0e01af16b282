"""The plan preview comment and the drift issue, rendered from recorded `terraform show
-json` plans (tests/delivery/fixtures), through the same CLI the workflows call."""

import json
import subprocess
import sys
from pathlib import Path

from snowplow_infra import plan_report, plan_report_cli
from snowplow_infra.plan_report import COMMENT_LIMIT, Change, Plan

FIXTURES = Path(__file__).parent / "fixtures"
CHANGES = FIXTURES / "plan_dev_changes.json"
CLEAN = FIXTURES / "plan_prod_clean.json"
RUN_URL = "https://github.com/example/snowplow-gcp/actions/runs/123456789"
SCRIPT = Path(plan_report_cli.__file__)


def cli(tmp_path: Path, *args: str) -> tuple[str, dict[str, str]]:
    """Run the module as the workflows do (a plain script: no install needed); its markdown
    and its $GITHUB_OUTPUT lines."""
    out = tmp_path / "body.md"
    done = subprocess.run(
        [sys.executable, str(SCRIPT), *args, "--run-url", RUN_URL, "--out", str(out)],
        capture_output=True,
        text=True,
        check=True,
    )
    outputs = dict(line.split("=", 1) for line in done.stdout.splitlines())
    return out.read_text(), outputs


def test_counts_match_terraforms_own_summary() -> None:
    plan = Plan.from_json(json.loads(CHANGES.read_text()))
    # the recorded text plan ends with Terraform's own count of the same plan
    assert f"Plan: {plan.summary()}." in (FIXTURES / "plan_dev_changes.txt").read_text()
    assert plan.counts() == (2, 2, 2)
    assert plan.destructive


def test_comment_lists_every_change_with_destroys_first(tmp_path: Path) -> None:
    body, outputs = cli(
        tmp_path,
        "comment",
        "--env",
        "dev",
        "--plan",
        str(CHANGES),
        "--plan-text",
        str(FIXTURES / "plan_dev_changes.txt"),
        "--checkov",
        str(FIXTURES / "checkov_one_failed.json"),
    )
    lines = body.splitlines()
    assert lines[0] == "<!-- snowplow-plan:dev -->"
    assert lines[1] == "### Plan for `dev`: 2 to add, 2 to change, 2 to destroy"
    caution = lines.index("> [!CAUTION]")
    assert caution == 3  # right under the title, before anything else
    assert lines[caution + 2 : caution + 4] == [
        "> - replace `google_storage_bucket.storage_landing_5E6F7A8B`",
        "> - destroy `google_service_account.loader_account_0C1D2E3F`",
    ]
    rows = [line for line in lines if line.startswith("| ") and "`" in line]
    assert rows == [
        "| replace | `google_storage_bucket.storage_landing_5E6F7A8B` |",
        "| destroy | `google_service_account.loader_account_0C1D2E3F` |",
        "| create | `google_storage_bucket.storage_artifacts_1F0B9A2C` |",
        "| update in place | `google_cloud_run_v2_job.transform_job_7D3E21AA` |",
        "| update in place | `google_bigquery_dataset.warehouse_marts_8A1C2E4F` |",
    ]
    assert "monitoring_alerts" not in body.split("<details>")[0]  # no-ops are not changes
    assert "data.google_project" not in body
    assert "**checkov** failed: 131 passed, 1 failed, 7 skipped" in body
    assert "`CKV_GCP_29`" in body
    assert "<details><summary>Full plan</summary>" in body
    assert "forces replacement" in body.split("<details>")[1]
    assert "truncated" not in body
    assert body.rstrip().endswith(f"[Workflow run]({RUN_URL})")
    assert outputs == {"destructive": "true", "changes": "6", "marker": lines[0]}


def test_a_clean_plan_says_no_changes_and_is_not_destructive(tmp_path: Path) -> None:
    checkov = tmp_path / "checkov.json"
    checkov.write_text(
        json.dumps(
            [
                {
                    "check_type": "terraform_json",
                    "summary": {"passed": 70, "failed": 0, "skipped": 3},
                    "results": {"failed_checks": []},
                },
                {
                    "check_type": "terraform_json",
                    "summary": {"passed": 61, "failed": 0, "skipped": 4},
                    "results": {"failed_checks": []},
                },
            ]
        )
    )
    body, outputs = cli(
        tmp_path, "comment", "--env", "prod", "--plan", str(CLEAN), "--checkov", str(checkov)
    )
    assert body.splitlines()[1] == "### Plan for `prod`: no changes"
    assert "CAUTION" not in body
    assert "| action |" not in body
    assert "**checkov** passed: 131 passed, 0 failed, 7 skipped" in body
    assert outputs["destructive"] == "false"
    assert outputs["changes"] == "0"


def test_a_plan_over_the_comment_limit_is_truncated_with_a_link(tmp_path: Path) -> None:
    huge = tmp_path / "plan.txt"
    resource = (FIXTURES / "plan_dev_changes.txt").read_text()
    huge.write_text(resource * (3 * COMMENT_LIMIT // len(resource)))
    body, _ = cli(
        tmp_path, "comment", "--env", "dev", "--plan", str(CHANGES), "--plan-text", str(huge)
    )
    assert len(body) <= COMMENT_LIMIT
    assert len(body) > COMMENT_LIMIT - 200  # the room is used, not thrown away
    assert f"plan truncated: {len(huge.read_text()):,} characters" in body
    assert f"the whole plan is in the run's log: {RUN_URL}" in body
    assert body.count("```") == 2 and body.rstrip().endswith(f"[Workflow run]({RUN_URL})")
    assert "> [!CAUTION]" in body  # the summary survives the cut


def test_a_fork_gets_a_comment_saying_why_there_is_no_plan(tmp_path: Path) -> None:
    body, outputs = cli(tmp_path, "comment", "--env", "prod", "--fork")
    assert body.splitlines()[:2] == ["<!-- snowplow-plan:prod -->", "### Plan for `prod`: not run"]
    assert "fork" in body and "OIDC token" in body and "no plan was made" in body
    assert RUN_URL in body
    assert outputs["destructive"] == "false"


def test_drift_issue_names_what_changed_outside_terraform(tmp_path: Path) -> None:
    body, outputs = cli(
        tmp_path,
        "drift",
        "--env",
        "dev",
        "--plan",
        str(CHANGES),
        "--plan-text",
        str(FIXTURES / "plan_dev_changes.txt"),
    )
    lines = body.splitlines()
    assert lines[0] == "<!-- snowplow-drift:dev -->"
    assert "differences between what is deployed and the code" in lines[1]
    assert "2 to add, 2 to change, 2 to destroy" in lines[1]
    outside = lines.index("Changed outside Terraform since the last apply:")
    assert lines[outside + 2] == "- `google_bigquery_dataset.warehouse_marts_8A1C2E4F`"
    assert "| replace | `google_storage_bucket.storage_landing_5E6F7A8B` |" in lines
    assert "closes itself" in body
    assert outputs == {
        "destructive": "true",
        "changes": "6",
        "marker": lines[0],
        "title": "Infrastructure drift in dev",
    }


def test_a_clean_daily_plan_reports_nothing_to_fix(tmp_path: Path) -> None:
    _, outputs = cli(tmp_path, "drift", "--env", "prod", "--plan", str(CLEAN))
    assert outputs["changes"] == "0"


def test_a_huge_plan_lists_the_first_resources_and_counts_the_rest() -> None:
    plan = Plan(tuple(Change(f"google_storage_bucket.b{i:04}", "add") for i in range(400)), ())
    body = plan_report.render_comment("dev", plan, "", "**checkov** passed", RUN_URL)
    rows = [line for line in body.splitlines() if line.startswith("| create |")]
    assert len(rows) == plan_report.TABLE_ROWS
    assert f"| ... | {400 - plan_report.TABLE_ROWS} more in the full plan |" in body
    assert "### Plan for `dev`: 400 to add, 0 to change, 0 to destroy" in body


def test_a_never_applied_environment_is_said_so_and_opens_no_drift_issue(tmp_path: Path) -> None:
    """plan_backend's override beside the plan marks a plan against an empty state."""
    from snowplow_infra.plan_backend import OVERRIDE

    assert OVERRIDE == plan_report.NEVER_APPLIED_MARK
    stack = tmp_path / "prod"
    stack.mkdir()
    plan = stack / "plan.json"
    plan.write_text(CHANGES.read_text())
    (stack / OVERRIDE).write_text("{}")
    body, outputs = cli(tmp_path, "comment", "--env", "prod", "--plan", str(plan))
    assert "`prod` has never been applied: planned against an empty state" in body
    assert outputs["changes"] != "0"  # the preview still lists what the first deploy creates
    body, outputs = cli(tmp_path, "drift", "--env", "prod", "--plan", str(plan))
    assert "has never been applied" in body
    assert outputs["changes"] == "0" and outputs["destructive"] == "false"  # no drift issue
    (stack / OVERRIDE).unlink()  # once applied, the same plan is drift again
    _, outputs = cli(tmp_path, "drift", "--env", "prod", "--plan", str(plan))
    assert outputs["changes"] != "0"


def test_seven_hundred_destroys_fit_one_comment_counts_first(tmp_path: Path) -> None:
    # long addresses, as synthesized stacks name them: 700 of them made 84,076 characters
    # when the destroy list and the table were not capped
    document = {
        "resource_changes": [
            {
                "address": f"google_bigquery_table.warehouse_events_partition_{i:04}_ABCDEF12",
                "change": {"actions": ["delete"]},
            }
            for i in range(700)
        ]
    }
    plan_json = tmp_path / "plan.json"
    plan_json.write_text(json.dumps(document))
    text = tmp_path / "plan.txt"
    text.write_text("  # a resource will be destroyed\n" * 5000)
    body, outputs = cli(
        tmp_path, "comment", "--env", "prod", "--plan", str(plan_json), "--plan-text", str(text)
    )
    assert len(body) <= COMMENT_LIMIT
    lines = body.splitlines()
    assert lines[1] == "### Plan for `prod`: 0 to add, 0 to change, 700 to destroy"
    assert lines[3] == "> [!CAUTION]"  # the destroys lead, then say how many were left out
    listed = [line for line in lines if line.startswith("> - destroy `")]
    assert 100 < len(listed) < 700
    assert f"> - ... and {700 - len(listed)} more (see the table and the full plan)" in lines
    rows = [line for line in lines if line.startswith("| destroy |")]
    assert 100 < len(rows) <= plan_report.TABLE_ROWS
    assert outputs["destructive"] == "true"


def test_a_failed_plan_replaces_the_comment_with_the_errors_tail(tmp_path: Path) -> None:
    log = tmp_path / "plan.log"
    noise = "".join(f"google_storage_bucket.b{i}: Refreshing state...\n" for i in range(2000))
    error = "Error: googleapi: Error 403: Permission 'storage.buckets.get' denied\n"
    log.write_text(noise + error)
    body, outputs = cli(tmp_path, "comment", "--env", "dev", "--failed", str(log))
    lines = body.splitlines()
    assert lines[:2] == ["<!-- snowplow-plan:dev -->", "### Plan for `dev`: failed"]
    assert error.strip() in body  # the end of the log, where the error is
    assert "characters before this" in body and len(body) < 2 * plan_report.ERROR_TAIL
    assert outputs["marker"] == lines[0]  # so it replaces the comment of the last plan
    assert outputs["destructive"] == "false"

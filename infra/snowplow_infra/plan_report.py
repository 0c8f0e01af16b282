"""Terraform plans, told to people: the pull-request comment and the drift issue.

CI runs `terraform show -json` on each environment's saved plan and hands the JSON (plus
the plain-text plan and checkov's JSON report) to `plan_report_cli`, which writes the
markdown this module renders. Pure Python on purpose: the workflows run it without
synthesizing anything.

A plan that failed still gets its comment (the error's tail), so the previous plan's comment
never stands for a change it does not describe. Every body fits GitHub's limit: the counts
come first, then the destroys and the resource table (each cut to its share with a count of
what was left out), then the plan text.
"""

from dataclasses import dataclass
from pathlib import Path
from typing import Any

# Written beside the stack by snowplow_infra.plan_backend when the environment has no state
# yet (its plan is against an empty state). Named here: this script runs without the package.
NEVER_APPLIED_MARK = "backend_override.tf.json"
COMMENT_LIMIT = 65_536  # characters GitHub accepts in one comment or issue body
TABLE_ROWS = 300  # resources listed in the summary table; the full plan has them all
LIST_SHARE = 24_000  # characters for each list (destroys, table): both fit with room to spare
ERROR_TAIL = 12_000  # characters of a failed plan's log shown (its end: where the error is)

# Terraform's action lists (resource_changes[].change.actions) and how a plan names them
KINDS = {
    ("create",): "add",
    ("update",): "change",
    ("delete",): "destroy",
    ("delete", "create"): "replace",
    ("create", "delete"): "replace",
}
VERBS = {"add": "create", "change": "update in place", "destroy": "destroy", "replace": "replace"}


@dataclass(frozen=True)
class Change:
    address: str
    kind: str  # add, change, destroy, replace


@dataclass(frozen=True)
class Plan:
    """The resource changes of one `terraform show -json` plan (no-ops and reads dropped)."""

    changes: tuple[Change, ...]
    drifted: tuple[str, ...]  # resources changed outside Terraform since the last apply

    @classmethod
    def from_json(cls, document: dict[str, Any]) -> "Plan":
        changes = []
        for resource in document.get("resource_changes", []):
            kind = KINDS.get(tuple(resource["change"]["actions"]))
            if kind is not None:
                changes.append(Change(resource["address"], kind))
        drifted = tuple(
            drift["address"]
            for drift in document.get("resource_drift", [])
            if tuple(drift["change"]["actions"]) != ("no-op",)
        )
        return cls(tuple(changes), drifted)

    def of(self, kind: str) -> list[str]:
        return [change.address for change in self.changes if change.kind == kind]

    def counts(self) -> tuple[int, int, int]:
        """add, change, destroy as Terraform counts them (a replacement is one of each)."""
        replaced = len(self.of("replace"))
        return (
            len(self.of("add")) + replaced,
            len(self.of("change")),
            len(self.of("destroy")) + replaced,
        )

    @property
    def destructive(self) -> bool:
        return bool(self.of("destroy") or self.of("replace"))

    def summary(self) -> str:
        if not self.changes:
            return "no changes"
        add, change, destroy = self.counts()
        return f"{add} to add, {change} to change, {destroy} to destroy"


def checkov_summary(report: Any) -> str:
    """One line (plus the failed checks) from checkov's JSON output (a report or a list)."""
    reports = report if isinstance(report, list) else [report]
    passed = sum(int(r.get("summary", {}).get("passed", 0)) for r in reports)
    skipped = sum(int(r.get("summary", {}).get("skipped", 0)) for r in reports)
    failed = [
        f"- `{check['check_id']}` {check.get('check_name', '')} on `{check['resource']}`"
        for r in reports
        for check in r.get("results", {}).get("failed_checks", [])
    ]
    status = "failed" if failed else "passed"
    line = f"**checkov** {status}: {passed} passed, {len(failed)} failed, {skipped} skipped"
    return "\n".join([line, *failed])


def marker(kind: str, environment: str) -> str:
    """The hidden line the workflows search for to update the right comment or issue."""
    return f"<!-- snowplow-{kind}:{environment} -->"


def _listed(lines: list[str], budget: int, more: str) -> list[str]:
    """As many of `lines` as fit in `budget` characters, then `more` (formatted with the
    count left out) when some were."""
    kept: list[str] = []
    used = 0
    for index, line in enumerate(lines):
        if used + len(line) + 1 > budget - len(more) - 20:
            return [*kept, more.format(len(lines) - index)]
        kept.append(line)
        used += len(line) + 1
    return kept


def _changes_table(plan: Plan, most: int = TABLE_ROWS) -> list[str]:
    rows = [
        f"| {VERBS[kind]} | `{address}` |"
        for kind in ("replace", "destroy", "add", "change")
        for address in plan.of(kind)
    ]
    more = "| ... | {} more in the full plan |"
    listed = _listed(rows[:most], LIST_SHARE, more)
    if len(rows) > most and len(listed) == most:
        listed.append(more.format(len(rows) - most))
    return ["| action | resource |", "|---|---|", *listed]


def _destructive_block(plan: Plan) -> list[str]:
    if not plan.destructive:
        return []
    lines = ["> [!CAUTION]", "> **This plan destroys or replaces resources:**"]
    doomed = [
        f"> - {VERBS[kind]} `{address}`"
        for kind in ("replace", "destroy")
        for address in plan.of(kind)
    ]
    lines += _listed(doomed, LIST_SHARE, "> - ... and {} more (see the table and the full plan)")
    return [*lines, ""]


def _folded(head: str, plan_text: str, tail: str, run_url: str) -> str:
    """head + the plan text folded in <details> + tail, cut to fit GitHub's limit."""
    opening = "<details><summary>Full plan</summary>\n\n```hcl\n"
    closing = "\n```\n</details>\n"
    room = COMMENT_LIMIT - len(head) - len(opening) - len(closing) - len(tail)
    if room < 0:  # cannot happen with the list shares above; never post an oversized body
        raise ValueError(f"the comment's head alone is {len(head):,} characters")
    if len(plan_text) > room:
        note = (
            f"\n... plan truncated: {len(plan_text):,} characters, more than a comment holds; "
            f"the whole plan is in the run's log: {run_url}"
        )
        plan_text = plan_text[: max(room - len(note), 0)] + note
    return head + opening + plan_text + closing + tail


def render_comment(
    environment: str,
    plan: Plan,
    plan_text: str,
    checkov: str,
    run_url: str,
    first_deploy: bool = False,
) -> str:
    """The pull-request comment for one environment's plan."""
    head = [marker("plan", environment), f"### Plan for `{environment}`: {plan.summary()}", ""]
    if first_deploy:
        head += [
            f"> [!NOTE]\n> `{environment}` has never been applied: planned against an empty "
            "state, so its first deploy creates everything below.",
            "",
        ]
    head += _destructive_block(plan)
    if plan.changes:
        head += [*_changes_table(plan), ""]
    head += [checkov, ""]
    tail = f"\n[Workflow run]({run_url})\n"
    return _folded("\n".join(head) + "\n", plan_text, tail, run_url)


def render_failed_comment(environment: str, log: str, run_url: str) -> str:
    """The comment when the plan itself failed: the end of its log, where the error is."""
    tail = log[-ERROR_TAIL:]
    cut = len(log) - len(tail)
    shown = (f"... ({cut:,} characters before this)\n" if cut else "") + tail
    fence = "````" if "```" in shown else "```"  # a fence the log cannot close
    return "\n".join(
        [
            marker("plan", environment),
            f"### Plan for `{environment}`: failed",
            "",
            "The plan did not finish, so nothing below describes this change; an earlier plan "
            "comment was replaced by this one. The end of the plan's output:",
            "",
            f"{fence}text",
            shown,
            fence,
            "",
            f"[Workflow run]({run_url})",
            "",
        ]
    )


def render_fork_comment(environment: str, run_url: str) -> str:
    """The comment on a pull request from a fork, which gets no cloud identity."""
    return "\n".join(
        [
            marker("plan", environment),
            f"### Plan for `{environment}`: not run",
            "",
            "This pull request comes from a fork. GitHub gives workflows of fork pull requests no "
            "OIDC token (`id-token` is unavailable), so the job cannot sign in as the read-only "
            "planner through Workload Identity Federation and no plan was made. A maintainer can "
            "push the branch to this repository to get a plan preview.",
            "",
            f"[Workflow run]({run_url})",
            "",
        ]
    )


def never_applied(plan_file: Path | None) -> bool:
    """Whether the plan beside this file was made for an environment never applied."""
    return plan_file is not None and (plan_file.parent / NEVER_APPLIED_MARK).exists()


def render_never_applied_drift(environment: str, run_url: str) -> str:
    """No drift to report: nothing is deployed yet, so the issue is not opened (or closes)."""
    return "\n".join(
        [
            marker("drift", environment),
            f"`{environment}` has never been applied (no state yet): there is nothing deployed "
            "to drift. Its first deploy creates everything in the plan.",
            "",
            f"[Workflow run]({run_url})",
            "",
        ]
    )


def render_drift_issue(environment: str, plan: Plan, plan_text: str, run_url: str) -> str:
    """The body of the drift issue: what differs between the deployed stack and the code."""
    head = [
        marker("drift", environment),
        f"The daily plan of `{environment}` found differences between what is deployed and "
        f"the code on the default branch: {plan.summary()}.",
        "",
    ]
    head += _destructive_block(plan)
    if plan.drifted:
        head += ["Changed outside Terraform since the last apply:", ""]
        head += [f"- `{address}`" for address in plan.drifted]
        head += [""]
    if plan.changes:
        head += [*_changes_table(plan), ""]
    head += [
        "Apply the code (merge to main, or a release for prod) or bring the code in line with "
        "the change made by hand. This issue closes itself when a daily plan is clean.",
        "",
    ]
    tail = f"\n[Workflow run]({run_url})\n"
    return _folded("\n".join(head) + "\n", plan_text, tail, run_url)


def drift_title(environment: str) -> str:
    return f"Infrastructure drift in {environment}"

"""The command line CI runs to turn a Terraform plan into a pull-request comment or a
drift issue (the markdown comes from `plan_report`).

    python -m snowplow_infra.plan_report_cli comment --env dev --plan plan.json \\
        --plan-text plan.txt --checkov checkov.json --run-url URL --out comment.md
    python -m snowplow_infra.plan_report_cli comment --env dev --fork --run-url URL \\
        --out comment.md
    python -m snowplow_infra.plan_report_cli drift --env prod --plan plan.json \\
        --plan-text plan.txt --run-url URL --out issue.md
    python -m snowplow_infra.plan_report_cli comment --env dev --failed plan.log \\
        --run-url URL --out comment.md

The workflows run this file as a plain script (`python3 infra/snowplow_infra/
plan_report_cli.py`): no install, and not the package's `__init__` (which registers the
provider bindings), so it imports `plan_report` from its own folder.

Both commands print `key=value` lines for $GITHUB_OUTPUT: `destructive` (a destroy or a
replacement is planned), `changes` (resources the plan would touch), `marker` and, for
drift, the issue's `title`.
"""

import argparse
import json
import sys
from collections.abc import Sequence
from pathlib import Path

if __package__:  # imported: the tests, `python -m snowplow_infra.plan_report_cli`
    from snowplow_infra.plan_report import (
        Plan,
        checkov_summary,
        drift_title,
        marker,
        never_applied,
        render_comment,
        render_drift_issue,
        render_failed_comment,
        render_fork_comment,
        render_never_applied_drift,
    )
else:  # a plain script: this file's folder is first on sys.path
    from plan_report import (  # type: ignore[import-not-found,no-redef]
        Plan,
        checkov_summary,
        drift_title,
        marker,
        never_applied,
        render_comment,
        render_drift_issue,
        render_failed_comment,
        render_fork_comment,
        render_never_applied_drift,
    )


def _parse(argv: Sequence[str] | None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(prog="plan_report_cli", description=__doc__.splitlines()[0])
    parser.add_argument("what", choices=["comment", "drift"])
    parser.add_argument("--env", required=True, help="environment (stack) name")
    parser.add_argument("--plan", type=Path, help="`terraform show -json` output")
    parser.add_argument("--plan-text", type=Path, help="`terraform show -no-color` output")
    parser.add_argument("--checkov", type=Path, help="checkov -o json output")
    parser.add_argument("--fork", action="store_true", help="no identity: say so, no plan")
    parser.add_argument("--failed", type=Path, help="the failed plan's log: say so, show its end")
    parser.add_argument("--run-url", required=True, help="link to the workflow run")
    parser.add_argument("--out", type=Path, required=True, help="markdown file to write")
    args = parser.parse_args(argv)
    if not args.fork and args.failed is None and args.plan is None:
        parser.error("--plan is required (or --fork, or --failed)")
    return args


def main(argv: Sequence[str] | None = None) -> int:
    args = _parse(argv)
    if args.fork:
        body, plan = render_fork_comment(args.env, args.run_url), Plan((), ())
    elif args.failed is not None:
        log = args.failed.read_text(errors="replace") if args.failed.exists() else "(no output)"
        body, plan = render_failed_comment(args.env, log, args.run_url), Plan((), ())
    else:
        plan = Plan.from_json(json.loads(args.plan.read_text()))
        text = args.plan_text.read_text() if args.plan_text else ""
        new = never_applied(args.plan)
        if args.what == "drift" and new:
            body, plan = render_never_applied_drift(args.env, args.run_url), Plan((), ())
        elif args.what == "drift":
            body = render_drift_issue(args.env, plan, text, args.run_url)
        else:
            checkov = (
                checkov_summary(json.loads(args.checkov.read_text()))
                if args.checkov
                else "**checkov** not run"
            )
            body = render_comment(args.env, plan, text, checkov, args.run_url, new)
    args.out.write_text(body)
    kind = "drift" if args.what == "drift" else "plan"
    print(f"destructive={str(plan.destructive).lower()}")
    print(f"changes={len(plan.changes) + len(plan.drifted)}")
    print(f"marker={marker(kind, args.env)}")
    if args.what == "drift":
        print(f"title={drift_title(args.env)}")
    return 0


if __name__ == "__main__":
    sys.exit(main())

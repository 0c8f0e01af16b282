""".github/scripts/github.js, the comments and labels of the plan workflow, run by Node with
a stand-in for Octokit (the GitHub REST client actions/github-script hands it): only a
comment this workflow's identity wrote is updated or read, whoever else posts a marker."""

import json
import shutil
import subprocess
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[2]
BOT = {"login": "github-actions[bot]", "type": "Bot"}
PERSON = {"login": "someone", "type": "User"}

# A stand-in for the REST calls github.js makes (names and arguments as Octokit's
# `rest.issues.*`); every call is recorded and printed as JSON.
HARNESS = """
const report = require(process.argv[1]);
const [comments, action, arg] = JSON.parse(process.argv[2]);
const calls = [];
const record = (name) => async (params) => { calls.push([name, params]); return {}; };
const github = {
  paginate: async (method, params) => method === "listComments" ? comments : [],
  rest: { issues: {
    listComments: "listComments", listForRepo: "listForRepo",
    updateComment: record("updateComment"), createComment: record("createComment"),
    addLabels: record("addLabels"), removeLabel: record("removeLabel"),
  } },
};
const context = { repo: { owner: "o", repo: "r" }, payload: { pull_request: { number: 7 } } };
(async () => {
  let result = null;
  if (action === "upsert") {
    require("fs").writeFileSync("comment.md", arg);
    await report.upsertComment({ github, context }, "<!-- snowplow-plan:dev -->", "comment.md");
  } else {
    result = await report.plansDestroy({ github, context });
  }
  console.log(JSON.stringify({ calls, result }));
})();
"""


def run(tmp_path: Path, comments: list[dict[str, Any]], action: str, arg: str = "") -> Any:
    node = shutil.which("node")
    assert node
    done = subprocess.run(
        [
            node,
            "-e",
            HARNESS,
            str(ROOT / ".github" / "scripts" / "github.js"),
            json.dumps([comments, action, arg]),
        ],
        capture_output=True,
        text=True,
        cwd=tmp_path,
        check=True,
    )
    return json.loads(done.stdout)


def test_a_marker_posted_by_someone_else_is_not_updated(tmp_path: Path) -> None:
    comments = [
        {"id": 1, "user": PERSON, "body": "<!-- snowplow-plan:dev -->\nno changes, trust me"},
        {"id": 2, "user": BOT, "body": "<!-- snowplow-plan:dev -->\n### Plan for `dev`: ..."},
    ]
    calls = run(tmp_path, comments, "upsert", "new plan")["calls"]
    assert calls == [
        ["updateComment", {"owner": "o", "repo": "r", "comment_id": 2, "body": "new plan"}]
    ]
    # only someone else's marker: the workflow posts its own comment
    calls = run(tmp_path, comments[:1], "upsert", "new plan")["calls"]
    assert [name for name, _ in calls] == ["createComment"]


def test_only_the_workflows_comments_decide_the_destroy_label(tmp_path: Path) -> None:
    forged = {"id": 3, "user": PERSON, "body": "<!-- snowplow-plan:prod -->\n> [!CAUTION]"}
    clean = {"id": 4, "user": BOT, "body": "<!-- snowplow-plan:prod -->\nno changes"}
    assert run(tmp_path, [forged, clean], "destroys")["result"] is False
    real = {**clean, "body": "<!-- snowplow-plan:prod -->\n> [!CAUTION]\n> destroys"}
    assert run(tmp_path, [forged, real], "destroys")["result"] is True

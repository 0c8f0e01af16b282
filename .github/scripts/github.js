// Comments, labels and issues the plan and drift workflows keep up to date, called from
// actions/github-script: `require('./.github/scripts/github.js')`. Each comment or issue
// carries a hidden marker (one per environment) so a run updates its own, never another.
// Only what this workflow's own identity wrote counts: anyone can post a comment holding a
// marker (to hide a plan, or to force the destroy label), and such a comment is ignored.
const fs = require("fs");

// The login GitHub gives the workflow's GITHUB_TOKEN when it writes comments and issues.
const WORKFLOW_LOGIN = "github-actions[bot]";

// Written by this workflow and carrying `marker` at its top.
function ours(item, marker) {
  return Boolean(
    item.user && item.user.login === WORKFLOW_LOGIN && item.user.type === "Bot" &&
    item.body && item.body.startsWith(marker),
  );
}

// Create or update the pull request's comment that holds `marker`.
async function upsertComment({ github, context }, marker, bodyFile) {
  const body = fs.readFileSync(bodyFile, "utf8");
  const { owner, repo } = context.repo;
  const issue_number = context.payload.pull_request.number;
  const comments = await github.paginate(github.rest.issues.listComments, { owner, repo, issue_number });
  const mine = comments.find((comment) => ours(comment, marker));
  if (mine) {
    await github.rest.issues.updateComment({ owner, repo, comment_id: mine.id, body });
  } else {
    await github.rest.issues.createComment({ owner, repo, issue_number, body });
  }
}

// Does any plan comment of this workflow on the pull request plan a destroy?
async function plansDestroy({ github, context }) {
  const { owner, repo } = context.repo;
  const issue_number = context.payload.pull_request.number;
  const comments = await github.paginate(github.rest.issues.listComments, { owner, repo, issue_number });
  return comments.some((comment) => ours(comment, "<!-- snowplow-plan:") &&
    comment.body.includes("[!CAUTION]"));
}

// Put `label` on the pull request when `wanted`, take it off otherwise.
async function syncLabel({ github, context }, label, wanted) {
  const { owner, repo } = context.repo;
  const issue_number = context.payload.pull_request.number;
  if (wanted) {
    await github.rest.issues.addLabels({ owner, repo, issue_number, labels: [label] });
    return;
  }
  try {
    await github.rest.issues.removeLabel({ owner, repo, issue_number, name: label });
  } catch (error) {
    if (error.status !== 404) throw error; // it was not there
  }
}

// Open or update the environment's drift issue when the plan has changes; close it when clean.
async function syncDriftIssue({ github, context }, marker, title, bodyFile, drifted) {
  const { owner, repo } = context.repo;
  const open = await github.paginate(github.rest.issues.listForRepo, {
    owner, repo, state: "open", labels: "drift",
  });
  const mine = open.find((issue) => ours(issue, marker));
  if (drifted) {
    const body = fs.readFileSync(bodyFile, "utf8");
    if (mine) {
      await github.rest.issues.update({ owner, repo, issue_number: mine.number, title, body });
    } else {
      await github.rest.issues.create({ owner, repo, title, body, labels: ["drift"] });
    }
  } else if (mine) {
    await github.rest.issues.createComment({
      owner, repo, issue_number: mine.number,
      body: `The daily plan is clean again: closing. ${process.env.RUN_URL || ""}`,
    });
    await github.rest.issues.update({ owner, repo, issue_number: mine.number, state: "closed" });
  }
}

module.exports = { WORKFLOW_LOGIN, upsertComment, plansDestroy, syncLabel, syncDriftIssue };

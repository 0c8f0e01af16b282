"""Least privilege across every stack: no basic roles, no keys, a planner that only reads."""

import re
from collections.abc import Iterator
from pathlib import Path

import pytest
from snowplow_infra.ci_identity import PROJECT_IAM_ADMIN
from snowplow_infra.iam import PROJECT_LEVEL_ROLES

from tests.support.synthesis import Stack, Synthesized

# every infra module reads the one synthesis of the stacks: one worker builds it
pytestmark = pytest.mark.xdist_group("infra-synth")

BASIC_ROLES = {"roles/owner", "roles/editor", "roles/viewer"}
READ_ONLY = re.compile(r"^roles/(browser|[a-z]+\.(\w*[vV]iewer|reader|securityReviewer))$")
README = Path(__file__).resolve().parents[2] / "infra" / "README.md"
IMPERSONATION = {"roles/iam.serviceAccountUser", "roles/iam.serviceAccountAdmin"}


def bindings(synthesized: Synthesized) -> Iterator[tuple[str, str, Stack]]:
    """(stack, resource type, resource) of every IAM member, binding or policy resource."""
    for name, stack in synthesized.stacks.items():
        for resource_type, resources in stack.get("resource", {}).items():
            if re.search(r"_iam_(member|binding|policy)$", resource_type):
                for resource in resources.values():
                    yield name, resource_type, resource


def test_iam_bindings_exist_in_every_stack(synthesized: Synthesized) -> None:
    assert {stack for stack, _, _ in bindings(synthesized)} == set(synthesized.stacks)


def test_no_binding_grants_a_basic_role(synthesized: Synthesized) -> None:
    granted = {(stack, r["role"]) for stack, _, r in bindings(synthesized)}
    assert not {role for _, role in granted} & BASIC_ROLES
    assert not any(t.endswith("_iam_policy") for _, t, _ in bindings(synthesized))  # no overwrites


def test_no_service_account_keys_anywhere(synthesized: Synthesized) -> None:
    for stack in synthesized.stacks.values():
        assert not [t for t in stack.get("resource", {}) if t.endswith("service_account_key")]


def test_planner_can_change_nothing(synthesized: Synthesized) -> None:
    planner = synthesized.bootstrap.ci_member("planner")
    planner_ref = "${google_service_account.ci_" + synthesized.bootstrap.ci_account_id("planner")
    roles = {
        r["role"]
        for _, _, r in bindings(synthesized)
        if r["member"] == planner or r["member"].startswith(f"serviceAccount:{planner_ref}")
    }
    assert roles, "the planner holds no role at all"
    assert not [role for role in roles if not READ_ONLY.match(role)]
    # nobody may act as the planner but pull requests and the drift check on main
    impersonation = [
        r
        for _, t, r in bindings(synthesized)
        if t == "google_service_account_iam_member" and "planner" in r["service_account_id"]
    ]
    repository = synthesized.bootstrap.github_repository
    assert sorted(r["member"].rsplit("/subject/", 1)[1] for r in impersonation) == [
        f"repo:{repository}:pull_request",
        f"repo:{repository}:ref:refs/heads/main",
    ]


def test_project_level_roles_are_only_the_justified_ones(synthesized: Synthesized) -> None:
    for env in synthesized.environments:
        roles = {r["role"] for r in synthesized.resources(env, "google_project_iam_member")}
        assert roles == set(PROJECT_LEVEL_ROLES)
    deployers = [
        synthesized.bootstrap.deployer_id(env) for env in synthesized.environments.values()
    ]
    for stack, resource_type, resource in bindings(synthesized):
        if resource_type == "google_project_iam_member":
            # acting as accounts is granted per account (test_deployers.py), never here
            assert resource["role"] != "roles/iam.serviceAccountUser"
            if resource["role"] in IMPERSONATION:
                assert stack == "bootstrap"
                assert any(f"ci_{deployer}_" in resource["member"] for deployer in deployers)


def test_deployer_may_grant_only_the_justified_project_roles(synthesized: Synthesized) -> None:
    admins = [
        r
        for r in synthesized.resources("bootstrap", "google_project_iam_member")
        if r["role"] == PROJECT_IAM_ADMIN
    ]
    assert len(admins) == len(synthesized.environments)
    for admin in admins:
        grantable = set(re.findall(r"'(roles/[^']+)'", admin["condition"]["expression"]))
        assert grantable == set(PROJECT_LEVEL_ROLES)
        assert "modifiedGrantsByRole" in admin["condition"]["expression"]


def test_readme_justifies_every_project_level_role() -> None:
    rows = [line for line in README.read_text().splitlines() if "| **project** |" in line]
    for role in PROJECT_LEVEL_ROLES:
        assert any(f"| {role.removeprefix('roles/')} |" in row for row in rows), role


def test_data_access_is_audited_in_every_project(synthesized: Synthesized) -> None:
    """Cloud Audit Logs stand in for bucket usage logs (.checkov.yaml, CKV_GCP_62)."""
    projects = {synthesized.bootstrap.project} | {
        env.project for env in synthesized.environments.values()
    }
    audited = set()
    for name in synthesized.stacks:
        for config in synthesized.resources(name, "google_project_iam_audit_config"):
            kinds = {entry["log_type"] for entry in config["audit_log_config"]}
            if kinds == {"DATA_READ", "DATA_WRITE"}:
                audited.add((config["project"], config["service"]))
    for project in projects:
        assert (project, "storage.googleapis.com") in audited, project
        if project != synthesized.bootstrap.project:
            assert (project, "bigquery.googleapis.com") in audited, project

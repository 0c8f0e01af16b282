"""One deployer per environment: bound only to its GitHub environment, granted only in its
own project and on its own state prefix, acting only as the accounts its stack creates."""

import re

import pytest

from tests.support.synthesis import ENVIRONMENTS, Synthesized

# every infra module reads the one synthesis of the stacks: one worker builds it
pytestmark = pytest.mark.xdist_group("infra-synth")


def deployer_ref(synthesized: Synthesized, env: str) -> str:
    """The `${google_service_account.…}` prefix of that environment's deployer."""
    account_id = synthesized.bootstrap.deployer_id(synthesized.environments[env])
    (key,) = [
        key
        for key, account in synthesized.stacks["bootstrap"]["resource"][
            "google_service_account"
        ].items()
        if account["account_id"] == account_id
    ]
    return f"${{google_service_account.{key}."


def test_each_environment_has_its_own_deployer(synthesized: Synthesized) -> None:
    accounts = {
        account["account_id"]
        for account in synthesized.resources("bootstrap", "google_service_account")
    }
    deployers = {
        name: synthesized.bootstrap.deployer_id(config)
        for name, config in synthesized.environments.items()
    }
    assert len(set(deployers.values())) == len(ENVIRONMENTS)
    assert set(deployers.values()) <= accounts
    assert not [a for a in accounts if a.endswith("deployer") and a not in deployers.values()]


@pytest.mark.parametrize("env", ENVIRONMENTS)
def test_a_deployer_holds_nothing_outside_its_environment(
    synthesized: Synthesized, env: str
) -> None:
    config, bootstrap = synthesized.environments[env], synthesized.bootstrap
    mine = deployer_ref(synthesized, env)
    held = [
        (resource_type, resource)
        for resource_type, resources in synthesized.stacks["bootstrap"]["resource"].items()
        if re.search(r"_iam_member$", resource_type)
        for resource in resources.values()
        if resource["member"].startswith(f"serviceAccount:{mine}")
    ]
    projects = {r["project"] for t, r in held if t == "google_project_iam_member"}
    assert projects == {config.project}  # roles in its own project, none in another's
    (state,) = [r for t, r in held if t == "google_storage_bucket_iam_member"]
    expression = state["condition"]["expression"]
    assert f"objects/stacks/{env}/')" in expression
    others = [e for e in ENVIRONMENTS if e != env]
    assert not [other for other in others if f"stacks/{other}" in expression]
    assert synthesized.stacks[env]["terraform"]["backend"]["gcs"]["prefix"] == f"stacks/{env}"
    # only its own GitHub environment's jobs may become it
    (federation,) = [
        r
        for r in synthesized.resources("bootstrap", "google_service_account_iam_member")
        if r["service_account_id"].startswith(mine)
    ]
    repository = bootstrap.github_repository
    assert federation["member"].endswith(f"/subject/repo:{repository}:environment:{env}")


@pytest.mark.parametrize("env", ENVIRONMENTS)
def test_a_deployer_acts_only_as_its_stacks_accounts(synthesized: Synthesized, env: str) -> None:
    """serviceAccountUser per workload account, for that environment's deployer only."""
    config, bootstrap = synthesized.environments[env], synthesized.bootstrap
    accounts = {
        key: account["account_id"]
        for key, account in synthesized.stacks[env]["resource"]["google_service_account"].items()
    }
    users = [
        r
        for r in synthesized.resources(env, "google_service_account_iam_member")
        if r["role"] == "roles/iam.serviceAccountUser"
    ]
    assert {r["member"] for r in users} == {bootstrap.deployer_member(config)}
    used = {r["service_account_id"].split(".")[1] for r in users}
    assert used == set(accounts)
    assert all(name.startswith(config.name_of("")) for name in accounts.values())

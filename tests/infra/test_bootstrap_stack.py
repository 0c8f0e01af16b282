"""The bootstrap stack: local state, the state bucket and keyless CI identities."""

import pytest

from tests.support.synthesis import Synthesized

# every infra module reads the one synthesis of the stacks: one worker builds it
pytestmark = pytest.mark.xdist_group("infra-synth")


def test_bootstrap_state_is_local_and_the_state_bucket_hardened(synthesized: Synthesized) -> None:
    stack = synthesized.stacks["bootstrap"]
    assert "local" in stack["terraform"]["backend"]
    bucket = synthesized.one(
        "bootstrap", "google_storage_bucket", name=synthesized.bootstrap.state_bucket
    )
    assert bucket["versioning"] == {"enabled": True}
    assert bucket["uniform_bucket_level_access"] is True
    assert bucket["public_access_prevention"] == "enforced"
    assert {
        "state_bucket",
        "workload_identity_provider",
        "planner_service_account",
        "deployer_service_account_dev",
        "deployer_service_account_prod",
    } <= set(stack["output"])


def test_provider_admits_only_the_repositorys_pull_requests_drift_checks_and_deploys(
    synthesized: Synthesized,
) -> None:
    config = synthesized.bootstrap
    (provider,) = synthesized.resources("bootstrap", "google_iam_workload_identity_pool_provider")
    assert provider["oidc"]["issuer_uri"] == "https://token.actions.githubusercontent.com"
    assert provider["attribute_mapping"]["google.subject"] == "assertion.sub"
    repo = config.github_repository
    assert config.deploy_environments == {"dev": "branch", "prod": "release"}
    # pinned by the numeric ids too: a renamed or re-created repository is not trusted
    assert provider["attribute_condition"] == (
        f"assertion.repository_id == '{config.github_repository_id}' && "
        f"assertion.repository_owner_id == '{config.github_owner_id}' && "
        f"assertion.repository == '{repo}' && ("
        f"assertion.sub == 'repo:{repo}:pull_request' || "
        f"assertion.sub == 'repo:{repo}:ref:refs/heads/main' || "
        f"(assertion.sub == 'repo:{repo}:environment:dev' && "
        "assertion.ref == 'refs/heads/main') || "
        f"(assertion.sub == 'repo:{repo}:environment:prod' && "
        "assertion.ref.startsWith('refs/tags/v')))"
    )


def test_each_ci_subject_may_impersonate_exactly_one_account(synthesized: Synthesized) -> None:
    config = synthesized.bootstrap
    bindings = synthesized.resources("bootstrap", "google_service_account_iam_member")
    federated = {
        binding["member"].rsplit("/subject/", 1)[1]: binding["service_account_id"]
        for binding in bindings
        if binding["role"] == "roles/iam.workloadIdentityUser"
    }
    assert len(federated) == len(bindings) == 4
    repo = config.github_repository
    for subject in ("pull_request", "ref:refs/heads/main"):
        assert "planner" in federated[f"repo:{repo}:{subject}"]
    for environment in ("dev", "prod"):  # each environment's jobs: its own deployer only
        deployer = synthesized.bootstrap.deployer_id(synthesized.environments[environment])
        assert f"ci_{deployer}_" in federated[f"repo:{repo}:environment:{environment}"]
    for binding in bindings:
        assert binding["member"].startswith(
            "principal://iam.googleapis.com/${google_iam_workload_identity_pool."
        )


def test_ci_identities_get_roles_in_every_environment_project(synthesized: Synthesized) -> None:
    projects = {env.project for env in synthesized.environments.values()}
    granted = {
        b["project"] for b in synthesized.resources("bootstrap", "google_project_iam_member")
    }
    assert granted == projects

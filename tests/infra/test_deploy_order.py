"""A first apply on a new project succeeds in one go: every function, job, scheduler job and
alert policy is created after the grants, service agents and metrics it needs, and after
a propagation wait that follows them (tests/support/deploy_graph.py reads the order)."""

import copy

import pytest

from tests.support.deploy_graph import CONSUMERS, Graph, needs, problems
from tests.support.synthesis import ENVIRONMENTS, EXISTING, Stack, Synthesized

# every infra module reads the one synthesis of the stacks: one worker builds it
pytestmark = pytest.mark.xdist_group("infra-synth")


@pytest.mark.parametrize("env", ENVIRONMENTS)
def test_everything_waits_for_what_it_needs(synthesized: Synthesized, env: str) -> None:
    config = synthesized.environments[env]
    graph = Graph.of(synthesized.stacks[env])
    found = needs(graph, config)
    consumers = [a for kind in CONSUMERS for a in graph.of_type(kind)]
    assert set(found) == set(consumers) and len(consumers) >= 7
    for consumer in consumers:
        if not consumer.startswith("google_monitoring_alert_policy."):
            assert found[consumer], f"{consumer}: no grant found that it needs"
    (trigger_function,) = [
        a
        for a in graph.of_type("google_cloudfunctions2_function")
        if "event_trigger" in graph.bodies[a]
    ]
    roles = {graph.bodies[g].get("role") for g in found[trigger_function]}
    assert {
        "roles/pubsub.publisher",
        "roles/eventarc.eventReceiver",
        "roles/eventarc.serviceAgent",
        "roles/logging.logWriter",
        "roles/artifactregistry.writer",
    } <= roles
    (agent,) = graph.of_type("google_project_service_identity")
    assert graph.bodies[agent]["service"] == "eventarc.googleapis.com"
    assert agent in found[trigger_function]
    assert graph.bodies[agent]["provider"] == "google-beta"
    assert any(found[p] for p in graph.of_type("google_monitoring_alert_policy"))
    act_as = {g for g in graph.of_type("google_service_account_iam_member")}
    assert all(found[c] & act_as for c in consumers if not c.startswith("google_monitoring"))
    assert problems(synthesized.stacks[env], config) == []


Selector = tuple[str, str, str]  # resource type, attribute, a substring of its value


def select(graph: Graph, selector: Selector) -> list[str]:
    kind, key, value = selector
    return [a for a in graph.of_type(kind) if value in str(graph.bodies[a].get(key, ""))]


def without(stack: Stack, consumer: Selector, dependency: Selector) -> Stack:
    """A copy of the stack where the consumer's depends_on lost the dependency."""
    graph = Graph.of(stack)
    broken = copy.deepcopy(stack)
    dropped = set(select(graph, dependency))
    for address in select(graph, consumer):
        kind, name = address.split(".", 1)
        body = broken["resource"][kind][name]
        kept = [d for d in body["depends_on"] if d not in dropped]
        assert len(kept) < len(body["depends_on"]), f"{address} has no {dependency}"
        body["depends_on"] = kept
    return broken


LOADER_WAIT = ("time_sleep", "depends_on", "loader-jobs")  # the loader's propagation wait
MUTATIONS: dict[str, tuple[Selector, Selector]] = {
    # the storage-triggered function no longer waits for its grants to propagate
    "function-wait": (("google_cloudfunctions2_function", "name", "-loader"), LOADER_WAIT),
    # the wait no longer follows the Cloud Storage agent's publisher grant
    "publisher-grant": (LOADER_WAIT, ("google_project_iam_member", "role", "pubsub.publisher")),
    # ... nor the builder's log writer grant
    "builder-grant": (LOADER_WAIT, ("google_project_iam_member", "role", "logging.logWriter")),
    # the transform job no longer waits for the deployer's right to attach its account
    "act-as": (
        ("google_cloud_run_v2_job", "name", "-transform"),
        ("time_sleep", "depends_on", "deployer-act-as"),
    ),
    "job-wait": (
        ("google_cloud_run_v2_job", "name", "-transform"),
        ("time_sleep", "depends_on", "transform-jobs"),
    ),
    "schedule-wait": (
        ("google_cloud_scheduler_job", "name", "-reconcile"),
        ("time_sleep", "depends_on", "scheduler-reconcile"),
    ),
    "metric-wait": (
        ("google_monitoring_alert_policy", "display_name", "raw-stale"),
        ("time_sleep", "triggers", "loaded-files"),  # the loaded-files metric's wait
    ),
}


@pytest.mark.parametrize("mutation", MUTATIONS)
def test_removing_one_dependency_fails_the_check(synthesized: Synthesized, mutation: str) -> None:
    consumer, dependency = MUTATIONS[mutation]
    stack, config = synthesized.stacks["dev"], synthesized.environments["dev"]
    graph = Graph.of(stack)
    assert len(select(graph, consumer)) == 1 and len(select(graph, dependency)) == 1
    found = problems(without(stack, consumer, dependency), config)
    assert found, f"{mutation}: the check did not notice"
    assert problems(stack, config) == []  # the copy was broken, not the synthesis


def test_the_existing_table_stack_waits_for_what_it_needs(existing_table: Synthesized) -> None:
    """Without the loader, the job still waits for its grants, the table's included."""
    config = existing_table.environments[EXISTING]
    stack = existing_table.stacks[EXISTING]
    graph = Graph.of(stack)
    found = needs(graph, config)
    assert not graph.of_type("google_cloudfunctions2_function")
    (job,) = graph.of_type("google_cloud_run_v2_job")
    (table_grant,) = graph.of_type("google_bigquery_table_iam_member")
    assert table_grant in found[job]
    (schedule,) = graph.of_type("google_cloud_scheduler_job")
    assert found[schedule]
    assert problems(stack, config) == []

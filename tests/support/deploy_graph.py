"""Terraform's creation order, read from a synthesized stack: what must exist before what.

Terraform orders creation by ``depends_on`` and by references (``${type.name.attr}``)
only, so the closure of both over a resource is everything created before it. The
needs of each function, job, scheduler job and alert policy are derived here from the
JSON itself (whose grants, which metric), not from how the constructs build them, so a
construct that forgets one fails the check.
"""

import re
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

from snowplow_infra.config import EnvironmentConfig

from tests.support.synthesis import Stack

REFERENCE = re.compile(r"\$\{(data\.)?([a-z][a-z0-9_]*)\.([A-Za-z0-9_-]+)")
CONSUMERS = (
    "google_cloudfunctions2_function",
    "google_cloud_run_v2_job",
    "google_cloud_scheduler_job",
    "google_monitoring_alert_policy",
)
WAIT = "time_sleep."


def _strings(value: Any) -> Iterator[str]:
    if isinstance(value, str):
        yield value
    elif isinstance(value, dict):
        for item in value.values():
            yield from _strings(item)
    elif isinstance(value, list):
        for item in value:
            yield from _strings(item)


@dataclass
class Graph:
    """Every resource and data source of a stack by address, and what each waits for."""

    bodies: dict[str, Stack]

    @classmethod
    def of(cls, stack: Stack) -> "Graph":
        bodies = {
            f"{kind}.{name}": body
            for kind, resources in stack.get("resource", {}).items()
            for name, body in resources.items()
        }
        bodies |= {
            f"data.{kind}.{name}": body
            for kind, sources in stack.get("data", {}).items()
            for name, body in sources.items()
        }
        return cls(bodies)

    def references(self, value: Any) -> set[str]:
        """Addresses of the resources an attribute value interpolates."""
        found = set()
        for text in _strings(value):
            for data, kind, name in REFERENCE.findall(text):
                address = f"{data}{kind}.{name}"
                if address in self.bodies:
                    found.add(address)
        return found

    def direct(self, address: str) -> set[str]:
        body = self.bodies[address]
        depends = set(body.get("depends_on", []))
        unknown = depends - set(self.bodies)
        assert not unknown, f"{address} depends on missing {unknown}"
        rest = {key: value for key, value in body.items() if key != "depends_on"}
        return depends | self.references(rest)

    def closure(self, address: str) -> set[str]:
        """Everything Terraform must create before the resource at `address`."""
        seen: set[str] = set()
        stack = list(self.direct(address))
        while stack:
            current = stack.pop()
            if current not in seen:
                seen.add(current)
                stack.extend(self.direct(current))
        return seen

    def of_type(self, kind: str) -> list[str]:
        return sorted(address for address in self.bodies if address.startswith(f"{kind}."))

    def grants_to(self, member: str) -> set[str]:
        """Every IAM member resource granting something to `member`."""
        return {
            address
            for address, body in self.bodies.items()
            if re.search(r"_iam_member\.", address) and body.get("member") == member
        }


def account_member(graph: Graph, config: EnvironmentConfig, component: str) -> str | None:
    """The member string of the component's account; None where the stack has none (no
    loader accounts when events come from a BigQuery Loader table)."""
    found = [
        address
        for address in graph.of_type("google_service_account")
        if graph.bodies[address]["account_id"] == config.name_of(component)
    ]
    assert len(found) <= 1, found
    return "serviceAccount:${" + found[0] + ".email}" if found else None


def needs(graph: Graph, config: EnvironmentConfig) -> dict[str, set[str]]:
    """For each consumer, the grants, agents and metrics that must be in effect first."""
    member = {
        c: account
        for c in ("loader", "builder", "eventarc", "transform", "scheduler")
        if (account := account_member(graph, config, c))
    }
    agents = set(graph.of_type("google_project_service_identity"))
    agent_grants = {
        address
        for address in graph.of_type("google_project_iam_member")
        if graph.references(graph.bodies[address]["member"])
        & (agents | set(graph.of_type("data.google_storage_project_service_account")))
    }
    found: dict[str, set[str]] = {}
    for function in graph.of_type("google_cloudfunctions2_function"):
        needed = graph.grants_to(member["loader"]) | graph.grants_to(member["builder"])
        if "event_trigger" in graph.bodies[function]:
            needed |= graph.grants_to(member["eventarc"]) | agents | agent_grants
        # a grant on the function's own service can only follow it
        found[function] = {g for g in needed if function not in graph.closure(g)}
    for job in graph.of_type("google_cloud_run_v2_job"):
        found[job] = graph.grants_to(member["transform"])
    for schedule in graph.of_type("google_cloud_scheduler_job"):
        target = graph.references(graph.bodies[schedule]["http_target"]["uri"])
        found[schedule] = {
            grant
            for grant in graph.grants_to(member["scheduler"])
            if graph.references(graph.bodies[grant]) & target
        }
    # whoever applies must act as each account a consumer attaches (its serviceAccountUser)
    act_as = {
        grant: graph.references(graph.bodies[grant]["service_account_id"])
        for grant in graph.of_type("google_service_account_iam_member")
        if graph.bodies[grant]["role"] == "roles/iam.serviceAccountUser"
    }
    for consumer in list(found):
        attached = graph.references(graph.bodies[consumer])
        found[consumer] |= {grant for grant, account in act_as.items() if account & attached}
    for policy in graph.of_type("google_monitoring_alert_policy"):
        conditions = graph.bodies[policy]["conditions"]
        found[policy] = set(graph.of_type("google_logging_metric")) & graph.references(conditions)
    return found


def problems(stack: Stack, config: EnvironmentConfig) -> list[str]:
    """What would be created before something it needs, or without a wait after it."""
    graph = Graph.of(stack)
    found = []
    for consumer, needed in needs(graph, config).items():
        before = graph.closure(consumer)
        if missing := needed - before:
            found.append(f"{consumer} is not created after {sorted(missing)}")
        waited = set().union(*(graph.closure(w) for w in before if w.startswith(WAIT)))
        if unwaited := needed - waited:
            found.append(f"{consumer}: no propagation wait after {sorted(unwaited)}")
    return found

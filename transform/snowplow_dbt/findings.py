"""What the job reads out of dbt's results for its log: source ages and cost per node.

dbt returns one result per node; the job logs them in words a person on call can act on
(how old the raw data is, against which limit) and in numbers a log-based metric can
extract (bytes billed per model and for the whole run).
"""

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, Protocol

if TYPE_CHECKING:
    from dbt.artifacts.schemas.results import NodeResult


@dataclass(frozen=True)
class SourceAge:
    """One source table's freshness as dbt measured it."""

    source: str
    status: str  # pass / warn / error / runtime error
    age_hours: float | None  # None when dbt could not measure it
    max_loaded_at: str | None
    warn_after: str | None
    error_after: str | None
    error: str | None = None  # why it could not be measured

    def describe(self) -> str:
        if self.age_hours is None:
            return f"{self.source}: {self.status}: {self.error or 'no age measured'}"
        limit = self.error_after if self.status == "error" else self.warn_after
        return (
            f"{self.source}: last loaded {self.age_hours:.1f} h ago ({self.max_loaded_at}), "
            f"{self.status} after {limit or 'no limit'}"
        )


def _threshold(value: object) -> str | None:
    count, period = getattr(value, "count", None), getattr(value, "period", None)
    if count is None or period is None:
        return None
    name = getattr(period, "value", period)
    return f"{count} {name}{'' if count == 1 else 's'}"


def source_ages(results: Iterable["NodeResult"]) -> list[SourceAge]:
    """dbt's source freshness results (SourceFreshnessResult and its error variants)."""
    ages = []
    for result in results:
        freshness = getattr(result.node, "freshness", None)
        age = getattr(result, "age", None)
        loaded = getattr(result, "max_loaded_at", None)
        ages.append(
            SourceAge(
                source=result.node.unique_id,
                status=str(result.status),
                age_hours=None if age is None else round(float(age) / 3600, 2),
                max_loaded_at=None if loaded is None else loaded.isoformat(),
                warn_after=_threshold(getattr(freshness, "warn_after", None)),
                error_after=_threshold(getattr(freshness, "error_after", None)),
                error=getattr(result, "message", None),
            )
        )
    return ages


# dbt's own type of a result's adapter_response (BaseResult): each adapter fills it its way
type AdapterResponse = Mapping[str, Any]


@dataclass(frozen=True)
class NodeCost:
    """What one node's queries cost on BigQuery, from dbt's adapter response."""

    node: str
    bytes_processed: int
    bytes_billed: int


def node_costs(responses: Iterable[tuple[str, AdapterResponse]]) -> list[NodeCost]:
    """Per node (unique id, adapter_response), the bytes BigQuery reported, most billed
    first. dbt-bigquery puts `bytes_processed` and `bytes_billed` in each node's adapter
    response (run_results.json); other adapters (DuckDB) report none, hence no entry."""
    costs = [
        NodeCost(
            node, int(response.get("bytes_processed") or 0), int(response.get("bytes_billed") or 0)
        )
        for node, response in responses
        if "bytes_billed" in response or "bytes_processed" in response
    ]
    return sorted(costs, key=lambda cost: (-cost.bytes_billed, cost.node))


class _Named(Protocol):
    @property
    def unique_id(self) -> str: ...


class Reported(Protocol):
    """What the cost reader reads of a dbt result (``NodeResult``, or one from run_results)."""

    @property
    def node(self) -> _Named: ...


def adapter_responses(results: Iterable[Reported]) -> list[tuple[str, AdapterResponse]]:
    """(unique id, adapter_response) of each result of a dbt invocation."""
    return [
        (result.node.unique_id, dict(getattr(result, "adapter_response", None) or {}))
        for result in results
    ]

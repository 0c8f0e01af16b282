"""The job's log without a dbt run: the run id Cloud Run retries keep, what a BigQuery run
cost per node and in total (from recorded run results), and every kind of line the job
prints (its own, dbt's events, Python warnings, the sync's output) as one JSON object with
a `severity`."""

import json
import logging
import re
import warnings
from pathlib import Path

import pytest
from dbt_common.events.base_types import EventLevel, msg_from_base_event
from dbt_common.events.types import Note
from snowplow_dbt import job
from snowplow_dbt.findings import adapter_responses, node_costs
from snowplow_dbt.joblog import DbtEvents, relay, structured

RECORDED = Path(__file__).parent / "fixtures" / "run_results_bigquery.json"


def printed(capsys: pytest.CaptureFixture[str]) -> list[dict[str, object]]:
    out = capsys.readouterr().out.splitlines()
    lines = [json.loads(line) for line in out]
    assert all(isinstance(line, dict) and line["severity"] for line in lines), out
    return lines


def test_the_run_id_is_the_execution_so_a_retry_keeps_it() -> None:
    first = {"CLOUD_RUN_EXECUTION": "snowplow-job-dev-x7k2p", "CLOUD_RUN_TASK_ATTEMPT": "0"}
    retry = {**first, "CLOUD_RUN_TASK_ATTEMPT": "1"}
    assert job.default_run_id(first) == job.default_run_id(retry) == "snowplow-job-dev-x7k2p"
    assert re.fullmatch(r"\d{8}T\d{6}Z", job.default_run_id({}))  # outside Cloud Run


class _Result:
    """The two attributes of a dbt result the cost reader uses, from run_results.json."""

    def __init__(self, unique_id: str, adapter_response: dict[str, object]) -> None:
        self.node = type("Node", (), {"unique_id": unique_id})()
        self.adapter_response = adapter_response


def test_bytes_per_node_and_the_total_from_bigquery_run_results() -> None:
    # the adapter_response keys are dbt-bigquery's (BigQueryAdapterResponse); the figures
    # are a recorded shape, not a real bill
    results = json.loads(RECORDED.read_text())["results"]
    recorded = [_Result(result["unique_id"], result["adapter_response"]) for result in results]
    costs = node_costs(adapter_responses(recorded))
    assert [(c.node, c.bytes_billed) for c in costs] == [
        ("model.snowplow.fct_sessions", 262144000),
        ("model.snowplow.stg_snowplow__events", 10485760),
        ("test.snowplow.unique_fct_sessions_domain_sessionid.1a2b3c", 10485760),
        ("model.snowplow.cached_view", 0),  # a view bills nothing (null in the response)
    ]  # the unit test reported no bytes: no entry
    assert job._totals(costs) == {
        "bytes_processed": 1677721 + 262144000 + 12288,
        "bytes_billed": 262144000 + 2 * 10485760,
    }
    assert job._totals([]) == {}  # DuckDB: no bytes reported, no keys


def test_dbt_events_become_json_lines_from_warnings_up(
    capsys: pytest.CaptureFixture[str],
) -> None:
    events = DbtEvents("r1", step="build")
    events(msg_from_base_event(Note(msg="a deprecated config"), level=EventLevel.WARN))
    events(msg_from_base_event(Note(msg="3 of 18 OK"), level=EventLevel.INFO))  # below warn
    events(msg_from_base_event(Note(msg="Database Error"), level=EventLevel.ERROR))
    lines = printed(capsys)
    assert [(line["severity"], line["message"]) for line in lines] == [
        ("WARNING", "a deprecated config"),
        ("ERROR", "Database Error"),
    ]
    assert all(line["step"] == "build" and line["run_id"] == "r1" for line in lines)
    assert lines[0]["dbt_event"] == "Note"


def test_the_syncs_lines_warnings_and_library_logs_become_json(
    capsys: pytest.CaptureFixture[str],
) -> None:
    relay("Sessions   values   replaced   60 rows", "INFO", step="sheets", run_id="r1")
    relay('{"severity": "WARNING", "message": "quota: retrying"}', "INFO", step="sheets")
    relay("   ", "INFO", step="sheets")  # nothing to say: no line
    with structured(DbtEvents("r1", step="sheets")):
        warnings.warn("a library is deprecated", DeprecationWarning, stacklevel=1)
        logging.getLogger("google.auth").warning("no quota project")
    logging.getLogger("google.auth").warning("after the run: not the job's")
    lines = printed(capsys)
    assert [(line["severity"], line["message"]) for line in lines] == [
        ("INFO", "Sessions   values   replaced   60 rows"),
        ("WARNING", "quota: retrying"),
        ("WARNING", "a library is deprecated"),
        ("WARNING", "no quota project"),
    ]
    assert lines[2]["category"] == "DeprecationWarning"
    assert lines[3]["logger"] == "google.auth"
    assert all(line["step"] == "sheets" for line in lines)  # the step under way

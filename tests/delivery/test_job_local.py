"""`snowplow-job` end to end on the embedded engine: the sample loaded into DuckDB, source
freshness, dbt build, docs, artifacts in a local folder standing in for the bucket, the
workbook written; and a non-zero exit when the data is stale or dbt fails."""

import json
import re
import shutil
from pathlib import Path
from typing import Any

import duckdb
import openpyxl
import pytest
from snowplow_dbt import job
from snowplow_dbt.artifacts import ARTIFACTS
from snowplow_dbt.propensity import run as propensity

from tests.support.job import STEPS, LocalRun, run_job
from tests.transform.helpers import rows

# one job run (parse, freshness, build, docs, sync) plus two short ones: tens of seconds
pytestmark = pytest.mark.slow


def read(path: Path) -> Any:
    return json.loads(path.read_text())


def broken_copy(run: LocalRun, name: str, sql: str) -> Path:
    """A copy of the built database with `sql` applied to it."""
    database = run.folder / f"{name}.duckdb"
    shutil.copyfile(run.database, database)
    with duckdb.connect(str(database)) as connection:
        connection.execute(sql)
    return database


def test_every_step_runs_in_order_and_every_line_is_json(local_run: LocalRun) -> None:
    assert local_run.result.exit_code == 0, local_run.result.logs
    assert local_run.result.other == []  # nothing but JSON objects with a severity
    assert local_run.result.order() == STEPS
    # the propensity step warns: 160 conformance events are too few users to measure a model
    severities = {line["step"]: line["severity"] for line in local_run.result.logs}
    assert severities.pop("propensity") == "WARNING"
    assert set(severities.values()) == {"INFO"}
    assert all(line["run_id"] == "daily" and line["message"] for line in local_run.result.logs)
    steps = local_run.result.steps()
    assert steps["freshness"]["sources"] == {"source.snowplow.snowplow.raw_events": "pass"}
    assert set(steps["build"]["nodes"]) <= {"success", "pass"}
    assert steps["build"]["nodes"]["success"] >= 10  # models
    assert steps["parse"]["nodes"] > steps["build"]["nodes"]["success"]  # parsed once
    assert "bytes_billed" not in steps["end"]  # DuckDB bills nothing, says nothing
    # the sync's own output lines came through as this step's JSON lines
    assert sum(line["step"] == "sheets" for line in local_run.result.logs) > 1
    assert not steps["propensity"]["published"] and "fewer than" in steps["propensity"]["reason"]


def test_artifacts_land_under_the_run_id(local_run: LocalRun) -> None:
    folder = local_run.artifacts / "daily"
    assert sorted(path.name for path in folder.iterdir()) == sorted((*ARTIFACTS, propensity.CARD))
    results = read(folder / "run_results.json")
    assert results["args"]["which"] == "build"
    statuses = {result["unique_id"]: result["status"] for result in results["results"]}
    assert statuses["model.snowplow.fct_sessions"] == "success"
    assert set(statuses.values()) <= {"success", "pass"}
    freshness = read(folder / "sources.json")["results"]
    assert [(r["unique_id"], r["status"]) for r in freshness] == [
        ("source.snowplow.snowplow.raw_events", "pass")
    ]
    assert "model.snowplow.fct_sessions" in read(folder / "manifest.json")["nodes"]
    assert "model.snowplow.fct_sessions" in read(folder / "catalog.json")["nodes"]
    assert (folder / "index.html").read_text()[:200].lower().lstrip().startswith("<!doctype html")
    uploaded = local_run.result.steps()["upload"]["artifacts"]
    kept = (*ARTIFACTS, propensity.CARD)  # dbt's files and the propensity model card
    assert sorted(uploaded) == sorted(str(folder / name) for name in kept)


def test_the_sync_wrote_the_workbook_from_the_built_models(local_run: LocalRun) -> None:
    book = openpyxl.load_workbook(local_run.workbook, read_only=True)
    assert {"Sessions", "Users", "Daily active users"} <= set(book.sheetnames)
    cells = {value for row in book["Sessions"].iter_rows(values_only=True) for value in row}
    sessions = rows(local_run.database, "select domain_sessionid from fct_sessions")
    assert len(sessions) > 50
    assert {row["domain_sessionid"] for row in sessions} <= cells


def test_stale_raw_data_fails_the_run_before_the_build(local_run: LocalRun) -> None:
    database = broken_copy(
        local_run, "stale", "update raw_events set load_tstamp = load_tstamp - interval 3 days"
    )
    workbook = local_run.folder / "stale.xlsx"
    run = run_job(["--run-id", "stale", "--workbook", str(workbook)], local_run.env(database))
    assert run.exit_code == 1
    assert run.order() == ["start", "parse", "freshness", "upload", "end"]
    assert run.steps()["freshness"]["severity"] == "ERROR"
    message = run.steps()["freshness"]["message"]
    # which source, how old, against which limit (the sample loaded minutes ago, minus 3 days)
    expected = r"raw_events: last loaded 7\d\.\d h ago \(.+\), error after 50 hours"
    assert re.search(expected, message), message
    assert run.steps()["end"]["severity"] == "ERROR"
    folder = local_run.artifacts / "stale"
    assert [path.name for path in folder.iterdir()] == ["sources.json"]
    assert read(folder / "sources.json")["results"][0]["status"] == "error"
    assert not workbook.exists()


def test_the_warn_band_logs_a_warning_and_the_run_goes_on(local_run: LocalRun) -> None:
    # 30 hours old: past warn_after (26 h), before error_after (50 h)
    database = broken_copy(
        local_run, "late", "update raw_events set load_tstamp = load_tstamp - interval 30 hours"
    )
    workbook = local_run.folder / "late.xlsx"
    run = run_job(["--run-id", "late", "--workbook", str(workbook)], local_run.env(database))
    assert run.exit_code == 0, run.logs
    assert run.order() == STEPS
    freshness = run.steps()["freshness"]
    assert freshness["severity"] == "WARNING"
    assert freshness["sources"] == {"source.snowplow.snowplow.raw_events": "warn"}
    expected = r".*raw_events: last loaded 30\.\d h ago .*, warn after 26 hours"
    assert re.fullmatch(expected, freshness["late"][0]), freshness
    assert workbook.exists()


def test_allow_stale_turns_stale_data_into_a_warning(local_run: LocalRun) -> None:
    database = local_run.folder / "stale.duckdb"  # left by the test above, or made here
    if not database.exists():
        database = broken_copy(
            local_run, "stale", "update raw_events set load_tstamp = load_tstamp - interval 3 days"
        )
    settings = job.Settings("local", database, None, local_run.folder / "allow-stale")
    run = job.Job(settings, job.parse(["--allow-stale"]), "demo", local_run.folder / "work")
    run.parse()
    details = run.freshness()  # the build and the sync then run as in the warn band above
    assert details["severity"] == "WARNING"
    assert details["sources"] == {"source.snowplow.snowplow.raw_events": "error"}
    late = details["late"]
    assert isinstance(late, list) and "error after 50 hours" in late[0]


def test_a_failing_model_fails_the_run_and_keeps_its_results(local_run: LocalRun) -> None:
    # a column the staging model reads disappears from raw_events (schema drift)
    database = broken_copy(local_run, "broken", "alter table raw_events drop column useragent")
    workbook = local_run.folder / "broken.xlsx"
    run = run_job(["--run-id", "broken", "--workbook", str(workbook)], local_run.env(database))
    assert run.exit_code == 1
    assert run.order() == ["start", "parse", "freshness", "build", "upload", "end"]
    assert run.steps()["build"]["severity"] == "ERROR"
    assert "useragent" in run.steps()["build"]["message"]
    results = read(local_run.artifacts / "broken" / "run_results.json")["results"]
    statuses = {result["unique_id"]: result["status"] for result in results}
    failed = {name for name, status in statuses.items() if status == "error"}
    assert failed and all("stg_snowplow__events" in name for name in failed)
    assert statuses["model.snowplow.fct_sessions"] == "skipped"
    assert not workbook.exists()

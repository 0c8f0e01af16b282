"""`snowplow-job` against the BigQuery and Cloud Storage emulators: the sample's raw events
in the emulated raw dataset, the build through dbt-bigquery, the artifacts uploaded to the
emulated bucket, and the sync writing the workbook from the emulated marts (the Google
client finds credentials through a metadata-server stand-in; no spreadsheet id is set)."""

import json
from pathlib import Path

import duckdb
import openpyxl
import pytest
from google.cloud import bigquery, storage
from snowplow_dbt.artifacts import ARTIFACTS
from snowplow_dbt.propensity.run import CARD
from snowplow_loader.cloud import tables
from snowplow_loader.cloud.config import Config
from snowplow_loader.contract import RAW_EVENTS

from tests.delivery.metadata_server import metadata_server
from tests.emulators import Emulators
from tests.support.dbt_bigquery import install_dbt_shim
from tests.support.job import STEPS, JobRun, load_sample, run_job

# a full dbt build through the emulator: about a minute, more on a busy machine
pytestmark = pytest.mark.slow

RAW, MARTS = "job_raw", "job_marts"  # apart from the datasets other tests build
BUCKET = "snowplow-test-artifacts"
KEPT = (*ARTIFACTS, CARD)  # dbt's files and the propensity step's model card


def copy_raw_events(client: bigquery.Client, database: Path) -> int:
    """raw_events of a DuckDB file into the emulator's raw dataset, with one load job."""
    export = database.with_suffix(".ndjson")
    columns = ", ".join(field.name for field in RAW_EVENTS)
    with duckdb.connect(str(database)) as connection:
        connection.execute(f"copy (select {columns} from raw_events) to '{export}' (format json)")
    config = bigquery.LoadJobConfig(source_format=bigquery.SourceFormat.NEWLINE_DELIMITED_JSON)
    with export.open("rb") as handle:
        job = client.load_table_from_file(
            handle, f"{client.project}.{RAW}.raw_events", job_config=config
        )
    job.result()
    return int(job.output_rows or 0)


@pytest.fixture(scope="module")
def emulated_run(
    emulators: Emulators, tmp_path_factory: pytest.TempPathFactory
) -> tuple[JobRun, Path, storage.Client]:
    install_dbt_shim()
    folder = tmp_path_factory.mktemp("job-emulators")
    database = folder / "sample.duckdb"
    load_sample(database)
    client = emulators.bigquery()
    tables.ensure(client, Config(dataset=RAW), emulators.project)
    assert copy_raw_events(client, database) == 2000
    env = {
        "SNOWPLOW_DBT_TARGET": "emulator",
        "SNOWPLOW_BIGQUERY_ENDPOINT": emulators.bigquery_url,
        "BIGQUERY_EMULATOR_HOST": emulators.bigquery_url,  # the sync's BigQuery client
        "STORAGE_EMULATOR_HOST": emulators.storage_host,
        "SNOWPLOW_PROJECT": emulators.project,
        "SNOWPLOW_DATASET": RAW,
        "SNOWPLOW_MODELS_DATASET": MARTS,
        "SNOWPLOW_ANALYTICS_DATASET": MARTS,
        "SNOWPLOW_ARTIFACTS_BUCKET": BUCKET,
        "SNOWPLOW_MAX_BYTES_BILLED": str(10**12),
    }
    with pytest.MonkeyPatch.context() as patch:
        patch.setenv("STORAGE_EMULATOR_HOST", emulators.storage_host)
        gcs = storage.Client(project=emulators.project)
        gcs.create_bucket(BUCKET)
    workbook = folder / "snowplow.xlsx"
    with metadata_server(emulators.project) as credentials:
        result = run_job(
            ["--run-id", "emulated", "--workbook", str(workbook)], {**env, **credentials}
        )
    return result, workbook, gcs


def test_the_job_succeeds_on_bigquery(emulated_run: tuple[JobRun, Path, storage.Client]) -> None:
    result, _, _ = emulated_run
    assert result.exit_code == 0, result.logs
    steps = result.steps()
    assert result.order() == STEPS
    assert result.other == []  # every line a JSON object with a severity
    assert steps["start"]["target"] == "emulator"
    assert steps["freshness"]["sources"] == {"source.snowplow.snowplow.raw_events": "pass"}


def test_bytes_per_model_and_the_run_total_are_logged(
    emulated_run: tuple[JobRun, Path, storage.Client],
) -> None:
    steps = emulated_run[0].steps()
    costs = {cost["node"]: cost for cost in steps["build"]["costs"]}  # most billed first
    assert "model.snowplow.fct_sessions" in costs  # dbt-bigquery's adapter response
    assert all(
        cost["bytes_billed"] >= 0 and cost["bytes_processed"] >= 0 for cost in costs.values()
    )
    assert steps["end"]["bytes_billed"] == sum(cost["bytes_billed"] for cost in costs.values())
    assert steps["end"]["bytes_processed"] == steps["build"]["bytes_processed"]


def test_artifacts_land_in_the_emulated_bucket(
    emulated_run: tuple[JobRun, Path, storage.Client],
) -> None:
    result, _, gcs = emulated_run
    blobs = {blob.name: blob for blob in gcs.list_blobs(BUCKET, prefix="runs/emulated/")}
    assert sorted(blobs) == sorted(f"runs/emulated/{name}" for name in KEPT)
    assert blobs["runs/emulated/index.html"].content_type == "text/html"
    run_results = json.loads(blobs["runs/emulated/run_results.json"].download_as_bytes())
    assert run_results["args"]["which"] == "build"
    statuses = {r["unique_id"]: r["status"] for r in run_results["results"]}
    assert statuses["model.snowplow.fct_sessions"] == "success"
    assert sorted(result.steps()["upload"]["artifacts"]) == sorted(
        f"gs://{BUCKET}/runs/emulated/{name}" for name in KEPT
    )


def test_the_sync_wrote_the_workbook_from_bigquery(
    emulated_run: tuple[JobRun, Path, storage.Client], emulators: Emulators
) -> None:
    _, workbook, _ = emulated_run
    book = openpyxl.load_workbook(workbook, read_only=True)
    cells = {value for row in book["Sessions"].iter_rows(values_only=True) for value in row}
    sessions = emulators.bigquery().query_and_wait(
        f"select domain_sessionid from {MARTS}.fct_sessions"
    )
    ids = {row["domain_sessionid"] for row in sessions}
    assert len(ids) > 50
    assert ids <= cells

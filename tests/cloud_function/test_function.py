"""The deployed function, end to end: real CloudEvents in, BigQuery rows and log lines out."""

import gzip
from datetime import UTC, datetime, timedelta
from decimal import Decimal
from typing import Any

import pytest
from google.api_core.exceptions import ServiceUnavailable
from google.cloud import storage
from snowplow_loader.cloud import entry

from tests.cloud_function.checks import log_lines
from tests.cloud_function.harness import Cloud
from tests.support.enriched import line, lines
from tests.support.gcs_loader_names import shard_name, temporary_name


def test_a_file_loads_once_and_says_so_in_one_log_line(
    cloud: Cloud, capsys: pytest.CaptureFixture[str]
) -> None:
    data = ("\n".join([*lines(3), "broken"]) + "\n").encode()
    generation = cloud.upload("2026/10/01/a.tsv", data)
    assert cloud.deliver("2026/10/01/a.tsv", generation) == 200
    [entry] = log_lines(capsys)
    key = cloud.key("2026/10/01/a.tsv", generation)
    assert entry["severity"] == "INFO" and entry["outcome"] == "loaded"
    assert (entry["file_key"], entry["rows"], entry["rows_loaded"], entry["bad_rows"]) == (
        key,
        4,
        3,
        1,
    )
    assert entry["job_id"].endswith("_commit_0")
    assert cloud.count(cloud.names.raw_events, f"load_file_key = '{key}'") == 3
    assert cloud.rows(
        f"SELECT line_number, reason, message, payload FROM `{cloud.names.bad_rows}`"
    ) == [(4, "field_number_mismatch", "131 tab-separated fields expected, found 1", "broken")]
    assert cloud.manifest() == {key: ("loaded", 4, 3, 1, 0, None)}
    assert cloud.object_names("staging/") == []  # staging cleaned after the commit
    jobs = cloud.job_ids()

    assert cloud.deliver("2026/10/01/a.tsv", generation) == 200
    [again] = log_lines(capsys)
    assert (again["outcome"], again["rows_loaded"], again["job_id"]) == (
        "skipped",
        3,
        entry["job_id"],
    )
    assert cloud.job_ids() == jobs  # a redelivery starts no job
    assert cloud.count(cloud.names.raw_events) == 3


def test_values_arrive_typed(cloud: Cloud) -> None:
    text = line(
        1, br_cookies="0", tr_total="12.345", collector_tstamp="2026-10-01 12:00:00.1234567"
    )
    cloud.deliver("typed.tsv", cloud.upload("typed.tsv", (text + "\n").encode()))
    [row] = cloud.rows(
        "SELECT collector_tstamp, domain_sessionidx, geo_latitude, br_cookies, br_features_pdf, "
        "tr_total, JSON_VALUE(contexts, '$.data[0].data.id'), load_file_key LIKE 'gs://%#%' "
        f"FROM `{cloud.names.raw_events}`"
    )
    assert row == (
        datetime(2026, 10, 1, 12, 0, 0, 123456, tzinfo=UTC),
        3,
        51.5,
        False,
        True,
        Decimal("12.35"),
        "00000000-0000-0000-0000-000000000001",
        True,
    )


@pytest.mark.parametrize(
    ("name", "outcome", "severity"),
    [
        ("staging/x/y.ndjson", "ignored", "INFO"),
        ("quarantine/1/a.tsv", "ignored", "INFO"),
        (temporary_name(datetime(2026, 10, 1, 13)), "ignored", "INFO"),
        ("enriched/2026/10/01/13/notes.txt", "unmatched", "WARNING"),
    ],
)
def test_objects_that_are_not_landing_files_are_ignored_or_warned_about(
    cloud: Cloud, capsys: pytest.CaptureFixture[str], name: str, outcome: str, severity: str
) -> None:
    assert cloud.deliver(name, cloud.upload(name, b"x\ty\n")) == 200
    [entry] = log_lines(capsys)
    assert (entry["outcome"], entry["severity"]) == (outcome, severity)
    assert cloud.job_ids() == [] and cloud.manifest() == {}


def test_gcs_loader_output_loads_with_the_default_settings_and_other_names_when_configured(
    cloud: Cloud, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    """Plain .txt shards, several shards and .TSV.GZ are test_names.py's (same rule, fast)."""
    name = shard_name(datetime(2026, 10, 1, 13, 25), 1, 3, 4, late=True, last=True, gzip=True)
    generation = cloud.upload(name, gzip.compress(("\n".join(lines(2)) + "\n").encode()))
    assert cloud.deliver(name, generation) == 200
    assert [(e["outcome"], e["rows_loaded"]) for e in log_lines(capsys)] == [("loaded", 2)]

    # Other names load once configured: no suffix, as a GCS Loader set without one writes.
    monkeypatch.setenv("SNOWPLOW_NAME_PATTERNS", "output-*-of-*")
    entry.reset()
    name = "enriched/2026/10/01/13/output-w-pane-0-last-00000-of-00001"
    generation = cloud.upload(name, ("\n".join(lines(2, start=10)) + "\n").encode())
    assert cloud.deliver(name, generation) == 200
    assert [e["outcome"] for e in log_lines(capsys)] == ["loaded"]
    assert cloud.count(cloud.names.raw_events) == 4


def test_events_older_than_the_limit_are_dropped_with_an_error_line(
    cloud: Cloud, capsys: pytest.CaptureFixture[str]
) -> None:
    generation = cloud.upload("old.tsv", (line(1) + "\n").encode())
    assert cloud.deliver("old.tsv", generation, time=datetime.now(UTC) - timedelta(days=2)) == 200
    [entry] = log_lines(capsys)
    assert (entry["severity"], entry["outcome"]) == ("ERROR", "too_old")
    assert "reconcile" in entry["reason"] and cloud.job_ids() == []


def test_a_deleted_object_is_skipped(cloud: Cloud, capsys: pytest.CaptureFixture[str]) -> None:
    generation = cloud.upload("gone.tsv", (line(1) + "\n").encode())
    cloud.storage.bucket(cloud.bucket).blob("gone.tsv").delete()
    assert cloud.deliver("gone.tsv", generation) == 200
    assert log_lines(capsys)[0]["outcome"] == "gone"


def test_a_storage_5xx_asks_for_a_retry_which_then_loads(
    cloud: Cloud, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    generation = cloud.upload("flaky.tsv", (line(1) + "\n").encode())
    real = storage.Bucket.get_blob
    failures = iter([ServiceUnavailable("GCS is having a moment")])  # type: ignore[no-untyped-call]

    def flaky(bucket: storage.Bucket, *args: Any, **kwargs: Any) -> Any:
        for error in failures:
            raise error
        return real(bucket, *args, **kwargs)

    monkeypatch.setattr(storage.Bucket, "get_blob", flaky)
    assert cloud.deliver("flaky.tsv", generation) == 500
    assert [e["outcome"] for e in log_lines(capsys)] == ["retry"]
    assert cloud.deliver("flaky.tsv", generation) == 200
    assert cloud.count(cloud.names.raw_events) == 1


def test_a_permanent_job_failure_is_recorded_and_acknowledged(
    cloud: Cloud, capsys: pytest.CaptureFixture[str]
) -> None:
    cloud.bigquery.delete_table(cloud.names.raw_events)  # a deployment mistake
    generation = cloud.upload("lost.tsv", (line(1) + "\n").encode())
    assert cloud.deliver("lost.tsv", generation) == 200
    [entry] = log_lines(capsys)
    assert (entry["severity"], entry["outcome"]) == ("ERROR", "failed")
    [(status, *_, reason)] = cloud.manifest().values()
    assert status == "failed" and "PermanentJobError" in reason
    assert cloud.deliver("lost.tsv", generation) == 200  # recorded once: no retry storm
    assert log_lines(capsys)[0]["outcome"] == "skipped"


def test_an_event_that_is_not_a_finalize_is_acknowledged(
    cloud: Cloud, capsys: pytest.CaptureFixture[str]
) -> None:
    from cloudevents.conversion import to_binary
    from cloudevents.http import CloudEvent

    event = CloudEvent({"type": "google.cloud.storage.object.v1.deleted", "source": "//x"}, {})
    headers, body = to_binary(event)
    assert cloud.app.test_client().post("/", headers=headers, data=body).status_code == 200
    [entry] = log_lines(capsys)
    assert (entry["severity"], entry["outcome"]) == ("ERROR", "bad_event")


def test_unreadable_files_are_copied_to_the_quarantine_bucket(
    cloud: Cloud, monkeypatch: pytest.MonkeyPatch
) -> None:
    quarantine = f"{cloud.bucket}-quarantine"
    cloud.storage.create_bucket(quarantine)
    monkeypatch.setenv("SNOWPLOW_QUARANTINE_BUCKET", quarantine)
    entry.reset()  # the next event reads the settings again
    generation = cloud.upload("binary.tsv", bytes(range(256)) * 64)
    assert cloud.deliver("binary.tsv", generation) == 200
    [(status, *_, reason)] = cloud.manifest().values()
    copy = f"quarantine/{generation}/binary.tsv"
    assert status == "quarantined" and f"gs://{quarantine}/{copy}" in reason
    assert [b.name for b in cloud.storage.list_blobs(quarantine)] == [copy]
    assert cloud.object_names("quarantine/") == []

"""Overload delays files but never fails them, and reconcile loads what events missed.

One scenario, two claims, so the suite loads 60 files instead of 100: 50 files are
delivered while 30% of load and commit jobs fail as an overloaded BigQuery fails
them; 10 more never get an event, and reconcile (the deployed HTTP entry point)
loads exactly those.
"""

from concurrent.futures import ThreadPoolExecutor
from datetime import UTC, datetime
from pathlib import Path

import pytest
from flask.testing import FlaskClient
from functions_framework import create_app
from snowplow_loader.cloud import entry
from snowplow_loader.cloud.reconcile import reconcile

from tests.cloud_function.checks import (
    assert_no_duplicate_events,
    deliver_until_acknowledged,
    log_lines,
    small_file,
    steps,
)
from tests.cloud_function.harness import Cloud
from tests.cloud_function.lookups import lookups_per_delivery
from tests.support.bigquery_faults import overloaded

FUNCTIONS = Path(__file__).parents[2] / "functions"
MOST_LOOKUPS = 12  # per delivery: each chain costs at most 4 (cloud/jobs.py), plus a 409


@pytest.fixture
def reconcile_http(cloud: Cloud, monkeypatch: pytest.MonkeyPatch) -> FlaskClient:
    """The function's ``reconcile`` entry point, as Cloud Scheduler calls it (min age 0)."""
    monkeypatch.setenv("SNOWPLOW_LANDING_BUCKET", cloud.bucket)
    monkeypatch.setenv("SNOWPLOW_RECONCILE_MIN_AGE_SECONDS", "0")
    app = create_app(  # type: ignore[no-untyped-call]
        target="reconcile", source=str(FUNCTIONS / "main.py"), signature_type="http"
    )
    client: FlaskClient = app.test_client()
    return client


@pytest.mark.slow
def test_overloaded_jobs_are_retried_until_loaded_and_reconcile_loads_the_missed_files(
    cloud: Cloud, reconcile_http: FlaskClient, capsys: pytest.CaptureFixture[str]
) -> None:
    folder = f"{datetime.now(UTC):%Y/%m/%d/%H}"  # the hourly folders reconcile lists
    files = {f"{folder}/part-{i:02}.tsv": small_file(i, rows=1) for i in range(60)}
    generations = {name: cloud.upload(name, data) for name, data in files.items()}
    missed = set(list(files)[::6])  # 10 files whose event never comes
    delivered = [name for name in files if name not in missed]
    with (
        overloaded(0.3, seed=3) as injected,
        lookups_per_delivery(cloud) as lookups,
        ThreadPoolExecutor(max_workers=4) as pool,
    ):
        statuses = list(
            pool.map(
                lambda name: deliver_until_acknowledged(cloud, name, generations[name], most=30),
                delivered,
            )
        )
    # Overload: all 50 loaded once, none failed; each overloaded job cost one redelivery.
    assert len(delivered) == 50 and all(seen[-1] == 200 for seen in statuses)
    # Job look-ups per delivery stay few whatever the attempt (they grew with each one).
    assert len(lookups) == sum(map(len, statuses)) and max(lookups) <= MOST_LOOKUPS
    assert injected["resourcesExceeded"] > 0 and injected["rateLimitExceeded"] > 0
    retries = sum(len(seen) - 1 for seen in statuses)
    assert retries == sum(injected.values())
    assert_no_duplicate_events(cloud, 50)
    manifest = cloud.manifest()
    assert len(manifest) == 50 and {row[0] for row in manifest.values()} == {"loaded"}
    jobs = steps(cloud)
    assert jobs["fail"] == 0 and jobs["load"] + jobs["commit"] == 100 + retries

    # Reconcile: exactly the 10 files without an event, then nothing.
    assert reconcile(cloud.loader(), cloud.bucket, min_age_seconds=3600) == []  # too young
    entry.reset()  # the next request reads SNOWPLOW_LANDING_BUCKET and the min age
    capsys.readouterr()
    response = reconcile_http.post("/")
    assert (response.status_code, response.get_json()) == (200, {"loaded": 10, "healthy": 1})
    loaded = {line["file_key"] for line in log_lines(capsys) if line["outcome"] == "loaded"}
    assert loaded == {cloud.key(name, generations[name]) for name in missed}
    assert_no_duplicate_events(cloud, 60)
    before = sorted(cloud.job_ids())
    again = reconcile_http.post("/")
    assert (again.status_code, again.get_json()) == (200, {"healthy": 1})
    assert log_lines(capsys) == [] and sorted(cloud.job_ids()) == before

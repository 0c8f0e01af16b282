"""Fixtures: emulators for the session, and per test a bucket, a dataset and the function.

The function runs exactly as deployed: ``functions/main.py`` loaded by
functions-framework's ``create_app`` and called through its test client with real
CloudEvents, talking to the emulators through the official Google clients.
"""

import uuid
from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.cloud_function.harness import Cloud
from tests.emulators import Emulators


@pytest.fixture
def cloud(emulators: Emulators, monkeypatch: pytest.MonkeyPatch) -> Iterator[Cloud]:
    """A fresh bucket and dataset, SNOWPLOW_* settings pointing at them, and the function."""
    suffix = uuid.uuid4().hex[:10]
    settings = {
        "STORAGE_EMULATOR_HOST": emulators.storage_host,
        "SNOWPLOW_BIGQUERY_ENDPOINT": emulators.bigquery_url,
        "SNOWPLOW_PROJECT": emulators.project,
        "SNOWPLOW_DATASET": f"snowplow_{suffix}",
        "SNOWPLOW_STAGING_DATASET": f"staging_{suffix}",
        "SNOWPLOW_JOB_PREFIX": f"t{suffix}",
        "SNOWPLOW_JOB_WAIT_SECONDS": "60",
    }
    for name, value in settings.items():
        monkeypatch.setenv(name, value)
    harness = Cloud.start(f"landing-{suffix}", Path(__file__).parents[2] / "functions" / "main.py")
    yield harness
    harness.close()

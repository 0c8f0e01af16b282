"""The entry module stays light (cold starts; `make bench` times them) and reports a bad
deployment clearly."""

import json
import subprocess
import sys
from pathlib import Path

import pytest
from snowplow_loader.cloud import entry
from snowplow_loader.cloud.config import ConfigError

FUNCTIONS = Path(__file__).parents[2] / "functions"
HEAVY = (
    "google.cloud.bigquery",
    "google.cloud.storage",
    "duckdb",
    "pydantic",
    "snowplow_loader.cloud.clients",
    "snowplow_loader.cloud.handler",
    "snowplow_loader.cloud.config",
)


def test_importing_the_function_loads_no_client_library() -> None:
    code = (
        f"import sys, json; sys.path.insert(0, {str(FUNCTIONS)!r}); import main; "
        f"print(json.dumps([m for m in {list(HEAVY)!r} if m in sys.modules]))"
    )
    found = subprocess.run([sys.executable, "-c", code], check=True, capture_output=True, text=True)
    assert json.loads(found.stdout) == []


def test_a_misconfigured_deployment_says_what_to_fix(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.delenv("SNOWPLOW_DATASET", raising=False)
    entry.reset()
    with pytest.raises(ConfigError):
        entry.handle(object())  # type: ignore[arg-type]
    line = json.loads(capsys.readouterr().out)
    assert line["severity"] == "CRITICAL" and "SNOWPLOW_DATASET is required" in line["message"]
    entry.reset()

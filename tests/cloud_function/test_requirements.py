"""The function's requirements.txt is exactly what the workspace lock exports today."""

import importlib.util
import subprocess
from pathlib import Path

import pytest

SCRIPT = Path(__file__).parents[2] / "functions" / "export_requirements.py"


def _exporter() -> object:
    spec = importlib.util.spec_from_file_location("export_requirements", SCRIPT)
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def test_requirements_match_the_lock() -> None:
    exporter = _exporter()
    try:
        expected = exporter.exported()  # type: ignore[attr-defined]
    except (FileNotFoundError, subprocess.CalledProcessError) as error:
        pytest.fail(f"uv could not export the lock ({error}); `make setup` installs uv")
    current = exporter.REQUIREMENTS.read_text()  # type: ignore[attr-defined]
    assert current == expected, "run `python functions/export_requirements.py` and commit"


def test_the_function_gets_its_clients_and_not_the_emulators() -> None:
    text = (SCRIPT.parent / "requirements.txt").read_text()
    pinned = {line.split("==")[0] for line in text.splitlines() if "==" in line}
    assert {"google-cloud-bigquery", "google-cloud-storage", "functions-framework"} <= pinned
    assert not {"local-bigquery", "gcp-storage-emulator", "pytest"} & pinned

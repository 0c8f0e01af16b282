"""The loader function's infra settings point at code that exists and fit its runtime."""

import ast
from pathlib import Path

from snowplow_infra.loader_function import LOADER_FUNCTION
from snowplow_loader.cloud import deploy
from snowplow_loader.cloud.events import FINALIZED

ROOT = Path(__file__).resolve().parents[2]


def test_entry_point_is_a_function_of_main_py() -> None:
    main = ROOT / LOADER_FUNCTION.source_dir / "main.py"
    functions = {
        node.name for node in ast.parse(main.read_text()).body if isinstance(node, ast.FunctionDef)
    }
    assert LOADER_FUNCTION.entry_point in functions
    assert (main.parent / "requirements.txt").exists()


def test_runtime_is_the_workspace_python() -> None:
    major, minor = (ROOT / ".python-version").read_text().strip().split(".")[:2]
    assert LOADER_FUNCTION.runtime == f"python{major}{minor}"


def test_trigger_and_limits_are_the_loaders() -> None:
    assert LOADER_FUNCTION.event_type == FINALIZED
    # the function waits for jobs no longer than it may live, and one file has one instance
    assert deploy.JOB_WAIT_SECONDS < LOADER_FUNCTION.timeout_seconds <= 540
    assert LOADER_FUNCTION.max_instance_request_concurrency == 1

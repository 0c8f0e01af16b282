"""The deployed bundle: only main.py, requirements.txt and the cloud path, and it runs
without the embedded engine (DuckDB is not in the function's requirements)."""

import json
import os
import subprocess
import sys
from pathlib import Path

from snowplow_loader.cloud import bundle

from tests.cloud_function.checks import small_file
from tests.cloud_function.harness import Cloud

FUNCTIONS = Path(__file__).parents[2] / "functions"


def test_the_bundle_handles_an_event_with_duckdb_unimportable(cloud: Cloud, tmp_path: Path) -> None:
    bundle.copy_to(tmp_path)
    assert not {"duckdb_sql.py", "embedded.py", "cli.py"} & {p.name for p in tmp_path.rglob("*")}
    name = "2026/10/06/bundle.tsv"
    generation = cloud.upload(name, small_file(7))
    event = cloud.event(name, generation)
    code = f"""
import json, sys
sys.modules["duckdb"] = None  # any `import duckdb` now raises ImportError
sys.path = [{str(tmp_path)!r}] + [p for p in sys.path if not p.startswith({str(FUNCTIONS)!r})]
import main, snowplow_loader
assert snowplow_loader.__file__.startswith({str(tmp_path)!r}), snowplow_loader.__file__
from cloudevents.http import CloudEvent
main.load_object(CloudEvent(json.loads(sys.argv[1]), json.loads(sys.argv[2])))
print(json.dumps(sorted(m for m in sys.modules if m.startswith(("snowplow", "duckdb")))))
"""
    attributes = {key: event[key] for key in ("type", "source", "subject", "id", "time")}
    done = subprocess.run(
        [sys.executable, "-c", code, json.dumps(attributes), json.dumps(event.data)],
        capture_output=True,
        text=True,
        env=dict(os.environ),
        cwd=tmp_path,
        check=False,
    )
    assert done.returncode == 0, done.stderr
    *log, modules = done.stdout.strip().splitlines()
    assert json.loads(log[-1])["outcome"] == "loaded"
    assert "snowplow_loader.duckdb_sql" not in json.loads(modules)
    assert cloud.count(cloud.names.raw_events) == 3

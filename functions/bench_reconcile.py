"""Reconcile benchmark (`make bench`): bounded memory and time on buckets of 100 k to 1 M objects.

The listing is faked at the Cloud Storage client's boundary (``tests/support/fake_listing.py``:
objects computed from their index, 10 a minute in hourly folders); the manifest is real,
in the BigQuery emulator, with a row for every object but the first of each hour (its
event was missed). Each size runs in a fresh process: three scheduled runs an hour
apart, each with a time budget its loads overrun (a load is stubbed at 50 ms, so the
backlog of the first run cannot finish), and we record

- the peak RSS of the process (target: flat, 1 M within 1.2x of 100 k), and
- whether every run loaded the newest hour's missed file (target: every run).

The first run of the old reconcile read every manifest row and listed the whole
bucket: its memory grew with the bucket (out of memory at about 1.1 M files in 512 MiB).
"""

import argparse
import json
import subprocess
import sys
import tempfile
import time
from datetime import timedelta
from pathlib import Path
from typing import TYPE_CHECKING

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))  # the emulators and the fake listing are the tests' support code

if TYPE_CHECKING:
    from tests.emulators import Emulators

TABLE = "Reconcile: bounded memory and time"
COMMAND = "python functions/bench_reconcile.py"
RUNS = 3
BUDGET_SECONDS = 2.0
LOAD_SECONDS = 0.05


def _peak_kib() -> int:
    """This process's peak RSS (VmHWM) since ``_reset_peak``."""
    status = Path("/proc/self/status").read_text()
    return int(next(line for line in status.splitlines() if line.startswith("VmHWM")).split()[1])


def _reset_peak() -> None:
    """Forget the peak inherited at fork: the parent holds the emulator and its 1 M rows,
    and Linux keeps a forked child's peak RSS across exec (ru_maxrss would report the
    parent's size)."""
    Path("/proc/self/clear_refs").write_text("5")


def _child(objects: int, bigquery_url: str, project: str, dataset: str) -> None:
    _reset_peak()
    from google.auth.credentials import AnonymousCredentials
    from google.cloud import bigquery
    from snowplow_loader.cloud import reconcile, tables
    from snowplow_loader.cloud.config import Config
    from snowplow_loader.cloud.events import ObjectEvent
    from snowplow_loader.cloud.handler import CloudLoader, Report
    from snowplow_loader.results import FileStatus

    from tests.support.fake_listing import PER_HOUR, START, FakeListing, name_of

    settings = {
        "SNOWPLOW_DATASET": dataset,
        "SNOWPLOW_PROJECT": project,
        "SNOWPLOW_LOCATION": "US",
        "SNOWPLOW_BIGQUERY_ENDPOINT": bigquery_url,
    }
    config = Config.from_env(settings)
    client = bigquery.Client(
        project=project,
        credentials=AnonymousCredentials(),  # type: ignore[no-untyped-call]
        client_options={"api_endpoint": bigquery_url},
    )
    listing = FakeListing(objects)
    loader = CloudLoader(config, client, listing)
    loaded: list[str] = []

    def load(event: ObjectEvent) -> Report:
        time.sleep(LOAD_SECONDS)
        loaded.append(event.name)
        return Report(FileStatus.LOADED, event.key)

    now = START + timedelta(hours=objects // PER_HOUR, minutes=30)
    runs = []
    for _ in range(RUNS):
        loaded.clear()
        started = time.perf_counter()
        reconcile.windowed(loader, "landing", BUDGET_SECONDS, now, load)
        newest = (now - timedelta(hours=1) - START).total_seconds() // 3600 * PER_HOUR
        runs.append(
            {
                "seconds": time.perf_counter() - started,
                "loads": len(loaded),
                "newest": name_of(int(newest)) in loaded,
                "listed": len(listing.prefixes),
            }
        )
        listing.prefixes.clear()
        now += timedelta(hours=1)
        listing.objects += PER_HOUR
    assert tables.names(config, project).manifest  # the real manifest was the one read
    peak_mib = _peak_kib() / 1024
    print(json.dumps({"peak_mib": peak_mib, "runs": runs}))


def _measure(objects: int, emulators: "Emulators") -> dict[str, object]:
    from snowplow_loader.cloud import tables
    from snowplow_loader.cloud.config import Config

    from tests.support.fake_listing import PER_HOUR, fill_manifest

    dataset = f"bench_{objects}"
    project = emulators.project
    client = emulators.bigquery()
    config = Config.from_env({"SNOWPLOW_DATASET": dataset, "SNOWPLOW_PROJECT": project})
    tables.ensure(client, config, project)
    manifest = tables.names(config, project).manifest
    fill_manifest(client, manifest, objects + RUNS * PER_HOUR, "landing")  # rows of later runs too
    url = emulators.bigquery_url
    child = subprocess.run(
        [sys.executable, __file__, "--child", str(objects), url, project, dataset],
        capture_output=True,
        text=True,
    )
    if child.returncode:
        raise SystemExit(f"{objects:,} objects: the measuring process failed:\n{child.stderr}")
    output = child.stdout
    result: dict[str, object] = json.loads(output.splitlines()[-1])
    return result


def main() -> None:
    from snowplow_sample.benchmarks import Figure, record

    from tests.emulators import running

    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", default="100000,1000000", help="bucket sizes, comma-separated")
    sizes = [int(size) for size in parser.parse_args().sizes.split(",")]
    results = {}
    with tempfile.TemporaryDirectory() as folder, running(Path(folder)) as emulators:
        for objects in sizes:
            results[objects] = _measure(objects, emulators)
    for objects, result in results.items():
        runs: list[dict[str, object]] = result["runs"]  # type: ignore[assignment]
        reached = sum(bool(run["newest"]) for run in runs)
        seconds = max(float(str(run["seconds"])) for run in runs)
        record(
            Figure(
                TABLE, COMMAND, f"{objects:,} objects: peak RSS", f"{result['peak_mib']:.0f} MiB"
            )
        )
        record(
            Figure(
                TABLE,
                COMMAND,
                f"{objects:,} objects: runs reaching the newest hour",
                f"{reached} of {len(runs)} (longest {seconds:.1f} s for a {BUDGET_SECONDS:.0f} s "
                "budget: the day of folders in hand is listed to its end)",
                "every run",
                reached == len(runs),
            )
        )
    small, large = min(results), max(results)
    ratio = float(str(results[large]["peak_mib"])) / float(str(results[small]["peak_mib"]))
    record(
        Figure(
            TABLE,
            COMMAND,
            f"peak RSS, {large:,} / {small:,} objects",
            f"{ratio:.2f}x",
            "<= 1.2x (flat)",
            ratio <= 1.2,
        )
    )


if __name__ == "__main__":
    if len(sys.argv) > 1 and sys.argv[1] == "--child":
        _child(int(sys.argv[2]), sys.argv[3], sys.argv[4], sys.argv[5])
    else:
        main()

"""Cloud Function benchmark (`make bench`): the figures behind its deployment settings.

1. Cold import of ``main.py`` from the deployed bundle (``snowplow_loader.cloud.bundle``,
   DuckDB unimportable, as in the function) in a fresh interpreter (target < 1 s), and
   what the first event adds (the settings and the Google clients, imported lazily).
2. The stager's throughput and peak memory on generated enriched files, plain and
   gzip, in a child process that also holds the Google clients, as an instance does.
3. From these and ``snowplow_loader.cloud.deploy``: the largest file one invocation
   can stage and load within the 540 s limit, and the memory it needs.
4. The per-file cost model (``snowplow_loader.bigquery_cost``): bytes billed by the
   commit script before and after its reduction, for a small and a large file.
Each measurement runs in its own process, so imports and RSS do not leak between them.
Every figure is recorded with ``snowplow_sample.benchmarks.record``; ``make bench``
renders them into BENCHMARKS.md.
"""

import argparse
import gzip
import json
import resource
import shutil
import statistics
import subprocess
import sys
import time
from pathlib import Path

from snowplow_sample.benchmarks import Figure, record

HERE = Path(__file__).resolve().parent
BENCH_DIR = Path(".data/bench")
MIB = 1024**2
ONLY_BUNDLE = (
    "import sys, time; sys.modules['duckdb'] = None; "
    f"sys.path = [{{here!r}}] + [p for p in sys.path if p != {str(HERE)!r}]; "
)
COLD_IMPORT = ONLY_BUNDLE + (
    "started = time.perf_counter(); import main; print(time.perf_counter() - started)"
)
FIRST_EVENT = ONLY_BUNDLE + (
    "import main; started = time.perf_counter(); "
    "from snowplow_loader.cloud.config import Config; "
    "Config.from_env({{'SNOWPLOW_DATASET': 'd'}}); "
    "import snowplow_loader.cloud.clients; from google.cloud import bigquery, storage; "
    "print(time.perf_counter() - started)"
)


def _seconds(code: str, runs: int, here: Path = HERE) -> list[float]:
    """Seconds printed by ``code``, each run in a fresh interpreter."""
    return [
        float(
            subprocess.run(
                [sys.executable, "-c", code.format(here=str(here))],
                check=True,
                capture_output=True,
                text=True,
            ).stdout
        )
        for _ in range(runs)
    ]


def _bundle() -> Path:
    """The deployed files, copied where nothing else of this folder is importable."""
    from snowplow_loader.cloud import bundle

    target = BENCH_DIR / "bundle"
    shutil.rmtree(target, ignore_errors=True)
    bundle.copy_to(target)
    return target.resolve()


def _child(path: Path) -> None:
    """Stage one file to nowhere with the clients loaded; print seconds, sizes and peak RSS."""
    sys.path.insert(0, str(HERE))
    from google.cloud import bigquery, storage  # noqa: F401  # loaded, as in an instance
    from snowplow_loader.cloud.stager import Stager

    class Discard:
        def write(self, data: bytes, /) -> int:
            return len(data)

    stager = Stager(path.name.endswith(".gz"), Discard())
    started = time.perf_counter()
    with path.open("rb") as handle:
        while chunk := handle.read(8192):  # the size a GCS download hands over
            stager.write(chunk)
    staged = stager.finish()
    seconds = time.perf_counter() - started
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss * 1024
    print(json.dumps([seconds, stager.bytes_text, staged.bytes_out, staged.rows, peak]))


def _stage(path: Path) -> tuple[float, int, int, int, int]:
    command = [sys.executable, __file__, "--child", str(path)]
    output = subprocess.run(command, check=True, capture_output=True, text=True).stdout
    seconds, text, out, rows, peak = json.loads(output)
    return seconds, text, out, rows, peak


def _files(events: int) -> list[Path]:
    from snowplow_sample.generate import generate

    plain = BENCH_DIR / f"cloud-{events}.tsv"
    packed = plain.with_name(plain.name + ".gz")
    if not plain.exists():
        BENCH_DIR.mkdir(parents=True, exist_ok=True)
        generate(plain, events, seed=3)
    if not packed.exists():
        with plain.open("rb") as source, gzip.open(packed, "wb", compresslevel=6) as target:
            shutil.copyfileobj(source, target)
    return [plain, packed]


TABLE_DEPLOY = "Cloud Function: deployment figures"
TABLE_COST = "Cloud Function: bytes billed per file on BigQuery (on demand, cost model)"
COMMAND = "python functions/bench_cloud.py"


def _cost(plain: Path, small_events: int = 1_000) -> None:
    """The cost model's figures (``bigquery_cost``) for a small file and the large one."""
    from snowplow_loader import bigquery_cost as cost

    with plain.open("rb") as handle:
        lines = handle.read().splitlines()
    for label, shape in (
        (f"{small_events:,}-event file", cost.FileShape.of(lines[:small_events])),
        (f"{len(lines):,}-event file", cost.FileShape.of(lines)),
    ):
        before, after, target = (
            cost.billed(cost.BEFORE, shape),
            cost.billed(cost.COMMIT, shape),
            cost.target(shape),
        )
        text = shape.text / cost.MB
        record(
            Figure(
                table=TABLE_COST,
                command=COMMAND,
                measurement=f"{label} ({text:,.1f} MiB of text): commit script before -> after",
                figure=f"{before / cost.MB:,.0f} MiB ({before / shape.text:.2f}x text) -> "
                f"{after / cost.MB:,.0f} MiB ({after / shape.text:.2f}x text)",
                target=f"<= 1.5x text + 30 MiB = {target / cost.MB:,.0f} MiB",
                met=after <= target,
            )
        )
    record(
        Figure(
            table=TABLE_COST,
            command=COMMAND,
            measurement="a file that loads nothing (empty, quarantined, failed): record script",
            figure=f"20 MiB -> {cost.billed(cost.RECORD, shape) / cost.MB:.0f} MiB",
        )
    )


def main() -> None:
    from snowplow_loader.cloud import deploy

    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--events", type=int, default=200_000)
    args = parser.parse_args()

    bundled = _bundle()
    files = [p for p in bundled.rglob("*") if p.is_file()]
    imports = _seconds(COLD_IMPORT, 7, bundled)
    first = _seconds(FIRST_EVENT, 3, bundled)
    size = sum(p.stat().st_size for p in files) / 1024
    record(
        Figure(
            table=TABLE_DEPLOY,
            command=COMMAND,
            measurement="deployed bundle (no DuckDB, no benchmarks)",
            figure=f"{len(files)} files, {size:.0f} KiB of source",
        )
    )
    record(
        Figure(
            table=TABLE_DEPLOY,
            command=COMMAND,
            measurement="cold import of main.py from the bundle",
            figure=f"median {statistics.median(imports):.2f} s, max {max(imports):.2f} s",
            target="< 1 s",
            met=max(imports) < 1.0,
        )
    )
    record(
        Figure(
            table=TABLE_DEPLOY,
            command=COMMAND,
            measurement="first event adds (settings, Google clients)",
            figure=f"median {statistics.median(first):.2f} s",
        )
    )
    slowest = float("inf")
    peaks = []
    paths = _files(args.events)
    for path in paths:
        seconds, text, out, rows, peak = _stage(path)
        rate = text / seconds / 1e6
        slowest = min(slowest, rate)
        peaks.append(peak)
        record(
            Figure(
                table=TABLE_DEPLOY,
                command=COMMAND,
                measurement=f"stager, {path.name} ({path.stat().st_size / MIB:,.0f} MiB in, "
                f"{text / MIB:,.0f} MiB text, {rows:,} rows)",
                figure=f"{rate:,.0f} MB/s of text, staging {out / text:.2f}x text, "
                f"peak RSS {peak / MIB:.0f} MiB",
            )
        )
    budget = deploy.TIMEOUT_SECONDS - deploy.BIGQUERY_BUDGET_SECONDS - deploy.MARGIN_SECONDS
    record(
        Figure(
            table=TABLE_DEPLOY,
            command=COMMAND,
            measurement=f"largest file one invocation stages ({budget} s at "
            f"{deploy.STAGE_MB_PER_S} MB/s, the assumed function vCPU rate)",
            figure=f"{budget * deploy.STAGE_MB_PER_S / 1000:.1f} GB (slowest rate here "
            f"{slowest:,.0f} MB/s, {slowest / deploy.STAGE_MB_PER_S:.1f}x the assumed one)",
            target=f">= MAX_FILE_BYTES = {deploy.MAX_FILE_BYTES / 1024**3:.0f} GiB",
            met=budget * deploy.STAGE_MB_PER_S * 1e6 >= deploy.MAX_FILE_BYTES,
        )
    )
    memory = int(deploy.MEMORY.removesuffix("Mi")) * MIB
    record(
        Figure(
            table=TABLE_DEPLOY,
            command=COMMAND,
            measurement="stager peak RSS, whatever the file size",
            figure=f"{max(peaks) / MIB:.0f} MiB",
            target=f"< deploy.MEMORY = {deploy.MEMORY}",
            met=max(peaks) < memory,
        )
    )
    _cost(paths[0])


if __name__ == "__main__":
    if len(sys.argv) > 2 and sys.argv[1] == "--child":
        _child(Path(sys.argv[2]))
    else:
        main()

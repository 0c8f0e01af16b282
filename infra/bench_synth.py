"""Synthesis time of every stack: as the app does it, and with the provider imported whole.

The app imports only the provider submodules it uses (``snowplow_infra.provider``);
the comparison imports ``cdktf_cdktf_provider_google`` first, which runs the package's
``__init__`` and its 1,470 submodule imports, then synthesizes the same app. Both run
in fresh processes, alternately, ROUNDS times each; the medians are compared (target:
the app's synthesis at most half the whole-package one) and the outputs must be equal.
Run by ``make bench``: ``uv run python infra/bench_synth.py``.
"""

import filecmp
import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from snowplow_sample.benchmarks import recorder

INFRA = Path(__file__).resolve().parent
ROUNDS = 3
TARGET = 0.5
SYNTH = """
import sys
{preload}
from cdktf import App
from snowplow_infra.app import build_app
from snowplow_infra.provider import loaded_resource_modules
build_app(App(outdir=sys.argv[1])).synth()
print(len(loaded_resource_modules()))
"""
VARIANTS = {
    "app (provider submodules on demand)": "",
    "provider package imported whole": "import cdktf_cdktf_provider_google",
}


def synth_once(preload: str, outdir: Path) -> tuple[float, int]:
    """Seconds for a fresh process to synthesize every stack, and provider modules loaded."""
    environment = {**os.environ, "JSII_SILENCE_WARNING_END_OF_LIFE_NODE_VERSION": "20"}
    started = time.perf_counter()
    done = subprocess.run(
        [sys.executable, "-c", SYNTH.format(preload=preload), str(outdir)],
        cwd=INFRA,
        env=environment,
        capture_output=True,
        text=True,
        check=True,
    )
    return time.perf_counter() - started, int(done.stdout.split()[-1])


def same_output(left: Path, right: Path) -> bool:
    """Every stack's Terraform JSON identical in both runs."""
    stacks = sorted(p.relative_to(left) for p in left.glob("stacks/*/cdk.tf.json"))
    return bool(stacks) and all(filecmp.cmp(left / s, right / s, shallow=False) for s in stacks)


def main() -> int:
    times: dict[str, list[float]] = {name: [] for name in VARIANTS}
    modules: dict[str, int] = {}
    with tempfile.TemporaryDirectory() as scratch:
        outdirs = {name: Path(scratch) / str(index) for index, name in enumerate(VARIANTS)}
        for _ in range(ROUNDS):
            for name, preload in VARIANTS.items():
                seconds, modules[name] = synth_once(preload, outdirs[name])
                times[name].append(seconds)
        identical = same_output(*outdirs.values())
    medians = {name: statistics.median(values) for name, values in times.items()}
    app, whole = medians.values()
    add = recorder(f"synthesis of every stack (median of {ROUNDS})", "python infra/bench_synth.py")
    for name, median in medians.items():
        runs = ", ".join(f"{t:.1f}" for t in times[name])
        add(name, f"{median:.1f} s ({runs}); {modules[name]} provider modules")
    add("app / whole", f"{app / whole:.2f}x", f"<= {TARGET}x", app <= TARGET * whole)
    add("same Terraform JSON", "yes" if identical else "NO")
    return 0 if identical else 1


if __name__ == "__main__":
    sys.exit(main())

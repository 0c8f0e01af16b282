"""The CDK Terrain comparison (infra/terrain.py) accepts only its listed differences: a
changed attribute, a missing resource or a stale expectation fails it. CI runs the real
CDK Terrain synthesis (infra/terrain.sh); here the comparison itself is checked."""

import copy
import importlib.util
import json
import sys
from pathlib import Path
from types import ModuleType

import pytest

from tests.support.synthesis import Stack, Synthesized

# every infra module reads the one synthesis of the stacks: one worker builds it
pytestmark = pytest.mark.xdist_group("infra-synth")

SCRIPT = Path(__file__).resolve().parents[2] / "infra" / "terrain.py"


def terrain() -> ModuleType:
    spec = importlib.util.spec_from_file_location("terrain", SCRIPT)
    assert spec and spec.loader
    module = importlib.util.module_from_spec(spec)
    sys.modules["terrain"] = module
    spec.loader.exec_module(module)
    return module


def write(folder: Path, stacks: dict[str, Stack]) -> Path:
    folder.mkdir()
    for name, stack in stacks.items():
        (folder / f"{name}.json").write_text(json.dumps(stack))
    return folder


def as_cdk_terrain(stacks: dict[str, Stack]) -> dict[str, Stack]:
    """What CDK Terrain writes for these stacks (provider releases moved, asset folder)."""
    moved = copy.deepcopy(stacks)
    for stack in moved.values():
        providers = stack["terraform"]["required_providers"]
        for name, version in (("google", "8.7.0"), ("google-beta", "8.7.0"), ("time", "0.14.2")):
            if name in providers:
                providers[name]["version"] = version
        if "google" in providers:
            providers["google"]["source"] = "hashicorp/google"
        for body in stack.get("resource", {}).get("google_storage_bucket_object", {}).values():
            folder, _, name = body["source"].rpartition("/")
            body["source"] = f"{folder}-other/{name}"
    return moved


def test_only_the_listed_differences_pass(synthesized: Synthesized, tmp_path: Path) -> None:
    module = terrain()
    cdktf = write(tmp_path / "cdktf", synthesized.stacks)
    assert module.compare(cdktf, write(tmp_path / "same", as_cdk_terrain(synthesized.stacks))) == []

    changed = as_cdk_terrain(synthesized.stacks)
    bucket = next(iter(changed["dev"]["resource"]["google_storage_bucket"].values()))
    bucket["location"] = "US"
    found = module.compare(cdktf, write(tmp_path / "changed", changed))
    assert len(found) == 1 and ".location: 'europe-west1' (cdktf) != 'US' (cdktn)" in found[0]

    missing = as_cdk_terrain(synthesized.stacks)
    del missing["prod"]["resource"]["google_cloud_run_v2_job"]
    found = module.compare(cdktf, write(tmp_path / "missing", missing))
    assert found == ["prod: resource.google_cloud_run_v2_job only in cdktf"]

    # identical syntheses: every expected difference is stale
    stale = module.compare(cdktf, write(tmp_path / "stale", synthesized.stacks))
    assert stale and all(line.startswith("expected difference no longer seen") for line in stale)

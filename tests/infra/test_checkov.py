"""checkov scans every synthesized stack: no failed check; skips only in .checkov.yaml."""

import json
import re
import subprocess
import sys
from pathlib import Path

import pytest

from tests.support.synthesis import Synthesized

# every infra module reads the one synthesis of the stacks: one worker builds it
pytestmark = pytest.mark.xdist_group("infra-synth")

ROOT = Path(__file__).resolve().parents[2]
CONFIG = ROOT / ".checkov.yaml"
CHECKOV = Path(sys.executable).parent / "checkov"


def test_every_stack_passes_checkov(synthesized: Synthesized) -> None:
    folder = next(iter(synthesized.files.values())).parents[1]
    scan = subprocess.run(
        [str(CHECKOV), "-d", str(folder), "--config-file", str(CONFIG), "-o", "json"],
        capture_output=True,
        text=True,
        check=False,
    )
    report = json.loads(scan.stdout)
    results = report["results"]
    failed = [
        f"{c['check_id']} {c['resource']} ({c['file_path']})" for c in results["failed_checks"]
    ]
    assert failed == [], "\n".join(failed)
    scanned = {Path(check["file_path"]).parent.name for check in results["passed_checks"]}
    assert scanned == set(synthesized.files), "checkov did not scan every stack"
    assert report["summary"]["passed"] > 100


SKIP = re.compile(r"^\s*-\s*(CKV\w+)")


def test_every_skip_has_a_written_reason() -> None:
    """Each skipped check (or its group of skips) sits right below a comment explaining it."""
    lines = CONFIG.read_text().splitlines()
    skips = [index for index, line in enumerate(lines) if SKIP.match(line)]
    assert skips, "no skipped checks: this test has nothing to check"
    for index in skips:
        above = index - 1
        while SKIP.match(lines[above]):
            above -= 1
        assert lines[above].strip().startswith("#"), f"{lines[index].strip()} has no reason"

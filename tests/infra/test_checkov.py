"""checkov scans every synthesized stack: it fails only the checks .checkov.yaml skips,
each with its reason there (infra/README.md links that file)."""

import json
import re
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest

from tests.support.synthesis import Synthesized

# every infra module reads the one synthesis of the stacks: one worker builds it
pytestmark = pytest.mark.xdist_group("infra-synth")

ROOT = Path(__file__).resolve().parents[2]
CONFIG = ROOT / ".checkov.yaml"
CHECKOV = Path(sys.executable).parent / "checkov"


def skipped_checks() -> set[str]:
    return {match[1] for line in CONFIG.read_text().splitlines() if (match := SKIP.match(line))}


def scan(synthesized: Synthesized, cwd: Path) -> dict[str, Any]:
    """checkov's JSON report on the folder of every stack synthesized, run from `cwd`."""
    folder = next(iter(synthesized.files.values())).parents[1]
    done = subprocess.run(
        [
            str(CHECKOV),
            "-d",
            str(folder),
            "--framework",
            "terraform_json",
            "--skip-download",
            "-o",
            "json",
        ],
        capture_output=True,
        text=True,
        check=False,
        cwd=cwd,
    )
    report: dict[str, Any] = json.loads(done.stdout)
    return report


def test_checkov_finds_exactly_the_skipped_checks(
    synthesized: Synthesized, existing_table: Synthesized, tmp_path: Path
) -> None:
    """Run from a folder with no skip file: what fails is exactly what .checkov.yaml skips
    (each with its reason), so no skip is stale and nothing else fails. The stack of an
    environment reading a BigQuery Loader table is in the same folder: it fails a subset."""
    report = scan(synthesized, tmp_path)
    results = report["results"]
    assert results["parsing_errors"] == []  # a file checkov cannot parse is not scanned
    failed = {check["check_id"] for check in results["failed_checks"]}
    assert failed == skipped_checks(), "\n".join(
        f"{c['check_id']} {c['resource']} ({c['file_path']})" for c in results["failed_checks"]
    )
    scanned = {Path(check["file_path"]).parent.name for check in results["passed_checks"]}
    assert scanned == set(synthesized.files) | set(existing_table.files), "a stack not scanned"
    assert report["summary"]["passed"] > 100
    (existing,) = existing_table.files
    passed = {
        c["resource"]
        for c in results["passed_checks"]
        if Path(c["file_path"]).parent.name == existing
    }
    resources = existing_table.stacks[existing]["resource"]
    for kind in ("google_storage_bucket", "google_bigquery_dataset"):
        assert {f"resource.{key}" for key in resources[kind]} <= passed, kind


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

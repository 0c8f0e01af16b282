"""The command line, and the committed sample being exactly what it documents."""

from pathlib import Path

import pytest
from snowplow_sample.cli import main

from tests.support.samples import read_lines

SAMPLE = Path(__file__).resolve().parents[2] / "sample_data" / "sample" / "events.tsv.gz"
# The command in sample_data/README.md, minus the output path.
SAMPLE_ARGS = ["--events", "2000", "--seed", "1", "--gzip"]


def test_the_committed_sample_is_what_the_documented_command_writes(tmp_path: Path) -> None:
    out = tmp_path / "events.tsv.gz"
    assert main([*SAMPLE_ARGS, "--out", str(out)]) == 0
    assert out.read_bytes() == SAMPLE.read_bytes()
    assert SAMPLE.stat().st_size < 300_000


def test_the_readme_documents_that_command() -> None:
    readme = (SAMPLE.parents[1] / "README.md").read_text()
    assert "snowplow-sample " + " ".join(SAMPLE_ARGS) in readme


def test_prints_one_summary_line(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["--events", "300", "--out", str(tmp_path / "e.tsv"), "--days", "2"]) == 0
    out = capsys.readouterr().out
    assert out.count("\n") == 1 and out.startswith("300 events in 1 file(s)")
    assert len(read_lines(tmp_path / "e.tsv")) == 300


def test_files_option_writes_a_folder_of_slices(tmp_path: Path) -> None:
    argv = ["--events", "900", "--files", "3", "--out", str(tmp_path / "parts"), "--gzip"]
    argv += ["--start", "2026-01-30", "--days", "3", "--no-awkward"]
    assert main(argv) == 0
    files = sorted((tmp_path / "parts").iterdir())
    assert [f.name for f in files] == [f"events-000{k}.tsv.gz" for k in (1, 2, 3)]
    lines = [line for f in files for line in read_lines(f)]
    assert len(lines) == 900
    assert all("\t2026-01-3" in line or "\t2026-02-01" in line for line in lines)


def test_bad_arguments_exit_non_zero(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["--events", "10", "--days", "0", "--out", str(tmp_path / "e.tsv")]) == 2
    assert "days" in capsys.readouterr().err
    assert main(["--events", "10", "--gzip", "--out", str(tmp_path / "e.tsv")]) == 2
    assert ".tsv.gz" in capsys.readouterr().err

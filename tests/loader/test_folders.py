"""A landing folder as people hand it over: same names in different folders, a file that
cannot be read in the middle, a folder with nothing to load."""

from pathlib import Path

import pytest
from snowplow_loader.cli import main

from tests.support.enriched import lines

GARBAGE = bytes(range(256)) * 64


def _good(start: int) -> str:
    return "\n".join(lines(3, start=start)) + "\n"


def _run(*args: str) -> int:
    return main([*args, "--quiet"])


def test_quarantined_files_with_one_name_keep_separate_copies(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    landing = tmp_path / "landing"
    for folder, tail in (("a", b"first"), ("b", b"second")):
        (landing / folder).mkdir(parents=True)
        (landing / folder / "day.tsv").write_bytes(GARBAGE + tail)
    (landing / "c.tsv").write_text(_good(1))

    assert _run(str(landing), "--db", str(tmp_path / "x.duckdb")) == 0
    out, err = capsys.readouterr()
    assert "1 loaded" in out and "2 quarantined" in out and "3 rows loaded, 0 bad" in out
    copies = sorted((tmp_path / "quarantine").glob("*/day.tsv"))
    assert sorted(c.read_bytes() for c in copies) == [GARBAGE + b"first", GARBAGE + b"second"]
    for copy in copies:
        assert f"(copy: {copy})" in err


def test_an_unreadable_file_is_reported_and_the_files_after_it_load(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    landing = tmp_path / "landing"
    landing.mkdir()
    (landing / "1.tsv").write_text(_good(1))
    # Every reader, root included, gets an I/O error from this file (a permission bit
    # would not stop root, who runs these tests in CI containers).
    (landing / "2.tsv").symlink_to("/proc/self/mem")
    (landing / "3.tsv").write_text(_good(10) + "broken\n")
    database = str(tmp_path / "x.duckdb")

    assert _run(str(landing), "--db", database) == 0
    out, err = capsys.readouterr()
    assert out.startswith("3 files (2 loaded, 0 already loaded, 0 empty, 0 quarantined, 1 failed)")
    assert "6 rows loaded, 1 bad rows" in out
    assert "could not read /proc/" in err and "Input/output error" in err and "run again" in err
    assert _run(str(landing), "--db", database, "--strict") == 1  # still failing: not recorded
    assert (
        "(0 loaded, 2 already loaded, 0 empty, 0 quarantined, 1 failed)" in capsys.readouterr().out
    )

    (landing / "2.tsv").unlink()
    (landing / "2.tsv").write_text(_good(20))  # fixed: the next run loads it
    assert _run(str(landing), "--db", database) == 0
    assert "(1 loaded, 2 already loaded" in capsys.readouterr().out


@pytest.mark.parametrize("strict", [False, True])
def test_a_folder_without_enriched_files_says_so(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], strict: bool
) -> None:
    landing = tmp_path / "landing"
    landing.mkdir()
    (landing / "notes.txt").write_text("no enriched file here")
    args = [str(landing), "--db", str(tmp_path / "x.duckdb")] + (["--strict"] if strict else [])
    assert _run(*args) == (1 if strict else 0)
    out, err = capsys.readouterr()
    assert f"no file named *.tsv, *.tsv.gz, output-*.txt, output-*.txt.gz in {landing}" in err
    assert "WARNING 1 files match no name pattern" in err  # notes.txt: reported, not dropped
    assert out.startswith("0 files")

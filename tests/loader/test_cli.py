"""The CLI's contract with people and scripts: summary line, exit codes, messages."""

import io
from pathlib import Path

import pytest
from snowplow_loader.cli import load_all, main
from snowplow_loader.embedded import EmbeddedLoader
from snowplow_loader.files import discover

from tests.support.enriched import lines


@pytest.fixture
def landing(tmp_path: Path) -> Path:
    folder = tmp_path / "landing"
    (folder / "2026" / "10").mkdir(parents=True)
    (folder / "2026" / "10" / "a.tsv").write_text("\n".join(lines(3)) + "\n")
    (folder / "b.tsv").write_text("\n".join([*lines(2, start=10), "broken"]) + "\n")
    (folder / "notes.txt").write_text("not an enriched file: ignored by suffix")
    return folder


def test_loads_a_folder_and_prints_one_summary_line(
    tmp_path: Path, landing: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert main([str(landing), "--db", str(tmp_path / "x.duckdb"), "--quiet"]) == 0
    out, err = capsys.readouterr()
    assert out.startswith(
        "2 files (2 loaded, 0 already loaded, 0 empty, 0 quarantined, 0 failed): "
    )
    assert "5 rows loaded, 1 bad rows in " in out and out.count("\n") == 1
    assert "raw_events_bad_rows" in err


def test_second_run_is_a_no_op(
    tmp_path: Path, landing: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    args = [str(landing), "--db", str(tmp_path / "x.duckdb"), "--quiet"]
    main(args)
    capsys.readouterr()
    assert main(args) == 0
    assert "(0 loaded, 2 already loaded" in capsys.readouterr().out


def test_strict_fails_on_bad_rows_only(tmp_path: Path, landing: Path) -> None:
    database = str(tmp_path / "x.duckdb")
    assert main([str(landing / "2026"), "--db", database, "--strict", "--quiet"]) == 0
    assert main([str(landing / "b.tsv"), "--db", database, "--strict", "--quiet"]) == 1


def test_unreadable_path_is_a_fault_with_advice(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert main([str(tmp_path / "missing"), "--db", str(tmp_path / "x.duckdb")]) == 2
    err = capsys.readouterr().err
    assert "missing: no such file or folder" in err and "run the same command again" in err


def test_quarantined_files_are_named_with_their_reason(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    (tmp_path / "junk.tsv").write_bytes(bytes(range(256)) * 10)
    assert main([str(tmp_path / "junk.tsv"), "--db", str(tmp_path / "x.duckdb"), "--quiet"]) == 0
    out, err = capsys.readouterr()
    assert "1 quarantined" in out and "junk.tsv" in err and "not text" in err
    [copy] = (tmp_path / "quarantine").glob("*/junk.tsv")
    assert f"(copy: {copy})" in err


def test_a_full_disk_is_a_fault_with_advice(
    landing: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    # Writes to /dev/full fail with ENOSPC, as on a full disk.
    assert main([str(landing), "--db", "/dev/full", "--quiet"]) == 2
    err = capsys.readouterr().err
    assert "No space left on device" in err and "free disk space" in err


def test_progress_bar_follows_bytes(tmp_path: Path, landing: Path) -> None:
    stream = io.StringIO()
    files = discover([landing])
    with EmbeddedLoader(tmp_path / "x.duckdb") as loader:
        summary = load_all(loader, files, progress=stream)
    assert summary.rows_loaded == 5
    final = stream.getvalue().split("\r")[-1]
    total = sum(f.size for f in files)
    assert f"{total}/{total}" in final.replace("B", "").replace(" ", "")

"""Snowplow's own GCS Loader output loads with the default settings; other names load
when configured; a file no pattern accepts is reported, never dropped in silence."""

import gzip
from datetime import datetime
from pathlib import Path

import pytest
from snowplow_loader.cli import main
from snowplow_loader.files import discover_all
from snowplow_loader.names import NameRule, Verdict, parse_patterns

from tests.support.enriched import lines
from tests.support.gcs_loader_names import shard_name, temporary_name

START = datetime(2026, 10, 1, 13, 25)


def _text(start: int) -> bytes:
    return ("\n".join(lines(2, start=start)) + "\n").encode()


@pytest.mark.parametrize(
    ("path", "verdict"),
    [
        (shard_name(START, 0, 0, 4, last=True), Verdict.ENRICHED),
        (shard_name(START, 1, 3, 4, late=True), Verdict.ENRICHED),
        (shard_name(START, 2, 1, 4, late=True, last=True, gzip=True), Verdict.ENRICHED),
        ("2026/10/01/part-0007.tsv.gz", Verdict.ENRICHED),
        ("2026/10/01/PART-0007.TSV.GZ", Verdict.ENRICHED),
        ("enriched/2026/10/01/13/OUTPUT-X.TXT", Verdict.ENRICHED),
        (temporary_name(START), Verdict.TEMPORARY),
        ("enriched/.temp-beam-x/output-a.txt", Verdict.TEMPORARY),
        ("enriched/2026/10/01/13/notes.txt", Verdict.UNMATCHED),
        ("enriched/2026/10/01/13/output-x-00000-of-00001", Verdict.UNMATCHED),
        ("enriched/2026/10/01/13/events.tsv.bz2", Verdict.UNMATCHED),
    ],
)
def test_default_names(path: str, verdict: Verdict) -> None:
    assert NameRule().verdict(path) is verdict


def test_patterns_are_a_setting_matched_in_any_case() -> None:
    rule = NameRule(parse_patterns("output-*-of-*, *.TSV.GZ"))
    assert rule.accepts("d/2026/10/01/13/output-w-pane-0-last-00000-of-00001")
    assert rule.accepts("d/part.tsv.gz") and rule.accepts("d/PART.TSV.GZ")
    assert not rule.accepts("d/part.tsv")
    for bad in ("", "*.tsv,,*.gz", "a/*.tsv"):
        with pytest.raises(ValueError, match="pattern"):
            parse_patterns(bad)


def _gcs_loader_folder(root: Path) -> list[str]:
    """A landing folder as the GCS Loader leaves it: shards, late panes, gzip, a temporary."""
    written = [
        shard_name(START, 0, 0, 2),
        shard_name(START, 0, 1, 2, last=True),
        shard_name(START, 1, 0, 2, late=True, last=True),
        shard_name(START, 0, 0, 2, gzip=True, folder="gz"),
        shard_name(START, 1, 1, 2, late=True, gzip=True, folder="gz"),
    ]
    for i, name in enumerate(written):
        path = root / name
        path.parent.mkdir(parents=True, exist_ok=True)
        data = _text(10 * i)
        path.write_bytes(gzip.compress(data) if name.endswith(".gz") else data)
    temporary = root / temporary_name(START)
    temporary.parent.mkdir(parents=True)
    temporary.write_bytes(_text(100)[:50])  # half written: must not load
    return written


def test_a_gcs_loader_folder_loads_with_the_default_settings(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    landing = tmp_path / "landing"
    written = _gcs_loader_folder(landing)
    found = discover_all([landing])
    assert sorted(f.path.relative_to(landing).as_posix() for f in found.files) == sorted(written)
    assert found.unmatched == []
    assert main([str(landing), "--db", str(tmp_path / "x.duckdb"), "--quiet", "--strict"]) == 0
    out, err = capsys.readouterr()
    assert out.startswith("5 files (5 loaded,") and "10 rows loaded, 0 bad rows" in out
    assert err == ""


def test_a_file_no_pattern_accepts_is_counted_and_warned_once(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    landing = tmp_path / "landing"
    _gcs_loader_folder(landing)
    for name in ("a/output-x-00000-of-00001", "a/PART.TSV.GZ", "a/notes.md"):
        (landing / name).parent.mkdir(exist_ok=True)
        data = _text(200 + len(name))
        (landing / name).write_bytes(gzip.compress(data) if name.endswith(".GZ") else data)
    database = str(tmp_path / "x.duckdb")

    assert main([str(landing), "--db", database, "--quiet", "--strict"]) == 1
    out, err = capsys.readouterr()
    assert out.startswith("6 files (6 loaded,")  # .TSV.GZ matches *.tsv.gz in any case
    [warning] = err.splitlines()
    assert "WARNING 2 files match no name pattern" in warning
    assert "output-x-00000-of-00001" in warning and "notes.md" in warning

    names = "output-*,*.tsv,*.tsv.gz,*.md"  # configured: no suffix loads too
    assert main([str(landing), "--db", database, "--quiet", "--strict", "--names", names]) == 0
    out, err = capsys.readouterr()
    assert "(2 loaded, 6 already loaded," in out and err == ""

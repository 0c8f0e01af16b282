"""Loading the same file twice changes nothing; duplicates inside data survive raw."""

from pathlib import Path

from snowplow_loader.embedded import EmbeddedLoader
from snowplow_loader.files import SourceFile
from snowplow_loader.results import FileStatus

from tests.support.embedded import LoadBytes, count
from tests.support.enriched import line, lines


def _snapshot(loader: EmbeddedLoader) -> tuple[int, int, int]:
    return (
        count(loader, "raw_events"),
        count(loader, "raw_events_bad_rows"),
        count(loader, "load_manifest"),
    )


def test_loading_a_file_twice_changes_nothing(
    tmp_path: Path, loader: EmbeddedLoader, load_bytes: LoadBytes
) -> None:
    first = load_bytes("day.tsv", ("\n".join([*lines(10), "bad"]) + "\n").encode())
    assert (first.rows_loaded, first.rows_bad) == (10, 1)
    before = _snapshot(loader)
    again = loader.load(SourceFile.at(tmp_path / "landing" / "day.tsv"))
    assert again.status is FileStatus.SKIPPED
    assert _snapshot(loader) == before == (10, 1, 1)


def test_a_reopened_database_still_knows_the_file(tmp_path: Path) -> None:
    path = tmp_path / "day.tsv"
    path.write_text("\n".join(lines(3)) + "\n")
    database = tmp_path / "snowplow.duckdb"
    with EmbeddedLoader(database) as loader:
        assert loader.load(SourceFile.at(path)).rows_loaded == 3
    with EmbeddedLoader(database) as loader:
        assert loader.load(SourceFile.at(path)).status is FileStatus.SKIPPED
        assert count(loader, "raw_events") == 3


def test_a_rewritten_file_is_a_new_generation(
    tmp_path: Path, loader: EmbeddedLoader, load_bytes: LoadBytes
) -> None:
    load_bytes("day.tsv", ("\n".join(lines(2)) + "\n").encode())
    second = load_bytes("day.tsv", ("\n".join(lines(3, start=10)) + "\n").encode())
    assert (second.status, second.rows_loaded) == (FileStatus.LOADED, 3)
    assert count(loader, "raw_events") == 5


def test_duplicate_events_inside_data_survive_raw(
    loader: EmbeddedLoader, load_bytes: LoadBytes
) -> None:
    twice = line(7)
    later = line(7, collector_tstamp="2026-10-02 08:00:00.000")
    result = load_bytes("dupes.tsv", "\n".join([twice, twice, later, line(8)]).encode())
    assert (result.rows_loaded, result.rows_bad) == (4, 0)
    by_id = loader.connection.execute(
        "SELECT event_id, count(*) FROM raw_events GROUP BY 1 ORDER BY 1"
    ).fetchall()
    assert by_id == [
        ("00000000-0000-0000-0000-000000000007", 3),
        ("00000000-0000-0000-0000-000000000008", 1),
    ]

"""Fault injection: crashes after a job insert and malformed input; nothing is lost,
nothing is doubled, and bad input never turns into a retry storm."""

from collections import Counter
from pathlib import Path

import pytest
from snowplow_loader import framing
from snowplow_loader.embedded import EmbeddedLoader
from snowplow_loader.files import SourceFile

from tests.cloud_function.checks import (
    assert_no_duplicate_events,
    log_lines,
    small_file,
    steps,
)
from tests.cloud_function.harness import Cloud, SimulatedCrash
from tests.cloud_function.malformed import malformed_files


@pytest.mark.slow
def test_at_least_50_malformed_files_are_all_accounted_for(
    cloud: Cloud, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    files = malformed_files()
    assert len(files) >= 50
    keys = {}
    for index, (name, data) in enumerate(files.items()):
        generation = cloud.upload(name, data)
        with monkeypatch.context() as patch:
            if index % 2:  # what lands never depends on the stager's precheck, only the cost
                patch.setattr(framing, "is_candidate", lambda line: False)
            assert cloud.deliver(name, generation) == 200  # acknowledged: no retry storm
        keys[name] = cloud.key(name, generation)
    manifest = cloud.manifest()
    assert set(manifest) == set(keys.values())  # every file recorded once
    for name, key in keys.items():
        status, rows_in, loaded, bad, _, reason = manifest[key]
        where = f"load_file_key = '{key}'"
        assert cloud.count(cloud.names.raw_events, where) == loaded, name  # zero partial loads
        assert cloud.count(cloud.names.bad_rows, f"file_key = '{key}'") == bad, name
        assert rows_in == loaded + bad, name
        if status == "quarantined":
            assert loaded == bad == 0 and "copied to gs://" in reason
    quarantined = [n for n, k in keys.items() if manifest[k][0] == "quarantined"]
    assert sorted(cloud.object_names("quarantine/")) == sorted(
        f"quarantine/{keys[n].rsplit('#', 1)[1]}/{n}" for n in quarantined
    )
    assert Counter(row[0] for row in manifest.values()).keys() == {"loaded", "quarantined", "empty"}
    assert_same_verdicts_as_the_embedded_engine(cloud, files, keys, tmp_path)


def assert_same_verdicts_as_the_embedded_engine(
    cloud: Cloud, files: dict[str, bytes], keys: dict[str, str], tmp_path: Path
) -> None:
    """The same bytes through DuckDB: the same outcome, counts and bad rows, line by line."""
    manifest = cloud.manifest()
    bigquery_bad = Counter(
        (key, n, reason, tuple(fields) if reason == "row_decoding_error" else (), message)
        for key, n, reason, fields, message in cloud.rows(
            "SELECT file_key, line_number, reason, error_fields, message "
            f"FROM `{cloud.names.bad_rows}`"
        )
    )
    with EmbeddedLoader(tmp_path / "db.duckdb") as loader:
        for name, data in files.items():
            path = tmp_path / "landing" / name
            path.parent.mkdir(parents=True, exist_ok=True)
            path.write_bytes(data)
            result = loader.load(SourceFile.at(path))
            status, rows_in, loaded, bad, blank, reason = manifest[keys[name]]
            assert (status, rows_in, loaded, bad, blank) == (
                result.status,
                result.rows_in,
                result.rows_loaded,
                result.rows_bad,
                result.blank_lines,
            ), name
            if reason or result.reason:  # same class of reason; ours adds where the copy is
                ours = (reason or "").split(" (copied to")[0]
                assert ours.split(":")[0] == (result.reason or "").split(":")[0], name
        duckdb_bad = Counter(
            (
                keys[Path(path).relative_to(tmp_path / "landing").as_posix()],
                n,
                reason,
                tuple(fields) if reason == "row_decoding_error" else (),
                message,
            )
            for path, n, reason, fields, message in loader.connection.execute(
                "SELECT m.path, line_number, b.reason, error_fields, message "
                "FROM raw_events_bad_rows b JOIN load_manifest m USING (file_key)"
            ).fetchall()
        )
    assert bigquery_bad == duckdb_bad


CRASH_POINTS = ("load_inserted", "commit_inserted", "committed")


@pytest.mark.slow
def test_20_crashes_after_a_job_insert_lose_nothing_and_double_nothing(
    cloud: Cloud, capsys: pytest.CaptureFixture[str]
) -> None:
    """Each file delivered 3 times, the first crashing; the loaded-files metric (log lines
    with outcome ``loaded``) still counts each manifest ``loaded`` row once."""
    loader = cloud.loader()
    armed: dict[str, str] = {}

    def crash_at(point: str) -> None:
        if armed.pop(point, None) is not None:
            raise SimulatedCrash(point)

    loader.checkpoint = loader.jobs.checkpoint = crash_at
    for i in range(20):
        name = f"crash-{i:02}.tsv"
        generation = cloud.upload(name, small_file(i, rows=2) + b"not an event\n")
        armed[CRASH_POINTS[i % len(CRASH_POINTS)]] = name
        with pytest.raises(SimulatedCrash):
            cloud.deliver(name, generation)
        assert not armed, "the crash point was not reached"
        assert cloud.deliver(name, generation) == 200  # the redelivery
        assert cloud.deliver(name, generation) == 200  # and a duplicate
    assert_no_duplicate_events(cloud, 40)
    outcomes = Counter(line["outcome"] for line in log_lines(capsys))
    manifest_loaded = sum(row[0] == "loaded" for row in cloud.manifest().values())
    assert outcomes["loaded"] == manifest_loaded == 20 and outcomes["skipped"] == 20
    assert cloud.count(cloud.names.bad_rows) == 20
    assert {row[:4] for row in cloud.manifest().values()} == {("loaded", 3, 2, 1)}
    assert steps(cloud) == Counter({"load": 20, "commit": 20})  # no step ran twice
    assert cloud.object_names("staging/") == []

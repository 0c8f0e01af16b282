"""Issue 12, gap 8 on the Cloud Function: files with mixed line endings, a stray CR or a
long first line load through the function with the same verdicts as the embedded engine:
the same counts and the same bad rows (line number, reason, message), nothing quarantined."""

from pathlib import Path

import pytest
from snowplow_loader.embedded import EmbeddedLoader
from snowplow_loader.files import SourceFile

from tests.cloud_function.harness import Cloud
from tests.support.line_endings import FILES


@pytest.mark.slow
def test_both_engines_load_the_valid_lines_and_agree_on_the_bad_ones(
    cloud: Cloud, tmp_path: Path
) -> None:
    keys = {name: cloud.key(name, cloud.upload(name, data)) for name, (data, *_) in FILES.items()}
    for name, key in keys.items():
        assert cloud.deliver(name, int(key.rsplit("#", 1)[1])) == 200
    manifest = cloud.manifest()
    bigquery_bad = sorted(
        cloud.rows(f"SELECT file_key, line_number, reason, message FROM `{cloud.names.bad_rows}`")
    )

    duckdb_bad = []
    with EmbeddedLoader(tmp_path / "db.duckdb") as loader:
        for name, (data, good, bad) in FILES.items():
            path = tmp_path / name
            path.write_bytes(data)
            result = loader.load(SourceFile.at(path))
            counts = (
                result.status,
                result.rows_in,
                result.rows_loaded,
                result.rows_bad,
                result.blank_lines,
                result.reason,
            )
            assert manifest[keys[name]] == counts, name
            assert (result.status, result.rows_loaded, result.rows_bad) == (
                "loaded",
                good,
                len(bad),
            )
            where = f"load_file_key = '{keys[name]}'"
            assert cloud.count(cloud.names.raw_events, where) == good, name
            duckdb_bad += [
                (keys[name], *row)
                for row in loader.connection.execute(
                    "SELECT line_number, reason, message FROM raw_events_bad_rows "
                    "WHERE file_key = ?",
                    [result.key],
                ).fetchall()
            ]
    assert bigquery_bad == sorted(duckdb_bad)
    assert len(bigquery_bad) == sum(len(bad) for _, _, bad in FILES.values())

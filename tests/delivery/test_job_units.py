"""`snowplow-job` without a dbt run: arguments refused before any work when wrong, a window
turned into the rebuild variables, an upload failure failing the run with a log line."""

import json
from pathlib import Path

import pytest
from snowplow_dbt import job
from snowplow_dbt.artifacts import LocalFolder


@pytest.mark.parametrize(
    ("argv", "error"),
    [
        (["--from", "2026-11-01"], "--from and --to go together"),
        (["--from", "2026-11-02", "--to", "2026-11-01"], "must be before"),
        (["--from", "2026-11-01", "--to", "2026-11-02", "--full-refresh"], "leave out"),
        (["--from", "11/01/2026", "--to", "2026-11-02"], "invalid fromisoformat"),
    ],
)
def test_bad_arguments_are_refused_before_any_work(
    argv: list[str], error: str, capsys: pytest.CaptureFixture[str]
) -> None:
    with pytest.raises(SystemExit) as exit_:
        job.main(argv)
    assert exit_.value.code == 2
    assert error in capsys.readouterr().err


def test_a_window_becomes_the_rebuild_variables() -> None:
    args = job.parse(["--from", "2026-11-01", "--to", "2026-11-08"])
    assert job.dbt_variables(args) == {
        "snowplow__rebuild_from": "2026-11-01",
        "snowplow__rebuild_to": "2026-11-08",
    }
    assert job.dbt_variables(job.parse([])) == {}


def test_an_upload_that_fails_is_a_failed_step(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    settings = job.Settings("local", tmp_path / "db.duckdb", None, tmp_path / "artifacts")
    run = job.Job(settings, job.parse([]), "r1", tmp_path / "work")
    (run.gathered / "manifest.json").write_text("{}")
    blocked = tmp_path / "not-a-folder"
    blocked.write_text("a file where the artifacts folder should be")
    assert not job.run_step("upload", "r1", lambda: run.upload(LocalFolder(blocked)))
    line = json.loads(capsys.readouterr().out)
    assert line["severity"] == "ERROR"
    assert line["step"] == "upload"
    assert line["message"].startswith("upload failed: NotADirectoryError")
    assert job.run_step("upload", "r1", lambda: run.upload(LocalFolder(tmp_path / "ok")))
    assert (tmp_path / "ok" / "r1" / "manifest.json").read_text() == "{}"

"""`snowplow-job`'s arguments: refused before any work when wrong; a window becomes the
variables of the models' windowed rebuild."""

import pytest
from snowplow_dbt import job


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

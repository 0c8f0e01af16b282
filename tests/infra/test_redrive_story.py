"""One redrive story: the loader-errors alert's runbook and the loader's README give the
same command (``deploy.REDRIVE_COMMAND``), and nothing still says to copy an object
onto itself (a new generation: a second load of the same lines)."""

from pathlib import Path

from snowplow_loader.cloud import reconcile
from snowplow_loader.cloud.deploy import REDRIVE_COMMAND

ROOT = Path(__file__).parents[2]
DOCS = ("functions/README.md", "infra/README.md", "infra/snowplow_infra/monitoring.py")


def test_the_runbook_and_the_readmes_give_one_redrive_command() -> None:
    texts = {name: (ROOT / name).read_text() for name in DOCS}
    for name in ("functions/README.md", "infra/README.md"):
        assert REDRIVE_COMMAND in texts[name], name
    assert "REDRIVE_COMMAND" in texts["infra/snowplow_infra/monitoring.py"]
    assert not [name for name, text in texts.items() if "onto itself" in text]


def test_the_redrive_command_is_one_the_cli_takes() -> None:
    program, *arguments = REDRIVE_COMMAND.split()
    pyproject = (ROOT / "functions" / "pyproject.toml").read_text()
    assert f'{program} = "snowplow_loader.cloud.reconcile:main"' in pyproject
    flags = [a for a in arguments if a.startswith("--")]
    assert flags == ["--bucket", "--prefix", "--min-age-seconds"]
    source = Path(reconcile.__file__).read_text()
    assert all(f'"{flag}"' in source for flag in flags)

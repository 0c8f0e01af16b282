"""Environment files are validated with messages naming the file and the field."""

import re
from pathlib import Path

import pytest
from snowplow_infra.config import ConfigError, load_all, load_environment

# every infra module reads the one synthesis of the stacks: one worker builds it
pytestmark = pytest.mark.xdist_group("infra-synth")

INFRA = Path(__file__).resolve().parents[2] / "infra"
VALID = """
project = "my-project-test"
region = "europe-west1"
location = "EU"
prefix = "snowplow"
alert_emails = ["alerts@example.com"]
spreadsheet_id = "REPLACE-WITH-SPREADSHEET-ID"
"""


def write(tmp_path: Path, text: str, name: str = "test.toml") -> Path:
    path = tmp_path / name
    path.write_text(text)
    return path


def test_committed_files_load_with_placeholders_only() -> None:
    bootstrap, environments = load_all()
    assert [e.name for e in environments] == ["dev", "prod"]
    for project in [bootstrap.project, *(e.project for e in environments)]:
        assert project.startswith("my-project-")


def test_defaults_and_derived_names(tmp_path: Path) -> None:
    config = load_environment(write(tmp_path, VALID))
    assert config.name == "test"
    assert (config.transform_schedule, config.time_zone) == ("0 5 * * *", "Etc/UTC")
    assert config.name_of("landing") == "snowplow-test-landing"
    assert config.dataset_of("raw") == "snowplow_test_raw"


@pytest.mark.parametrize(
    ("change", "field", "why"),
    [
        (('project = "my-project-test"', 'project = "My_Project"'), "project", "pattern"),
        (
            ('alert_emails = ["alerts@example.com"]', "alert_emails = []"),
            "alert_emails",
            "at least 1",
        ),
        (('prefix = "snowplow"', 'prefix = "averylongprefix1"'), "prefix", "30 characters"),
        (('location = "EU"', 'location = "eu"'), "location", "pattern"),
        (("", 'transform_schedule = "daily"'), "transform_schedule", "cron"),
        (("", 'time_zone = "UTC+1"'), "time_zone", "IANA"),
        (("", "surprise = 1"), "surprise", "Extra inputs"),
        (("", "reconcile_lookback_hours = 720"), "reconcile_lookback_hours", "lifecycle"),
        (
            ("", '[events_source]\nkind = "bigquery_loader"\ntable = "atomic.events"'),
            "events_source.bigquery_loader.table",
            "project.dataset.table",
        ),
        (("", '[events_source]\nkind = "bigquery_loader"'), "events_source", "table"),
        (("", '[events_source]\nkind = "gcs"'), "events_source", "'raw_events', 'bigquery_loader'"),
    ],
)
def test_a_bad_field_is_named_with_the_file(
    tmp_path: Path, change: tuple[str, str], field: str, why: str
) -> None:
    old, new = change
    text = VALID.replace(old, new) if old else VALID + new + "\n"
    path = write(tmp_path, text)
    with pytest.raises(ConfigError) as raised:
        load_environment(path)
    message = str(raised.value)
    assert str(path) in message
    assert re.search(rf"\b{field}\b", message) and why in message, message


def test_events_source_defaults_to_the_own_loader_or_names_a_table(tmp_path: Path) -> None:
    assert load_environment(write(tmp_path, VALID)).existing_table is None
    config = load_environment(
        write(
            tmp_path,
            VALID + '[events_source]\nkind = "bigquery_loader"\n'
            'table = "my-project-tracking.atomic.events"\n',
        )
    )
    table = config.existing_table
    assert table is not None
    parts = (table.part("project"), table.part("dataset"), table.part("table"))
    assert parts == ("my-project-tracking", "atomic", "events")


def test_missing_field_and_broken_toml_are_reported(tmp_path: Path) -> None:
    with pytest.raises(ConfigError, match=r"spreadsheet_id: Field required"):
        load_environment(
            write(tmp_path, VALID.replace('spreadsheet_id = "REPLACE-WITH-SPREADSHEET-ID"', ""))
        )
    with pytest.raises(ConfigError, match=r"broken.toml: not valid TOML"):
        load_environment(write(tmp_path, "project = ", "broken.toml"))
    with pytest.raises(ConfigError, match=r"name: not a setting"):
        load_environment(write(tmp_path, VALID + 'name = "prod"\n'))


def test_constructs_never_branch_on_an_environment_name() -> None:
    """Differences live in environments/*.toml: no construct mentions dev or prod."""
    for source in (INFRA / "snowplow_infra").glob("*.py"):
        text = source.read_text()
        assert not re.search(r"""["'](dev|prod)["']""", text), source.name
        assert not re.search(r"(config|environment)\.name\s*[!=]=", text), source.name


def copy_environments(tmp_path: Path) -> Path:
    for source in (INFRA / "environments").glob("*.toml"):
        (tmp_path / source.name).write_text(source.read_text())
    return tmp_path


def test_each_deploy_environment_is_an_environment_file(tmp_path: Path) -> None:
    """One deployer per environment file, bound to the GitHub environment of that name."""
    folder = copy_environments(tmp_path)
    (folder / "staging.toml").write_text(VALID.replace("my-project-test", "my-project-stg"))
    with pytest.raises(ConfigError, match=r"bootstrap.toml: deploy_environments: .*staging"):
        load_all(folder)


def test_environments_may_not_share_a_project(tmp_path: Path) -> None:
    folder = copy_environments(tmp_path)
    prod = folder / "prod.toml"
    prod.write_text(prod.read_text().replace("my-project-prod", "my-project-dev"))
    with pytest.raises(ConfigError, match=r"project: environments share a project"):
        load_all(folder)

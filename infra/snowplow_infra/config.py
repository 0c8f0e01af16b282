"""Typed configuration: one TOML file per environment, plus one for the bootstrap stack.

Every difference between environments lives in these files; constructs never test an
environment's name. A mistake fails synthesis with the file and the field to fix.
Names derive from ``prefix-environment-component`` (datasets: underscores), never random.
"""

import re
import tomllib
import zoneinfo
from pathlib import Path
from typing import Annotated, Literal, Self

from pydantic import BaseModel, ConfigDict, Field, ValidationError, field_validator, model_validator

ENVIRONMENTS_DIR = Path(__file__).resolve().parents[1] / "environments"
BOOTSTRAP_FILE = "bootstrap.toml"

ProjectId = Annotated[str, Field(pattern=r"^[a-z][a-z0-9-]{4,28}[a-z0-9]$")]
Region = Annotated[str, Field(pattern=r"^[a-z]+-[a-z]+[0-9]$")]
Prefix = Annotated[str, Field(pattern=r"^[a-z][a-z0-9-]{0,14}[a-z0-9]$")]
Email = Annotated[str, Field(pattern=r"^[^@\s]+@[^@\s]+\.[a-z]{2,}$")]
CRON = re.compile(r"^(\S+\s+){4}\S+$")
LONGEST_ACCOUNT_COMPONENT = "transform"  # service account ids are 6-30 characters


class ConfigError(ValueError):
    """A configuration file is missing, unreadable or invalid; the message says where."""


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


TABLE_ID = re.compile(
    r"^(?P<project>[a-z][a-z0-9-]{4,28}[a-z0-9])\.(?P<dataset>[A-Za-z0-9_]{1,1024})"
    r"\.(?P<table>[A-Za-z0-9_-]{1,1024})$"
)


class OwnLoader(_Strict):
    """The default: enriched files land in this environment's bucket and its loader
    functions write them to ``raw_events`` (every loader resource is created)."""

    kind: Literal["raw_events"] = "raw_events"


class BigQueryLoaderTable(_Strict):
    """Events Snowplow's own BigQuery Loader already writes to a table: the models read it,
    and the environment creates no loader, no landing buckets, no raw dataset."""

    kind: Literal["bigquery_loader"]
    table: str  # project.dataset.table

    @field_validator("table")
    @classmethod
    def _table_id(cls, value: str) -> str:
        if not TABLE_ID.match(value):
            raise ValueError(
                f"{value!r} is not a BigQuery table id project.dataset.table, "
                "e.g. 'my-project-tracking.atomic.events'"
            )
        return value

    def part(self, name: Literal["project", "dataset", "table"]) -> str:
        """One part of the table id: its project, dataset or table name."""
        match = TABLE_ID.match(self.table)
        assert match  # validated above
        return match[name]


EventsSource = Annotated[OwnLoader | BigQueryLoaderTable, Field(discriminator="kind")]


class EnvironmentConfig(_Strict):
    """What one environment (dev, prod) deploys into and how it behaves."""

    name: Annotated[str, Field(pattern=r"^[a-z][a-z0-9]{1,9}$")]  # the file's stem
    project: ProjectId
    region: Region  # functions, jobs, buckets and the scheduler
    location: Annotated[str, Field(pattern=r"^([A-Z]{2}|[a-z]+-[a-z]+[0-9])$")]  # BigQuery
    prefix: Prefix
    transform_schedule: str = "0 5 * * *"
    reconcile_schedule: str = "0 * * * *"
    time_zone: str = "Etc/UTC"
    alert_emails: Annotated[list[Email], Field(min_length=1)]
    spreadsheet_id: Annotated[str, Field(pattern=r"^[A-Za-z0-9_-]{10,100}$")]
    loader_max_instances: Annotated[int, Field(ge=1, le=1000)] = 20
    max_bytes_billed: Annotated[int, Field(ge=10 * 1024**2)] = 50 * 1024**3
    scratch_table_expiration_hours: Annotated[int, Field(ge=1)] = 7 * 24
    time_travel_hours: Annotated[int, Field(ge=48, le=168)] = 168
    noncurrent_version_days: Annotated[int, Field(ge=1)] = 30
    raw_freshness_hours: Annotated[int, Field(ge=1, le=23)] = 6
    # Landing objects are deleted this long after they land (the bucket's lifecycle): the
    # loaded rows live in BigQuery, and a bucket that only grows makes every listing slower.
    landing_retention_days: Annotated[int, Field(ge=2)] = 30
    # How far back reconcile looks when it has no cursor: objects must still be there.
    reconcile_lookback_hours: Annotated[int, Field(ge=24)] = 7 * 24
    # where the models read events: [events_source] in the file (infra/README.md)
    events_source: EventsSource = OwnLoader()

    @field_validator("transform_schedule", "reconcile_schedule")
    @classmethod
    def _cron(cls, value: str) -> str:
        if not CRON.match(value.strip()):
            raise ValueError(f"{value!r} is not a cron expression of 5 fields, e.g. '0 5 * * *'")
        return value.strip()

    @field_validator("time_zone")
    @classmethod
    def _zone(cls, value: str) -> str:
        if value not in zoneinfo.available_timezones():
            raise ValueError(f"{value!r} is not an IANA time zone such as 'Etc/UTC'")
        return value

    @model_validator(mode="after")
    def _reconcile_sees_only_live_objects(self) -> Self:
        if self.reconcile_lookback_hours >= self.landing_retention_days * 24:
            raise ValueError(
                f"reconcile_lookback_hours ({self.reconcile_lookback_hours}) must stay below "
                f"landing_retention_days ({self.landing_retention_days} days): reconcile "
                "cannot load objects the lifecycle already deleted"
            )
        return self

    @model_validator(mode="after")
    def _account_ids_fit(self) -> Self:
        longest = self.name_of(LONGEST_ACCOUNT_COMPONENT)
        if len(longest) > 30:
            raise ValueError(
                f"prefix: '{self.prefix}' is too long for environment '{self.name}': service "
                f"account ids such as '{longest}' must stay within 30 characters"
            )
        return self

    @property
    def existing_table(self) -> BigQueryLoaderTable | None:
        """The BigQuery Loader table the models read, or None: this environment's loader."""
        source = self.events_source
        return source if isinstance(source, BigQueryLoaderTable) else None

    def name_of(self, component: str) -> str:
        """prefix-environment-component: buckets, functions, jobs, accounts, alerts."""
        return f"{self.prefix}-{self.name}-{component}"

    def dataset_of(self, layer: str) -> str:
        """BigQuery datasets allow no hyphen: prefix_environment_layer."""
        return self.name_of(layer).replace("-", "_")

    @property
    def labels(self) -> dict[str, str]:
        """On every resource that takes labels (the provider's default_labels)."""
        return {"app": self.prefix, "environment": self.name, "managed_by": "cdktf"}


class BootstrapConfig(_Strict):
    """The project holding Terraform state and the CI identities, and who may use them."""

    project: ProjectId
    region: Region
    prefix: Prefix
    github_repository: Annotated[str, Field(pattern=r"^[A-Za-z0-9_.-]+/[A-Za-z0-9_.-]+$")]
    # GitHub's numeric ids (the OIDC token's repository_id and repository_owner_id claims):
    # a repository renamed, or deleted and re-created under the same name, gets a new id
    # and so inherits no trust. `gh api repos/OWNER/REPO --jq '.id, .owner.id'` prints them.
    github_repository_id: Annotated[str, Field(pattern=r"^[0-9]{1,20}$")]
    github_owner_id: Annotated[str, Field(pattern=r"^[0-9]{1,20}$")]
    deploy_branch: str = "main"
    release_tag_prefix: str = "v"
    # GitHub environment -> the refs its jobs deploy from (deploy_branch or release tags)
    deploy_environments: dict[
        Annotated[str, Field(pattern=r"^[A-Za-z0-9_.-]+$")], Literal["branch", "release"]
    ]

    def deploy_ref_condition(self, source: str) -> str:
        """CEL on the ref claim: the deploy branch itself, or any release tag."""
        if source == "branch":
            return f"assertion.ref == 'refs/heads/{self.deploy_branch}'"
        return f"assertion.ref.startsWith('refs/tags/{self.release_tag_prefix}')"

    def ci_account_id(self, role: str) -> str:
        """The planner's and the deployer's account ids."""
        return f"{self.prefix}-ci-{role}"

    def ci_member(self, role: str) -> str:
        return f"serviceAccount:{self.ci_account_id(role)}@{self.project}.iam.gserviceaccount.com"

    def deployer_id(self, environment: EnvironmentConfig) -> str:
        """Each environment's own deployer (never longer than its workloads' account ids)."""
        return environment.name_of("deployer")

    def deployer_member(self, environment: EnvironmentConfig) -> str:
        account = self.deployer_id(environment)
        return f"serviceAccount:{account}@{self.project}.iam.gserviceaccount.com"

    @property
    def state_bucket(self) -> str:
        return f"{self.prefix}-tfstate"

    @property
    def labels(self) -> dict[str, str]:
        return {"app": self.prefix, "environment": "bootstrap", "managed_by": "cdktf"}


def _read(path: Path) -> dict[str, object]:
    try:
        with path.open("rb") as handle:
            return tomllib.load(handle)
    except FileNotFoundError:
        raise ConfigError(f"{path}: no such configuration file") from None
    except tomllib.TOMLDecodeError as error:
        raise ConfigError(f"{path}: not valid TOML: {error}") from None


def _validated[M: BaseModel](model: type[M], path: Path, values: dict[str, object]) -> M:
    try:
        return model.model_validate(values)
    except ValidationError as error:
        problems = [
            f"{'.'.join(str(part) for part in issue['loc']) or 'file'}: {issue['msg']}"
            for issue in error.errors()
        ]
        raise ConfigError(f"{path}: invalid configuration:\n  " + "\n  ".join(problems)) from None


def load_environment(path: Path) -> EnvironmentConfig:
    """An environment's settings; its name is the file's stem (dev.toml -> dev)."""
    values = _read(path)
    if "name" in values:
        raise ConfigError(f"{path}: name: not a setting, the environment is named by the file")
    return _validated(EnvironmentConfig, path, {**values, "name": path.stem})


def load_bootstrap(path: Path) -> BootstrapConfig:
    return _validated(BootstrapConfig, path, _read(path))


def load_all(directory: Path = ENVIRONMENTS_DIR) -> tuple[BootstrapConfig, list[EnvironmentConfig]]:
    """The bootstrap settings and every environment file in the folder, sorted by name."""
    environments = [
        load_environment(path)
        for path in sorted(directory.glob("*.toml"))
        if path.name != BOOTSTRAP_FILE
    ]
    if not environments:
        raise ConfigError(f"{directory}: no environment file (*.toml besides {BOOTSTRAP_FILE})")
    bootstrap = load_bootstrap(directory / BOOTSTRAP_FILE)
    names = sorted(environment.name for environment in environments)
    if sorted(bootstrap.deploy_environments) != names:
        raise ConfigError(
            f"{directory / BOOTSTRAP_FILE}: deploy_environments: "
            f"{sorted(bootstrap.deploy_environments)} must name exactly the environment files "
            f"{names}: each GitHub environment deploys the stack of the same name"
        )
    projects = [environment.project for environment in environments]
    if len(set(projects)) != len(projects):
        raise ConfigError(
            f"{directory}: project: environments share a project ({projects}); each needs "
            "its own, so that its deployer can reach no other environment"
        )
    return bootstrap, environments

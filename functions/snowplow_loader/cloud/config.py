"""The function's settings: SNOWPLOW_* variables read by pydantic-settings, checked up front.

A deployment mistake (a missing dataset, a prefix without its slash) should fail the
first event with a message that says which variable to fix and how, not surface as a
BigQuery error deep inside a load. Every problem is reported at once. No project id
has a default: the repository names none.

pydantic costs a few hundred milliseconds to import, so ``entry`` imports this module
on the first event, not when the function's module loads (cold starts stay small).
"""

import re
from collections.abc import Mapping
from typing import Annotated, Self

from pydantic import AfterValidator, BeforeValidator, ValidationError, model_validator
from pydantic_settings import (
    BaseSettings,
    EnvSettingsSource,
    PydanticBaseSettingsSource,
    SettingsConfigDict,
)
from pydantic_settings.sources.utils import parse_env_vars

from snowplow_loader.cloud import deploy
from snowplow_loader.names import DEFAULT_PATTERNS, NameRule, parse_patterns

PREFIX = "SNOWPLOW_"


class ConfigError(ValueError):
    """One or more settings are missing or malformed; the message lists them all."""


def _matching(pattern: str, what: str) -> AfterValidator:
    compiled = re.compile(pattern)

    def check(text: str) -> str:
        if not compiled.fullmatch(text):
            raise ValueError(f"{text!r} is not {what}")
        return text

    return AfterValidator(check)


def _whole(text: object) -> object:
    """A clearer message than pydantic's for '1 day' in a number of seconds."""
    if isinstance(text, str) and not text.strip().lstrip("-").isdigit():
        raise ValueError(f"{text!r} is not a whole number")
    return text


def _positive(value: int) -> int:
    if value <= 0:
        raise ValueError(f"{value} must be above 0")
    return value


def _not_negative(value: int) -> int:
    if value < 0:
        raise ValueError(f"{value} must be 0 or more")
    return value


def _prefix(text: str) -> str:
    if not text.endswith("/") or text.startswith("/"):
        raise ValueError(f"{text!r} must be a folder-like prefix such as 'staging/'")
    return text


def _partitions(text: str) -> str:
    if text and (not text.endswith("/") or text.startswith("/")):
        raise ValueError(f"{text!r} must be empty or a folder template such as '%Y/%m/%d/%H/'")
    return text


def _below_timeout(value: int) -> int:
    if value >= deploy.TIMEOUT_SECONDS:
        raise ValueError(
            f"must stay below the function timeout ({deploy.TIMEOUT_SECONDS} s), so a slow "
            "job is retried, not the function killed"
        )
    return value


Name = Annotated[str, _matching(r"[A-Za-z0-9_]{1,1024}", "a BigQuery name (letters, digits, _)")]
Bucket = Annotated[str, _matching(r"[a-z0-9][a-z0-9._-]{1,220}[a-z0-9]", "a bucket name")]
Prefix = Annotated[str, AfterValidator(_prefix)]
Positive = Annotated[int, BeforeValidator(_whole), AfterValidator(_positive)]
Seconds = Annotated[int, BeforeValidator(_whole), AfterValidator(_not_negative)]
Project = Annotated[str, _matching(r"[a-z][a-z0-9.:-]{0,62}", "a project id (a-z, 0-9, '-')")]
Location = Annotated[str, _matching(r"[A-Za-z0-9-]{2,40}", "a location such as EU or us-east1")]
JobPrefix = Annotated[str, _matching(r"[A-Za-z0-9_-]{1,100}", "a job id prefix (A-Z, 0-9, _, -)")]
Url = Annotated[str, _matching(r"https?://\S+", "an http(s) URL")]
Partitions = Annotated[str, AfterValidator(_partitions)]
Patterns = Annotated[str, AfterValidator(lambda text: ",".join(parse_patterns(text)))]

DATASET_REQUIRED = (
    f"{PREFIX}DATASET is required: the BigQuery dataset holding raw_events, "
    "raw_events_bad_rows and load_manifest (for example: snowplow)"
)


class Config(BaseSettings):
    """Where the function reads, writes and stages; each field is SNOWPLOW_<FIELD>."""

    model_config = SettingsConfigDict(frozen=True)

    dataset: Name
    project: Project | None = None  # default: the BigQuery client's (the function's project)
    location: Location | None = None  # of the dataset; job look-ups need it outside US
    raw_table: Name = "raw_events"
    bad_rows_table: Name = "raw_events_bad_rows"
    manifest_table: Name = "load_manifest"
    staging_dataset: Name | None = None  # default: <dataset>_staging; tables there expire
    staging_bucket: Bucket | None = None  # default: the bucket the event came from
    quarantine_bucket: Bucket | None = None  # default: the bucket the event came from
    landing_bucket: Bucket | None = None  # what reconcile lists (required by reconcile only)
    staging_prefix: Prefix = "staging/"
    quarantine_prefix: Prefix = "quarantine/"
    max_event_age_seconds: Positive = 24 * 3600  # Eventarc gives up retrying after 24 h too
    max_file_bytes: Positive = deploy.MAX_FILE_BYTES
    job_prefix: JobPrefix = "snowplow_load"  # names this deployment's load jobs
    job_wait_seconds: Annotated[Positive, AfterValidator(_below_timeout)] = deploy.JOB_WAIT_SECONDS
    staging_ttl_hours: Positive = 7 * 24  # the staging dataset's table expiration; outlives retries
    reconcile_min_age_seconds: Seconds = 3600  # younger objects may still have an event in flight
    # Reconcile's window (cloud/sweep.py): the landing folders by date, how far back a
    # scheduled run looks without a cursor (below the landing lifecycle), how much later
    # than its folder's hour an object may be written, and when to park a failing file.
    reconcile_partitions: Partitions = "%Y/%m/%d/%H/"
    reconcile_lookback_hours: Positive = 7 * 24
    reconcile_lateness_hours: Seconds = 24
    reconcile_max_attempts: Positive = 5
    reconcile_backoff_seconds: Positive = 3600  # doubled after each failed run
    name_patterns: Patterns = ",".join(DEFAULT_PATTERNS)  # accepted object names (names.py)
    bigquery_endpoint: Url | None = None  # emulators only

    @classmethod
    def settings_customise_sources(
        cls,
        settings_cls: type[BaseSettings],
        init_settings: PydanticBaseSettingsSource,
        env_settings: PydanticBaseSettingsSource,
        dotenv_settings: PydanticBaseSettingsSource,
        file_secret_settings: PydanticBaseSettingsSource,
    ) -> tuple[PydanticBaseSettingsSource, ...]:
        """Only what ``from_env`` passes: the environment is read once, there, explicitly."""
        return (init_settings,)

    @model_validator(mode="after")
    def _consistent(self) -> Self:
        if self.staging_dataset is not None and self.staging_dataset == self.dataset:
            raise ValueError(
                f"{PREFIX}STAGING_DATASET must not be the dataset of raw_events: staging "
                "tables expire through the staging dataset's default table expiration"
            )
        if self.staging_prefix == self.quarantine_prefix:
            raise ValueError(f"{PREFIX}STAGING_PREFIX and {PREFIX}QUARANTINE_PREFIX must differ")
        return self

    @property
    def names(self) -> NameRule:
        """The accepted object names (``SNOWPLOW_NAME_PATTERNS``), any case."""
        return NameRule(parse_patterns(self.name_patterns))

    @property
    def staging_dataset_name(self) -> str:
        """A dataset of its own: its default table expiration must not touch raw_events."""
        return self.staging_dataset or f"{self.dataset}_staging"

    @classmethod
    def from_env(cls, environ: Mapping[str, str]) -> "Config":
        """Read SNOWPLOW_* variables; raise ConfigError naming every bad one."""
        source = _Environment(cls, environ)
        try:
            return cls(**source())
        except ValidationError as error:
            raise ConfigError(_explain(error)) from None


class _Environment(EnvSettingsSource):
    """pydantic-settings' environment source over a given mapping (tests pass a dict)."""

    def __init__(self, settings_cls: type[BaseSettings], environ: Mapping[str, str]) -> None:
        self._environ = environ
        super().__init__(settings_cls, env_prefix=PREFIX, env_ignore_empty=True)

    def _load_env_vars(self) -> Mapping[str, str | None]:
        environ = {name: value.strip() for name, value in self._environ.items()}
        return parse_env_vars(
            environ, bool(self.case_sensitive), bool(self.env_ignore_empty), self.env_parse_none_str
        )


def _explain(error: ValidationError) -> str:
    problems = []
    for problem in error.errors():
        field = ".".join(str(part) for part in problem["loc"] if isinstance(part, str))
        variable = PREFIX + field.upper()
        message = str(problem["msg"]).removeprefix("Value error, ")
        if problem["type"] == "missing" and field == "dataset":
            problems.append(DATASET_REQUIRED)
        elif field:
            problems.append(f"{variable}: {message}")
        else:  # a check across fields names its variables itself
            problems.append(message)
    return "invalid loader settings:\n  " + "\n  ".join(problems)

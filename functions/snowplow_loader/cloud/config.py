"""The function's settings, read from the environment once, typed and checked up front.

A deployment mistake (a missing dataset, a prefix without its slash) should fail the
first event with a message that says which variable to fix and how, not surface as a
BigQuery error deep inside a load. Every problem is reported at once. No project id
has a default: the repository names none.
"""

import re
from collections.abc import Callable, Mapping
from dataclasses import dataclass, fields
from typing import Any

from snowplow_loader.cloud import deploy

PREFIX = "SNOWPLOW_"


class ConfigError(ValueError):
    """One or more settings are missing or malformed; the message lists them all."""


def _matching(pattern: str, what: str) -> Callable[[str], str]:
    compiled = re.compile(pattern)

    def parse(text: str) -> str:
        if not compiled.fullmatch(text):
            raise ValueError(f"{text!r} is not {what}")
        return text

    return parse


def _positive(text: str) -> int:
    try:
        value = int(text)
    except ValueError:
        raise ValueError(f"{text!r} is not a whole number") from None
    if value <= 0:
        raise ValueError(f"{value} must be above 0")
    return value


def _prefix(text: str) -> str:
    if not text.endswith("/") or text.startswith("/"):
        raise ValueError(f"{text!r} must be a folder-like prefix such as 'staging/'")
    return text


_NAME = _matching(r"[A-Za-z0-9_]{1,1024}", "a BigQuery dataset or table name (letters, digits, _)")
_PARSERS: dict[str, Callable[[str], Any]] = {
    "dataset": _NAME,
    "project": _matching(r"[a-z][a-z0-9.:-]{0,62}", "a project id (lowercase, digits, '-')"),
    "location": _matching(
        r"[A-Za-z0-9-]{2,40}", "a BigQuery location such as US, EU or europe-west1"
    ),
    "raw_table": _NAME,
    "bad_rows_table": _NAME,
    "manifest_table": _NAME,
    "staging_dataset": _NAME,
    "staging_bucket": _matching(r"[a-z0-9][a-z0-9._-]{1,220}[a-z0-9]", "a bucket name"),
    "staging_prefix": _prefix,
    "quarantine_prefix": _prefix,
    "max_event_age_seconds": _positive,
    "max_file_bytes": _positive,
    "job_prefix": _matching(r"[A-Za-z0-9_-]{1,100}", "a job id prefix (letters, digits, _, -)"),
    "job_wait_seconds": _positive,
    "max_job_attempts": _positive,
    "staging_ttl_hours": _positive,
    "bigquery_endpoint": _matching(r"https?://\S+", "an http(s) URL"),
}


@dataclass(frozen=True)
class Config:
    """Where the function reads, writes and stages; each field is SNOWPLOW_<FIELD>."""

    dataset: str
    project: str | None = None  # default: the BigQuery client's (the function's project)
    location: str | None = None  # of the dataset; job look-ups need it outside US
    raw_table: str = "raw_events"
    bad_rows_table: str = "raw_events_bad_rows"
    manifest_table: str = "load_manifest"
    staging_dataset: str | None = None  # default: <dataset>_staging; tables there expire
    staging_bucket: str | None = None  # default: the bucket the event came from
    staging_prefix: str = "staging/"
    quarantine_prefix: str = "quarantine/"
    max_event_age_seconds: int = 24 * 3600  # Eventarc gives up retrying after 24 h too
    max_file_bytes: int = deploy.MAX_FILE_BYTES
    job_prefix: str = "snowplow_load"  # bump it to replay files whose jobs already ran
    job_wait_seconds: int = deploy.JOB_WAIT_SECONDS
    max_job_attempts: int = 5
    staging_ttl_hours: int = 7 * 24  # the staging dataset's table expiration; outlives retries
    bigquery_endpoint: str | None = None  # emulators only

    @property
    def staging_dataset_name(self) -> str:
        """A dataset of its own: its default table expiration must not touch raw_events."""
        return self.staging_dataset or f"{self.dataset}_staging"

    @classmethod
    def from_env(cls, environ: Mapping[str, str]) -> "Config":
        """Read SNOWPLOW_* variables; raise ConfigError naming every bad one."""
        values: dict[str, Any] = {}
        problems: list[str] = []
        for field in fields(cls):
            variable = PREFIX + field.name.upper()
            text = environ.get(variable, "").strip()
            if not text:
                continue
            try:
                values[field.name] = _PARSERS[field.name](text)
            except ValueError as error:
                problems.append(f"{variable}: {error}")
        if "dataset" not in values:
            problems.append(
                f"{PREFIX}DATASET is required: the BigQuery dataset holding raw_events, "
                "raw_events_bad_rows and load_manifest (for example: snowplow)"
            )
        if values.get("job_wait_seconds", 0) >= deploy.TIMEOUT_SECONDS:
            problems.append(
                f"{PREFIX}JOB_WAIT_SECONDS must stay below the function timeout "
                f"({deploy.TIMEOUT_SECONDS} s), so a slow job is retried, not the function killed"
            )
        if values.get("staging_dataset") and values.get("staging_dataset") == values.get("dataset"):
            problems.append(
                f"{PREFIX}STAGING_DATASET must not be the dataset of raw_events: staging "
                "tables expire through the staging dataset's default table expiration"
            )
        quarantine = values.get("quarantine_prefix", cls.quarantine_prefix)
        if values.get("staging_prefix", cls.staging_prefix) == quarantine:
            problems.append(f"{PREFIX}STAGING_PREFIX and {PREFIX}QUARANTINE_PREFIX must differ")
        if problems:
            raise ConfigError("invalid loader settings:\n  " + "\n  ".join(problems))
        return cls(**values)

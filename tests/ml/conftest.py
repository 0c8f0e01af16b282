"""One world for the ML tests, built once per session: 90 days of the generator's traffic
whose users differ in latent interest, with one incident of each kind on a chosen day,
loaded into DuckDB and built by dbt (the models the ML reads, without data tests)."""

from dataclasses import dataclass
from datetime import date
from pathlib import Path

import pytest
from snowplow_dbt.runner import DbtProject
from snowplow_loader.embedded import EmbeddedLoader
from snowplow_loader.files import SourceFile
from snowplow_sample.generate import Options, generate
from snowplow_sample.incidents import Incidents

START = date(2026, 10, 1)
INCIDENTS = Incidents(
    ping_drop=date(2026, 11, 12),
    missing_device=(date(2026, 11, 19), "Mobile"),
    crawler_flood=date(2026, 11, 26),
    bounce_jump=date(2026, 12, 10),
)
# the metric each incident must move (others may move too)
SIGNATURES = {
    "ping_drop": "page_pings",
    "missing_device": "sessions.mobile",
    "crawler_flood": "bot_share",
    "bounce_jump": "bounce_rate",
}


@dataclass(frozen=True)
class World:
    database: Path
    work: Path


@pytest.fixture(scope="session")
def world(tmp_path_factory: pytest.TempPathFactory) -> World:
    work = tmp_path_factory.mktemp("ninety")
    events = work / "events.tsv"
    generate(
        events,
        150_000,
        seed=7,
        start=START,
        days=90,
        awkward=False,
        options=Options(INCIDENTS, interest=True),
    )
    database = work / "snowplow.duckdb"
    with EmbeddedLoader(database) as loader:
        loader.load(SourceFile.at(events))
    # the models the ML reads and what they need (seeds included, which `dbt run` skips);
    # their data tests run in the other suites
    DbtProject.local(work / "dbt", database).invoke(
        "build",
        "--quiet",
        "--select",
        "+metric_anomalies +user_return_features",
        "--exclude",
        "resource_type:test resource_type:unit_test",
    )
    return World(database, work)

"""The models on a Snowplow BigQuery Loader table give the marts they give on raw_events.

The conformance events are rewritten into the loader's layout (tests/support/
bigquery_loader_layout.py: typed atomic columns, one STRUCT/LIST column per schema), with
2.x column names (per major version) and with 1.x names (per full version). Built with
var snowplow__events_source = bigquery_loader, every mart and analytics table must equal
the build of the same events from raw_events, in one full build and in two incremental
ones; and the sessions and users still equal Snowplow's expected outputs.
"""

from pathlib import Path

import duckdb
import pytest
from snowplow_dbt import conformance
from snowplow_dbt.runner import DbtProject

from tests.support.bigquery_loader_layout import convert
from tests.transform.helpers import (
    Built,
    checksum,
    checksums,
    expected_sessions,
    expected_users,
    rows,
    session_view,
    user_view,
)

LOADER = {"snowplow__events_source": "bigquery_loader"}
# what infra/snowplow_infra/transform_job.py sets on the job for a BigQuery Loader table;
# the DuckDB file "loader.duckdb" is the catalog (BigQuery: the table's project)
JOB_ENVIRONMENT = {
    "SNOWPLOW_EVENTS_SOURCE": "bigquery_loader",
    "SNOWPLOW_EVENTS_PROJECT": "loader",
    "SNOWPLOW_DATASET": "main",
    "SNOWPLOW_BIGQUERY_LOADER_TABLE": "events",
}
# staging as both layouts give it; load_file_key is this project's own (NULL on the loader's)
STAGED_EVENTS = "(select * exclude (load_file_key) from stg_snowplow__events)"

pytestmark = pytest.mark.xdist_group("conformance-build")  # shares conformance_built


def loader_events(database: Path, slices: list[int], legacy: bool = False) -> None:
    """Add the conformance events of `slices` to `database`'s BigQuery Loader table.

    raw_events is kept under another name between calls, so the models cannot read it.
    """
    with duckdb.connect(str(database)) as connection:
        connection.execute("alter table if exists landed rename to raw_events")
    conformance.import_events(database, slices)
    with duckdb.connect(str(database)) as connection:
        convert(connection, "events", legacy)  # earlier rows unchanged, as the loader appends
        connection.execute("alter table raw_events rename to landed")


def assert_same_models(database: Path, reference: Built) -> None:
    assert checksums(database) == checksums(reference.database)
    assert checksum(database, STAGED_EVENTS) == checksum(reference.database, STAGED_EVENTS)


@pytest.mark.parametrize("legacy", [False, True], ids=["2.x columns", "1.x columns"])
def test_a_full_build_on_the_loader_table_equals_the_raw_events_build(
    tmp_path: Path, conformance_built: Built, legacy: bool
) -> None:
    database = tmp_path / "loader.duckdb"
    loader_events(database, [0, 1, 2, 3], legacy)
    DbtProject.local(tmp_path / "dbt", database).build("--selector", "full", variables=LOADER)

    assert_same_models(database, conformance_built)
    sessions = {r["domain_sessionid"]: session_view(r) for r in rows(database, "from fct_sessions")}
    assert sessions == expected_sessions()
    users = {r["domain_userid"]: user_view(r) for r in rows(database, "from dim_users")}
    assert users == expected_users()


def test_incremental_builds_on_the_loader_table_equal_the_raw_events_build(
    tmp_path: Path, conformance_built: Built
) -> None:
    database = tmp_path / "loader.duckdb"
    project = DbtProject.local(tmp_path / "dbt", database)
    # as the deployed job selects the table: its environment, no --vars (infra: events_source)
    project.env = {**project.env, **JOB_ENVIRONMENT}
    loader_events(database, [0, 1])
    project.build("--selector", "daily")
    loader_events(database, [2, 3])  # the loader appends: the table now holds all four
    with duckdb.connect(str(database), read_only=True) as connection:
        assert connection.execute("select count(*) from events").fetchone() == (160,)
    project.build("--selector", "daily")

    assert_same_models(database, conformance_built)


def test_an_unknown_source_layout_is_refused_with_its_name(tmp_path: Path) -> None:
    result = DbtProject.local(tmp_path / "dbt", tmp_path / "x.duckdb").try_invoke(
        "compile", "--select", "stg_snowplow__events", variables={"snowplow__events_source": "gcs"}
    )
    assert not result.success
    assert "'gcs' is neither 'raw_events' nor 'bigquery_loader'" in str(result.exception)

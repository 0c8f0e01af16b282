"""Bot filtering: bots' user agents and IAB spiders-and-robots verdicts never reach the
marts, the filtered events are counted, and with the switch off they all reach them.

One module-scoped dataset, built twice: filter on (the default), then a full refresh
with the filter off (and user stitching off, the other switch). And the sample
generator's crawlers, loaded by the loader as `make demo` loads them.
"""

from pathlib import Path
from typing import Any

import duckdb
import pytest
from snowplow_dbt.runner import DbtProject
from snowplow_loader import cli as load
from snowplow_sample import catalog
from snowplow_sample.generate import generate as generate_sample

from tests.transform.helpers import rows
from tests.transform.synthetic import Traffic, generate

# user agents of Snowplow's pattern (any case), each given to some sessions
BOT_AGENTS = (
    "Mozilla/5.0 (compatible; Googlebot/2.1; +http://www.google.com/bot.html)",
    "Mozilla/5.0 (compatible; YandexBot/3.0; +http://yandex.com/bots)",
    "facebookexternalhit/1.1 (+http://www.facebook.com/externalhit_uatext.php)",
    "Mozilla/5.0 (Windows NT 6.1) Chrome/41.0 Safari/537.36 360Spider",
    "Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 PhantomJS/2.1.1 Safari/538.1",
)
IAB = "iglu:com.iab.snowplow/spiders_and_robots/jsonschema/1-0-0"
UA_PARSER = "iglu:com.snowplowanalytics.snowplow/ua_parser_context/jsonschema/1-0-0"
CONTEXTS = "iglu:com.snowplowanalytics.snowplow/contexts/jsonschema/1-0-0"


def derived_contexts(spider_or_robot: bool) -> str:
    """A derived_contexts value with the IAB verdict second, after a ua-parser entity."""
    verdict = "true" if spider_or_robot else "false"
    return (
        f'{{"schema":"{CONTEXTS}","data":[{{"schema":"{UA_PARSER}","data":{{"useragentFamily":'
        f'"Firefox"}}}},{{"schema":"{IAB}","data":{{"spiderOrRobot":{verdict},'
        '"category":"BROWSER","reason":"PASSED_ALL","primaryImpact":"NONE"}}]}'
    )


@pytest.fixture(scope="module")
def database(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """Synthetic traffic where sessions 0-4 (by id order) carry bot user agents, 5-7 an
    IAB verdict 'robot' with a browser's agent, 8-9 an IAB verdict 'browser', 10 no
    user agent at all. The bots get browser ids of their own."""
    path = tmp_path_factory.mktemp("bots") / "snowplow.duckdb"
    generate(path, Traffic(sessions=120, users=50, days=2))
    with duckdb.connect(str(path)) as connection:
        connection.execute(
            """
            create table marked as
            select domain_sessionid, row_number() over (order by domain_sessionid) - 1 as n
            from (select distinct domain_sessionid from raw_events)
            """
        )
        for n, agent in enumerate(BOT_AGENTS):
            connection.execute(
                "update raw_events set useragent = ?, domain_userid = 'bot-' || domain_sessionid "
                "where domain_sessionid = (select domain_sessionid from marked where n = ?)",
                [agent, n],
            )
        for n, robot in ((5, True), (6, True), (7, True), (8, False), (9, False)):
            connection.execute(
                "update raw_events set derived_contexts = ?, domain_userid ="
                " case when ? then 'bot-' || domain_sessionid else domain_userid end "
                "where domain_sessionid = (select domain_sessionid from marked where n = ?)",
                [derived_contexts(robot), robot, n],
            )
        connection.execute(
            "update raw_events set useragent = null "
            "where domain_sessionid = (select domain_sessionid from marked where n = 10)"
        )
    return path


def expected_bot_events(database: Path) -> int:
    """Distinct events of the bot sessions that staging keeps (not sent too late)."""
    (row,) = rows(
        database,
        """
        select count(distinct event_id) as events from raw_events
        where domain_userid like 'bot-%'
          and (dvce_sent_tstamp <= dvce_created_tstamp + interval 3 day)
        """,
    )
    return int(row["events"])


def bot_rows(database: Path) -> dict[str, int]:
    counts: dict[str, Any] = rows(
        database,
        """
        select
            (select count(*) from fct_sessions where domain_userid like 'bot-%') as sessions,
            (select count(*) from fct_page_views where domain_userid like 'bot-%') as page_views,
            (select count(*) from dim_users where domain_userid like 'bot-%') as users,
            (select count(*) from int_snowplow__filtered_bot_events) as filtered
        """,
    )[0]
    return dict(counts)


@pytest.fixture(scope="module")
def built(database: Path, tmp_path_factory: pytest.TempPathFactory) -> dict[str, dict[str, int]]:
    """Counts after a build with the defaults, then after a full refresh with both off."""
    project = DbtProject.local(tmp_path_factory.mktemp("bots-dbt"), database)
    project.build("--exclude", "resource_type:unit_test")
    on = bot_rows(database)
    on["humans"] = rows(database, "select count(*) as n from fct_sessions")[0]["n"]
    project.build(
        "--full-refresh",
        "--exclude",
        "resource_type:unit_test",
        variables={"snowplow__filter_bots": False, "snowplow__enable_user_stitching": False},
    )
    off = bot_rows(database)
    off.update(
        rows(
            database,
            """
            select count(*) as all_sessions,
                   count(stitched_user_id) as stitched,
                   (select count(*) from dim_users where is_stitched) as stitched_users
            from fct_sessions
            """,
        )[0]
    )
    return {"on": on, "off": off}


def test_no_bot_reaches_the_marts_and_every_filtered_event_is_counted(
    built: dict[str, dict[str, int]], database: Path
) -> None:
    on = built["on"]
    assert {k: on[k] for k in ("sessions", "page_views", "users")} == {
        "sessions": 0,
        "page_views": 0,
        "users": 0,
    }
    assert on["filtered"] == expected_bot_events(database) > 0


def test_iab_browser_verdicts_and_missing_user_agents_are_kept(
    built: dict[str, dict[str, int]],
) -> None:
    # every session but the 8 bots' (5 by user agent, 3 by IAB verdict)
    assert built["on"]["humans"] == built["off"]["all_sessions"] - 8


def test_with_the_switches_off_every_bot_reaches_the_marts_and_nothing_is_stitched(
    built: dict[str, dict[str, int]],
) -> None:
    off = built["off"]
    assert off["sessions"] == 8
    assert off["users"] == 8
    assert off["page_views"] > 0
    assert off["filtered"] == 0
    assert off["stitched"] == 0
    assert off["stitched_users"] == 0


def test_the_sample_generators_bots_are_removed_from_the_marts(
    tmp_path_factory: pytest.TempPathFactory,
) -> None:
    """`make demo`'s data: snowplow-sample makes about 3 % of sessions crawlers (their
    user agents, and an IAB context saying so); the loader loads them; none is left."""
    work = tmp_path_factory.mktemp("sample-bots")
    database = work / "snowplow.duckdb"
    stats = generate_sample(work / "events.tsv", events=20_000, seed=3, awkward=False)
    assert stats.bot_sessions > 0
    assert load.main([str(work / "events.tsv"), "--db", str(database), "--quiet"]) == 0
    DbtProject.local(work / "dbt", database).build("--exclude", "resource_type:unit_test")

    agents = ", ".join(f"'{agent.useragent}'" for agent in catalog.BOTS)
    (found,) = rows(
        database,
        f"""
        select
            (select count(distinct event_id) from raw_events where useragent in ({agents}))
                as bot_events,
            (select count(distinct domain_sessionid) from raw_events
              where useragent in ({agents})) as bot_sessions,
            (select count(*) from int_snowplow__filtered_bot_events) as filtered,
            (select count(distinct domain_sessionid) from int_snowplow__filtered_bot_events)
                as filtered_sessions,
            (select count(*) from fct_sessions where useragent in ({agents})) as in_sessions,
            (select count(*) from fct_page_views where useragent in ({agents})) as in_page_views,
            (select count(*) from dim_users where domain_userid in (
                select domain_userid from raw_events where useragent in ({agents}))) as in_users
        """,
    )
    assert found == {
        "bot_events": found["filtered"],
        "bot_sessions": stats.bot_sessions,
        "filtered": found["filtered"],
        "filtered_sessions": stats.bot_sessions,
        "in_sessions": 0,
        "in_page_views": 0,
        "in_users": 0,
    }
    assert found["filtered"] > 0

"""Bot filtering: bots' user agents and IAB spiders-and-robots verdicts never reach the
marts, the filtered events are counted, and with the switch off they all reach them.

One module-scoped dataset, built twice: filter on (the default), then a full refresh
with the filter off (and user stitching off, the other switch). It holds the sample
generator's traffic as `make demo` loads it (about 3 % of its sessions are crawlers,
with their user agents and an IAB verdict saying so) plus synthetic sessions made into
bots by hand, in every way the rule knows.
"""

import re
from pathlib import Path
from typing import Any

import duckdb
import pytest
from snowplow_dbt import bots as bot_patterns
from snowplow_dbt.report import summary
from snowplow_dbt.runner import DbtProject
from snowplow_loader import cli as load
from snowplow_sample import agents
from snowplow_sample.generate import generate as generate_sample

from tests.transform.helpers import rows
from tests.transform.synthetic import Traffic, generate

# user agents of Snowplow's pattern (any case), each given to one synthetic session
BOT_AGENTS = (
    "Mozilla/5.0 (compatible; Googlebot/2.1; +http://www.google.com/bot.html)",
    "Mozilla/5.0 (compatible; YandexBot/3.0; +http://yandex.com/bots)",
    "facebookexternalhit/1.1 (+http://www.facebook.com/externalhit_uatext.php)",
    "Mozilla/5.0 (Windows NT 6.1) Chrome/41.0 Safari/537.36 360Spider",
    "Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 PhantomJS/2.1.1 Safari/538.1",
)
# user agents Snowplow's list misses and the crawler-user-agents list catches
HEADLESS_AND_LIBRARIES = (
    "Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) "
    "HeadlessChrome/120.0.6099.71 Safari/537.36",
    "python-requests/2.31.0",
    "curl/8.4.0",
    "Go-http-client/1.1",
)
IAB = "iglu:com.iab.snowplow/spiders_and_robots/jsonschema/1-0-0"
UA_PARSER = "iglu:com.snowplowanalytics.snowplow/ua_parser_context/jsonschema/1-0-0"
CONTEXTS = "iglu:com.snowplowanalytics.snowplow/contexts/jsonschema/1-0-0"
SAMPLE_BOTS = "useragent in (" + ", ".join(f"'{a.useragent}'" for a in agents.BOTS) + ")"
HAND_MADE_BOTS = "domain_userid like 'bot-%'"


def derived_contexts(spider_or_robot: bool) -> str:
    """A derived_contexts value with the IAB verdict second, after a ua-parser entity."""
    verdict, category, reason, impact = (
        ("true", "SPIDER_OR_ROBOT", "FAILED_IP_EXCLUDE", "UNKNOWN")
        if spider_or_robot
        else ("false", "BROWSER", "PASSED_ALL", "NONE")
    )
    return (
        f'{{"schema":"{CONTEXTS}","data":[{{"schema":"{UA_PARSER}","data":{{"useragentFamily":'
        f'"Firefox"}}}},{{"schema":"{IAB}","data":{{"spiderOrRobot":{verdict},'
        f'"category":"{category}","reason":"{reason}","primaryImpact":"{impact}"}}}}]}}'
    )


@pytest.fixture(scope="module")
def database(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The sample generator's events through the loader, then synthetic traffic where
    sessions 0-4 (by id order) carry bot user agents, 5-7 an IAB verdict 'robot' with a
    browser's agent, 8-9 an IAB verdict 'browser', 10 no user agent at all, 11-14 the
    user agents of a headless browser and of HTTP libraries. The hand-made bots get
    browser ids of their own ('bot-...')."""
    work = tmp_path_factory.mktemp("bots")
    path = work / "snowplow.duckdb"
    stats = generate_sample(work / "events.tsv", events=5_000, seed=3, awkward=False)
    assert stats.bot_sessions > 0
    assert load.main([str(work / "events.tsv"), "--db", str(path), "--quiet"]) == 0
    generate(path, Traffic(sessions=120, users=50, days=2))
    with duckdb.connect(str(path)) as connection:
        connection.execute(
            """
            create table marked as
            select domain_sessionid, row_number() over (order by domain_sessionid) - 1 as n
            from (select distinct domain_sessionid from raw_events where app_id = 'synthetic')
            """
        )
        for n, agent in (*enumerate(BOT_AGENTS), *enumerate(HEADLESS_AND_LIBRARIES, 11)):
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


def counts(database: Path) -> dict[str, Any]:
    """For the hand-made bots and the sample's crawlers: raw events staging keeps
    (distinct, not sent too late), rows in the marts, and filtered events."""
    found: dict[str, Any] = {}
    for name, bots in (("hand_made", HAND_MADE_BOTS), ("sample", SAMPLE_BOTS)):
        found[name] = rows(
            database,
            f"""
            select
                (select count(distinct event_id) from raw_events where {bots}
                   and coalesce(dvce_sent_tstamp <= dvce_created_tstamp + interval 3 day, true))
                    as events,
                (select count(distinct domain_sessionid) from raw_events where {bots})
                    as raw_sessions,
                (select count(*) from fct_sessions where {bots}) as sessions,
                (select count(*) from fct_page_views where {bots}) as page_views,
                (select count(*) from dim_users where domain_userid in (
                    select domain_userid from raw_events where {bots})) as users,
                (select count(*) from int_snowplow__filtered_bot_events where {bots})
                    as filtered
            """,
        )[0]
    found.update(
        rows(
            database,
            """
            select count(*) as all_sessions,
                   count(stitched_user_id) as stitched,
                   (select count(*) from dim_users where is_stitched) as stitched_users,
                   (select count(*) from int_snowplow__filtered_bot_events) as filtered
            from fct_sessions
            """,
        )[0]
    )
    return found


@pytest.fixture(scope="module")
def built(database: Path, tmp_path_factory: pytest.TempPathFactory) -> dict[str, dict[str, Any]]:
    """Counts after a build with the defaults, then after a full refresh with both off."""
    project = DbtProject.local(tmp_path_factory.mktemp("bots-dbt"), database)
    project.build("--exclude", "resource_type:unit_test")
    on = counts(database)
    on["sources"] = rows(
        database,
        f"""
        select useragent,
               bool_or(useragent_in_snowplow_list) as snowplow,
               bool_or(useragent_in_crawler_user_agents) as crawler,
               bool_or(spider_or_robot) as spider_or_robot,
               min(category) as category, min(primary_impact) as primary_impact,
               min(reason) as reason
        from int_snowplow__filtered_bot_events where {HAND_MADE_BOTS}
        group by domain_sessionid, useragent
        """,
    )
    on["summary"] = summary(database)
    on["sample_agents"] = rows(
        database,
        "select useragent, count(distinct domain_sessionid) as sessions from raw_events"
        f" where {SAMPLE_BOTS} group by useragent",
    )
    (iab,) = rows(
        database,
        "select count(distinct domain_sessionid) as sessions from raw_events"
        f" where {SAMPLE_BOTS}"
        " and replace(derived_contexts, ' ', '') like '%\"spiderOrRobot\":true%'",
    )
    on["sample_iab_robots"] = iab["sessions"]
    on["iab_kept"] = rows(
        database,
        "select category, min(reason) as reason, count(distinct domain_sessionid) as sessions"
        " from stg_snowplow__events where category is not null and not is_bot"
        " and app_id = 'synthetic' group by category",
    )
    project.build(
        "--full-refresh",
        "--exclude",
        "resource_type:unit_test",
        variables={"snowplow__filter_bots": False, "snowplow__enable_user_stitching": False},
    )
    return {"on": on, "off": counts(database)}


@pytest.mark.parametrize("bots", ["hand_made", "sample"])
def test_no_bot_reaches_the_marts_and_every_filtered_event_is_counted(
    built: dict[str, dict[str, Any]], bots: str
) -> None:
    found = built["on"][bots]
    assert (found["sessions"], found["page_views"], found["users"]) == (0, 0, 0)
    assert found["filtered"] == found["events"] > 0
    assert built["on"]["filtered"] == (
        built["on"]["hand_made"]["filtered"] + built["on"]["sample"]["filtered"]
    )


def test_iab_browser_verdicts_and_missing_user_agents_are_kept(
    built: dict[str, dict[str, Any]],
) -> None:
    # every session but the bots': 12 hand-made (9 by user agent, 3 by IAB verdict) and
    # the sample's crawlers; sessions 8-10 (IAB 'browser', no user agent) stay
    on, off = built["on"], built["off"]
    assert on["hand_made"]["raw_sessions"] == 12
    assert on["all_sessions"] == off["all_sessions"] - 12 - off["sample"]["sessions"]
    kept = {row["category"]: row for row in on["iab_kept"]}
    assert kept.keys() == {"BROWSER"}  # exposed on the events it did not filter too
    assert kept["BROWSER"]["reason"] == "PASSED_ALL" and kept["BROWSER"]["sessions"] == 2


def test_each_filtered_event_says_which_source_flagged_it(
    built: dict[str, dict[str, Any]],
) -> None:
    """Headless browsers and HTTP libraries: the crawler-user-agents list alone; Snowplow's
    bots: its list (and the crawler list too); IAB robots: the enrichment's fields."""
    sources = {row["useragent"]: row for row in built["on"]["sources"]}
    for agent in HEADLESS_AND_LIBRARIES:
        assert (sources[agent]["snowplow"], sources[agent]["crawler"]) == (False, True), agent
    for agent in BOT_AGENTS:
        assert sources[agent]["snowplow"] is True, agent
    robots = [row for row in built["on"]["sources"] if row["spider_or_robot"]]
    assert len(robots) == 3
    assert all(
        (row["category"], row["primary_impact"], row["reason"], row["snowplow"], row["crawler"])
        == ("SPIDER_OR_ROBOT", "UNKNOWN", "FAILED_IP_EXCLUDE", False, False)
        for row in robots
    )


def test_the_demo_summary_counts_bot_sessions_by_source(
    built: dict[str, dict[str, Any]],
) -> None:
    """`make demo` prints the sessions each source flags. Expected here from the raw user
    agents, matched in Python against each list, and the IAB verdicts the data was made
    with: hand-made 5 of Snowplow's list, 4 only crawler-user-agents knows, 3 IAB robots;
    plus the sample generator's crawlers (user agent and IAB verdict)."""
    crawler = [re.compile(pattern) for pattern in bot_patterns.load().crawler_user_agents]

    def in_crawler_list(agent: str) -> bool:
        return any(pattern.search(agent) for pattern in crawler)

    def in_snowplow_list(agent: str) -> bool:
        return re.search(bot_patterns.SNOWPLOW_PATTERN, agent) is not None

    on = built["on"]
    agents = [
        *((agent, 1) for agent in (*BOT_AGENTS, *HEADLESS_AND_LIBRARIES)),
        *((row["useragent"], row["sessions"]) for row in on["sample_agents"]),
    ]
    sample = on["sample"]["raw_sessions"]
    want = {
        "snowplow": sum(n for agent, n in agents if in_snowplow_list(agent)),
        "crawler": sum(n for agent, n in agents if in_crawler_list(agent)),
        "crawler_only": sum(
            n for agent, n in agents if in_crawler_list(agent) and not in_snowplow_list(agent)
        ),
        "iab": 3 + on["sample_iab_robots"],
    }
    assert want["crawler_only"] >= 4 and want["snowplow"] >= 5
    line = next(x for x in on["summary"].splitlines() if x.startswith("bots"))
    assert f"in {sample + 12:,} sessions;" in line
    assert (
        f"Snowplow's list {want['snowplow']:,}, crawler-user-agents {want['crawler']:,}"
        f" ({want['crawler_only']:,} that Snowplow's list misses),"
        f" IAB enrichment {want['iab']:,}"
    ) in line, line


def test_with_the_switches_off_every_bot_reaches_the_marts_and_nothing_is_stitched(
    built: dict[str, dict[str, Any]],
) -> None:
    off = built["off"]
    for bots in ("hand_made", "sample"):
        assert off[bots]["sessions"] == off[bots]["raw_sessions"] > 0, bots
        assert off[bots]["users"] > 0 and off[bots]["page_views"] > 0, bots
        assert off[bots]["filtered"] == 0, bots
    assert off["stitched"] == 0
    assert off["stitched_users"] == 0

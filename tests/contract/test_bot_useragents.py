"""The dbt project's bot user-agent patterns (transform/macros/bot_useragents.sql) are
generated from the pinned crawler-user-agents package and keep Snowplow's list whole.

Fast: no dbt run. The expressions are evaluated in DuckDB, whose regular expressions are
RE2 as BigQuery's are; tests/transform/test_bots.py runs them through dbt.
"""

import json
import re
import tomllib
from importlib import resources
from pathlib import Path

import duckdb
import pytest
from snowplow_dbt import bots
from snowplow_sample.agents import AGENTS, BOTS

REPO = Path(__file__).resolve().parents[2]

# Snowplow web package's own filter, as its BigQuery macro applies it: these terms,
# case-sensitive, anywhere in the user agent.
SNOWPLOW_BIGQUERY = (
    "(bot|crawl|slurp|spider|archiv|spinn|sniff|seo|audit|survey|pingdom|worm|capture|"
    "(browser|screen)shots|analyz|index|thumb|check|facebook|PingdomBot|PhantomJS|YandexBot|"
    "Twitterbot|a_archiver|facebookexternalhit|Bingbot|BingPreview|Googlebot|Baiduspider|"
    "360(Spider|User-agent)|semalt)"
)
HEADLESS_AND_LIBRARIES = (
    "Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) "
    "HeadlessChrome/120.0.6099.71 Safari/537.36",
    "python-requests/2.31.0",
    "curl/8.4.0",
    "Go-http-client/1.1",
)


@pytest.fixture(scope="module")
def patterns() -> bots.Patterns:
    return bots.load()


def flagged(expressions: list[str], agents: list[str]) -> dict[str, bool]:
    """Per user agent: does any expression match it, in DuckDB's RE2."""
    condition = " or ".join(f"regexp_matches(agent, '{e}')" for e in expressions)
    with duckdb.connect() as connection:
        connection.execute("create table agents (agent varchar)")
        connection.executemany("insert into agents values (?)", [[a] for a in agents])
        found = connection.execute(f"select agent, {condition} from agents").fetchall()
    return dict(found)


def test_the_macro_file_is_generated_from_the_installed_package(patterns: bots.Patterns) -> None:
    assert bots.MACRO_FILE.read_text() == bots.render(patterns), "run `make bots`"
    assert bots.main(["--check"]) == 0
    assert f"{bots.PACKAGE} {patterns.version}" in bots.MACRO_FILE.read_text()


def test_the_package_is_pinned_to_the_version_the_file_names(patterns: bots.Patterns) -> None:
    project = tomllib.loads((REPO / "transform" / "pyproject.toml").read_text())
    pins = [d for d in project["project"]["dependencies"] if d.startswith(bots.PACKAGE)]
    assert pins == [f"{bots.PACKAGE}=={patterns.version}"]


def test_every_pattern_of_the_package_is_in_the_file(patterns: bots.Patterns) -> None:
    raw = json.loads(
        (resources.files("crawleruseragents") / "crawler-user-agents.json").read_text()
    )
    assert len(patterns.crawler_user_agents) == len(raw) > 1000
    text = bots.MACRO_FILE.read_text()
    for entry in raw:
        assert entry["pattern"].replace("'", r"\x27") + "\n" in text, entry["pattern"]
    assert "'" not in "".join(patterns.expressions)  # safe inside a SQL string literal


def test_headless_browsers_and_http_libraries_are_bots(patterns: bots.Patterns) -> None:
    assert flagged(patterns.expressions, list(HEADLESS_AND_LIBRARIES)) == dict.fromkeys(
        HEADLESS_AND_LIBRARIES, True
    )
    # Snowplow's own list misses every one of them
    assert not any(re.search(SNOWPLOW_BIGQUERY, agent) for agent in HEADLESS_AND_LIBRARIES)


def test_snowplow_s_list_is_a_subset_of_the_generated_patterns(patterns: bots.Patterns) -> None:
    assert patterns.expressions[0] == bots.SNOWPLOW_PATTERN
    assert bots.SNOWPLOW_PATTERN.lower() == f"(?i:{SNOWPLOW_BIGQUERY[1:-1].lower()})"
    # every user agent Snowplow's filter catches, among the package's ~5,000 examples,
    # the hand-made bots of the tests and one per term, the generated expressions catch
    instances = json.loads(
        (resources.files("crawleruseragents") / "crawler-user-agents.json").read_text()
    )
    terms = re.sub(r"\((\w+)\|(\w+)\)(\w+)", r"\1\3|\2\3", SNOWPLOW_BIGQUERY[1:-1])
    terms = re.sub(r"(\w+)\((\w+)\|([\w-]+)\)", r"\1\2|\1\3", terms)
    agents = [
        *(a for entry in instances for a in entry.get("instances", [])),
        *(f"Mozilla/5.0 (compatible; {term}/1.0)" for term in terms.split("|")),
        *(agent.useragent for agent in BOTS),
    ]
    snowplow_catches = [a for a in agents if re.search(SNOWPLOW_BIGQUERY, a)]
    assert len(snowplow_catches) > 1000
    verdicts = flagged(patterns.expressions, snowplow_catches)
    assert [a for a, bot in verdicts.items() if not bot] == []
    # Snowplow's part alone already does, in any case
    alone = flagged([bots.SNOWPLOW_PATTERN], [a.upper() for a in snowplow_catches])
    assert all(alone.values())


def test_browsers_are_not_bots(patterns: bots.Patterns) -> None:
    browsers = [agent.useragent for agent in AGENTS]
    assert len(browsers) >= 5
    assert flagged(patterns.expressions, browsers) == dict.fromkeys(browsers, False)

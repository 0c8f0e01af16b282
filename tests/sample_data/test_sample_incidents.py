"""Incidents and latent interest are opt-in: the default bytes stay, each incident shows."""

from datetime import date
from pathlib import Path

from snowplow_sample import agents
from snowplow_sample.generate import Options, generate
from snowplow_sample.incidents import Incidents

START = date(2026, 10, 1)
DAY = date(2026, 10, 3)


def _lines(path: Path) -> list[list[str]]:
    return [line.split("\t") for line in path.read_text().splitlines()]


def _on_day(rows: list[list[str]], kind: str) -> int:
    # field 6 is event (page_view, page_ping, ...), field 3 collector_tstamp
    return sum(1 for r in rows if r[5] == kind and r[3].startswith(DAY.isoformat()))


def test_empty_options_write_the_default_bytes(tmp_path: Path) -> None:
    plain, opted = tmp_path / "plain.tsv", tmp_path / "opted.tsv"
    generate(plain, 3_000, seed=5, start=START, days=5)
    generate(opted, 3_000, seed=5, start=START, days=5, options=Options())
    assert plain.read_bytes() == opted.read_bytes()


def test_ping_drop_loses_most_pings_of_its_day_only(tmp_path: Path) -> None:
    plain, dropped = tmp_path / "plain.tsv", tmp_path / "dropped.tsv"
    generate(plain, 6_000, seed=5, start=START, days=5, awkward=False)
    stats = generate(
        dropped,
        6_000,
        seed=5,
        start=START,
        days=5,
        awkward=False,
        options=Options(Incidents(ping_drop=DAY)),
    )
    before, after = _on_day(_lines(plain), "page_ping"), _on_day(_lines(dropped), "page_ping")
    assert before > 200 and after < 0.35 * before
    assert stats.events == len(_lines(dropped)) < 6_000


def test_crawler_flood_and_missing_device(tmp_path: Path) -> None:
    path = tmp_path / "incidents.tsv"
    incidents = Incidents(missing_device=(DAY, "Computer"), crawler_flood=DAY)
    generate(path, 6_000, seed=5, start=START, days=5, awkward=False, options=Options(incidents))
    rows = [r for r in _lines(path) if r[3].startswith(DAY.isoformat())]
    lines = ["\t".join(r) for r in rows]
    robots = [line for line in lines if any(b.useragent in line for b in agents.BOTS)]
    assert len(robots) > 0.3 * len(lines)
    computers = [a.useragent for a in agents.AGENTS if a.device == "Computer"]
    assert not [line for line in lines if any(agent in line for agent in computers)]

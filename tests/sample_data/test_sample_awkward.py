"""Each awkward case is in the counts and, visibly, in the data; --no-awkward removes them."""

import json
from collections import Counter, defaultdict
from datetime import UTC, datetime, timedelta
from pathlib import Path

from snowplow_sample import Awkwardness, generate

from tests.support.samples import Generated, as_rows, read_lines

THREE_DAYS = timedelta(days=3)


def _at(text: str) -> datetime:
    return datetime.strptime(text, "%Y-%m-%d %H:%M:%S.%f").replace(tzinfo=UTC)


def _page_view_id(row: dict[str, str]) -> str:
    return str(json.loads(row["contexts"])["data"][0]["data"]["id"])


def test_every_case_is_counted(sample: Generated) -> None:
    stats = sample.stats
    counts = {
        "exact_duplicates": stats.exact_duplicates,
        "retried_duplicates": stats.retried_duplicates,
        "late": stats.late,
        "stray_pings": stats.stray_pings,
        "null_session_ids": stats.null_session_ids,
        "null_user_ids": stats.null_user_ids,
        "rotating_user_sessions": stats.rotating_user_sessions,
        "long_sessions": stats.long_sessions,
    }
    assert all(n > 0 for n in counts.values()), counts
    assert stats.exact_duplicates + stats.retried_duplicates + stats.late < 0.01 * stats.events


def test_exact_duplicates_are_identical_lines(sample: Generated) -> None:
    repeated = [line for line, n in Counter(sample.lines).items() if n > 1]
    assert len(repeated) == sample.stats.exact_duplicates


def test_retried_duplicates_share_an_event_id_but_not_the_collector_time(
    sample: Generated,
) -> None:
    by_id: dict[str, set[str]] = defaultdict(set)
    for row in sample.rows:
        by_id[row["event_id"]].add(row["collector_tstamp"])
    retried = [stamps for stamps in by_id.values() if len(stamps) > 1]
    assert len(retried) == sample.stats.retried_duplicates


def test_late_events_reach_the_collector_more_than_three_days_after_creation(
    sample: Generated,
) -> None:
    late = [
        r
        for r in sample.rows
        if _at(r["collector_tstamp"]) - _at(r["dvce_created_tstamp"]) > THREE_DAYS
    ]
    assert len(late) == sample.stats.late


def test_stray_pings_have_no_page_view(sample: Generated) -> None:
    views = {_page_view_id(r) for r in sample.rows if r["event"] == "page_view"}
    strays = {_page_view_id(r) for r in sample.rows if r["event"] == "page_ping"} - views
    assert len(strays) == sample.stats.stray_pings


def test_some_events_lack_a_session_or_user_id(sample: Generated) -> None:
    assert sum(not r["domain_sessionid"] for r in sample.rows) == sample.stats.null_session_ids
    assert sum(not r["domain_userid"] for r in sample.rows) == sample.stats.null_user_ids


def test_a_session_changes_domain_userid_half_way(sample: Generated) -> None:
    users: dict[str, set[str]] = defaultdict(set)
    for row in sample.rows:
        if row["domain_sessionid"] and row["domain_userid"]:
            users[row["domain_sessionid"]].add(row["domain_userid"])
    rotating = [u for u in users.values() if len(u) > 1]
    assert len(rotating) == sample.stats.rotating_user_sessions


def test_a_session_lasts_more_than_three_days(sample: Generated) -> None:
    spans: dict[str, list[datetime]] = defaultdict(list)
    for row in sample.rows:
        if row["domain_sessionid"]:
            spans[row["domain_sessionid"]].append(_at(row["derived_tstamp"]))
    long = [s for s in spans.values() if max(s) - min(s) > THREE_DAYS]
    assert len(long) == sample.stats.long_sessions


def test_no_awkward_means_none_of_the_cases(tmp_path: Path) -> None:
    path = tmp_path / "clean.tsv"
    stats = generate(path, 6_000, seed=42, awkward=False)
    rows = as_rows(read_lines(path))
    assert len({r["event_id"] for r in rows}) == len(rows)
    assert all(r["domain_sessionid"] and r["domain_userid"] for r in rows)
    views = {_page_view_id(r) for r in rows if r["event"] == "page_view"}
    assert all(_page_view_id(r) in views for r in rows)
    assert stats.duplicates == stats.late == stats.stray_pings == stats.long_sessions == 0


def test_rates_are_configurable(tmp_path: Path) -> None:
    rates = Awkwardness(exact_duplicates=0.05, retried_duplicates=0.0, late_events=0.0)
    stats = generate(tmp_path / "dupes.tsv", 2_000, awkward=rates)
    assert stats.exact_duplicates > 50
    assert stats.retried_duplicates == stats.late == 0

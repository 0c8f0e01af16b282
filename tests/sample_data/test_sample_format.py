"""The generator's output is enriched TSV that the real loader accepts, byte-stable by seed."""

import gzip
import uuid
from datetime import UTC, date, datetime, timedelta
from pathlib import Path
from random import Random

import pytest
from snowplow_loader.embedded import EmbeddedLoader
from snowplow_loader.files import SourceFile
from snowplow_sample import generate, generate_many
from snowplow_sample.ids import uuid4

from tests.support.samples import DAYS, EVENTS, START, Generated, as_rows, read_lines

DOC_RANGES = ("192.0.2.", "198.51.100.", "203.0.113.")


def _tstamp(text: str) -> datetime:
    return datetime.strptime(text, "%Y-%m-%d %H:%M:%S.%f").replace(tzinfo=UTC)


def test_same_seed_gives_the_same_bytes_and_another_seed_does_not(tmp_path: Path) -> None:
    paths = [tmp_path / name for name in ("a.tsv", "b.tsv", "c.tsv")]
    for path, seed in zip(paths, (5, 5, 6), strict=True):
        generate(path, 1_500, seed=seed)
    assert paths[0].read_bytes() == paths[1].read_bytes()
    assert paths[0].read_bytes() != paths[2].read_bytes()


def test_gzip_output_is_stable_and_holds_the_same_lines(tmp_path: Path) -> None:
    generate(tmp_path / "a.tsv.gz", 800, seed=3, gzip=True)
    generate(tmp_path / "b.tsv.gz", 800, seed=3, gzip=True)
    generate(tmp_path / "plain.tsv", 800, seed=3)
    compressed = (tmp_path / "a.tsv.gz").read_bytes()
    assert compressed == (tmp_path / "b.tsv.gz").read_bytes()
    assert gzip.decompress(compressed) == (tmp_path / "plain.tsv").read_bytes()


@pytest.mark.parametrize("events", [0, 1, 7, 1_001])
def test_writes_exactly_the_events_asked_for(tmp_path: Path, events: int) -> None:
    path = tmp_path / "events.tsv"
    stats = generate(path, events, seed=events)
    assert stats.events == events
    assert len(read_lines(path)) == events


def test_every_line_has_131_fields_and_the_required_ones(sample: Generated) -> None:
    assert len(sample.lines) == EVENTS == sample.stats.events
    assert all(line.count("\t") == 130 for line in sample.lines)
    for row in sample.rows:
        assert row["collector_tstamp"] and row["event_id"] and row["v_collector"] and row["v_etl"]
        assert row["platform"] == "web"
        assert row["v_tracker"].startswith("js-3.")


def test_the_loader_accepts_every_line(sample: Generated, tmp_path: Path) -> None:
    with EmbeddedLoader(tmp_path / "db.duckdb") as loader:
        result = loader.load(SourceFile.at(sample.path))
    assert result.rows_bad == 0
    assert result.rows_loaded == EVENTS


def test_the_loader_reads_gzip_output(tmp_path: Path) -> None:
    path = tmp_path / "events.tsv.gz"
    generate(path, 1_200, seed=9, gzip=True)
    with EmbeddedLoader(tmp_path / "db.duckdb") as loader:
        result = loader.load(SourceFile.at(path))
    assert (result.rows_loaded, result.rows_bad) == (1_200, 0)


def test_timestamps_are_consistent_and_inside_the_period(sample: Generated) -> None:
    begin = datetime(START.year, START.month, START.day, tzinfo=UTC)
    end = begin + timedelta(days=DAYS)
    days_seen = set()
    for row in sample.rows:
        created, sent = _tstamp(row["dvce_created_tstamp"]), _tstamp(row["dvce_sent_tstamp"])
        collector, etl = _tstamp(row["collector_tstamp"]), _tstamp(row["etl_tstamp"])
        derived = _tstamp(row["derived_tstamp"])
        assert sent >= created
        assert collector < etl
        assert derived == collector - (sent - created)  # Snowplow's definition
        assert all(begin <= moment < end for moment in (created, sent, collector, etl, derived))
        days_seen.add(collector.date())
    assert len(days_seen) == DAYS  # the traffic covers the whole period


def test_lines_are_in_collector_order(sample: Generated) -> None:
    stamps = [row["collector_tstamp"] for row in sample.rows]
    assert stamps == sorted(stamps)


def test_ids_and_addresses_have_their_documented_shapes(sample: Generated) -> None:
    for row in sample.rows:
        assert str(uuid.UUID(row["event_id"])) == row["event_id"]
        assert row["user_ipaddress"].startswith(DOC_RANGES)
        assert row["contexts"].startswith('{"schema":"iglu:com.snowplowanalytics.snowplow/')


def test_uuids_match_the_standard_library() -> None:
    a, b = Random(11), Random(11)
    for _ in range(200):
        assert uuid4(a) == str(uuid.UUID(int=b.getrandbits(128), version=4))


def test_page_fields_agree_with_the_page_url(sample: Generated) -> None:
    for row in sample.rows:
        url = f"{row['page_urlscheme']}://{row['page_urlhost']}{row['page_urlpath']}"
        url += f"?{row['page_urlquery']}" if row["page_urlquery"] else ""
        url += f"#{row['page_urlfragment']}" if row["page_urlfragment"] else ""
        assert url == row["page_url"]
        if "utm_campaign=" in row["page_urlquery"]:
            assert row["mkt_campaign"] and row["mkt_campaign"] in row["page_urlquery"]


def test_files_split_the_same_lines_by_collector_time(tmp_path: Path) -> None:
    generate(tmp_path / "all.tsv", 3_000, seed=4, days=10)
    stats = generate_many(tmp_path / "parts", 3_000, files=5, seed=4, days=10)
    assert [p.name for p in stats.files] == [f"events-000{k}.tsv" for k in range(1, 6)]
    parts = [read_lines(p) for p in stats.files]
    assert [line for part in parts for line in part] == read_lines(tmp_path / "all.tsv")
    for k, part in enumerate(parts):
        assert part, "every slice of a busy period has events"
        low = datetime(2026, 10, 1, tzinfo=UTC) + timedelta(days=2 * k)
        for row in as_rows(part):
            assert low <= _tstamp(row["collector_tstamp"]) < low + timedelta(days=2)


def test_start_and_days_move_the_period(tmp_path: Path) -> None:
    path = tmp_path / "events.tsv"
    generate(path, 500, start=date(2025, 2, 27), days=3)
    days = {row["collector_tstamp"][:10] for row in as_rows(read_lines(path))}
    assert days == {"2025-02-27", "2025-02-28", "2025-03-01"}

"""Values mode against the fake Sheets API: complete under faults, paced, never half-visible."""

import itertools
import threading
import time
import zipfile
from pathlib import Path

import duckdb
import pytest
from snowplow_sheets.config import Chart, SyncConfig, Tab
from snowplow_sheets.pacing import Deadline, RateLimiter
from snowplow_sheets.sheets_api import Pacing
from snowplow_sheets.sheets_writer import SheetsWriter
from snowplow_sheets.source import DuckDBSource
from snowplow_sheets.sync import sync
from snowplow_sheets.workbook import WorkbookWriter
from snowplow_sheets.writer import Run, SyncError

from tests.support.fake_sheets import FakeSheets
from tests.support.sheets import api_for, writer_for

COLUMNS = 10
BIG_ROWS = 100_000  # + metadata row and header: 1,000,020 cells
QUOTA, WINDOW = 3, 0.5  # the limiter must hold whatever quota it is given; Sheets' is 60/60 s
TAB = SyncConfig(tabs=[Tab(tab="Big table", model="big", dataset="marts", order_by=["c0"])])


def fill(database: Path, rows: int, salt: str) -> list[list[object]]:
    """(Re)create main.big with `rows` rows; return header + rows as cells."""
    columns = ", ".join(["i as c0", *(f"'{salt}' || (i * {n}) as c{n}" for n in range(1, COLUMNS))])
    with duckdb.connect(str(database)) as connection:
        connection.execute(
            f"create or replace table main.big as select {columns} from range({rows}) r(i)"
        )
    header: list[object] = [f"c{n}" for n in range(COLUMNS)]
    return [header] + [[i, *(f"{salt}{i * n}" for n in range(1, COLUMNS))] for i in range(rows)]


def visible(fake: FakeSheets, title: str) -> list[list[object]] | None:
    """What a reader of the tab sees right now (None: no such visible tab)."""
    with fake.spreadsheet.lock:
        for sheet in fake.spreadsheet.sheets:
            if sheet.title == title and not sheet.hidden:
                return list(sheet.values)
    return None


def test_a_million_cells_arrive_whole_under_faults_and_within_quota(tmp_path: Path) -> None:
    database = tmp_path / "big.duckdb"
    old = fill(database, 1_000, "old-")
    faults = (429, 500, 503, "reset", "refuse")  # 20 % of calls meet one of these
    with FakeSheets(
        write_quota=QUOTA, window_seconds=WINDOW, seed=7, fault_kinds=faults, retry_after=0.05
    ).running() as fake:
        api = api_for(fake, write_quota=QUOTA, window_seconds=WINDOW, max_request_bytes=2_000_000)
        sync(TAB, DuckDBSource(database), SheetsWriter(api), Run.new("run-old"))
        live = fake.spreadsheet.titled("Big table").sheet_id
        new = fill(database, BIG_ROWS, "new-")
        seen: dict[str, int] = {"old": 0, "new": 0}
        problems: list[str] = []
        done = threading.Event()

        def reader() -> None:
            while not done.is_set():
                shown = visible(fake, "Big table")
                if shown is None:
                    problems.append("the tab disappeared")
                elif shown[1:] == old and shown[0][1] == "run-old":
                    seen["old"] += 1
                elif shown[1:] == new and shown[0][1] == "run-new":
                    seen["new"] += 1
                else:
                    problems.append(f"a partial table: {len(shown)} rows, metadata {shown[:1]}")
                done.wait(0.1)

        polling = threading.Thread(target=reader)
        polling.start()
        fake.fault_rate = 0.2
        deadline = Deadline.after(60.0)
        api.pacing.deadline.at = deadline.at
        try:
            sync(TAB, DuckDBSource(database), SheetsWriter(api), Run.new("run-new"))
        finally:
            done.set()
            polling.join()

        assert problems == []
        final = visible(fake, "Big table")
        assert seen["old"] > 0 and final is not None and final[1:] == new
        assert final[0][:2] == ["run_id", "run-new"] and final[0][7] == BIG_ROWS
        assert len(final) * COLUMNS >= 1_000_000
        assert fake.spreadsheet.titled("Big table").sheet_id == live
        statuses = [call.status for call in fake.calls]
        assert statuses.count(0) >= 1, "the run should have met a reset connection"
        assert fake.outages >= 1, "and refused connections"
        assert sum(status in (429, 500, 503) for status in statuses) >= 1
        assert statuses.count(0) + fake.outages + sum(s >= 429 for s in statuses) >= 5
        assert api.pacing.backoff.network_errors >= 1
        assert fake.invalid == [] and fake.rejected == []
        assert fake.quota_refusals == 0
        assert fake.max_writes_per_window() <= QUOTA
        assert max(call.size for call in fake.calls) <= 2_000_000
        assert [s.title for s in fake.spreadsheet.sheets] == ["Sheet1", "Big table"]


def test_a_429_waits_at_least_what_retry_after_asks(tmp_path: Path) -> None:
    database = tmp_path / "small.duckdb"
    fill(database, 20, "x")
    with FakeSheets(retry_after=0.4).running() as fake:
        fake.forced = [429, 429]  # adding the staging tab, twice refused
        sync(TAB, DuckDBSource(database), SheetsWriter(api_for(fake)), Run.new("run-1"))
    writes = [call for call in fake.calls if call.method_id.endswith("batchUpdate")]
    assert [call.status for call in writes[:3]] == [429, 429, 200]
    gaps = [after.at - before.at for before, after in itertools.pairwise(writes[:3])]
    assert min(gaps) >= 0.4  # the backoff alone would pause at most 0.005 s, then 0.01 s


def test_a_run_past_its_deadline_stops_and_says_what_it_wrote(
    warehouse: Path, fake: FakeSheets
) -> None:
    from snowplow_sheets.config import DEFAULT_CONFIG, load_config

    # three writes a tab; a quota of 7 per 30 s: the third tab would wait ~30 s
    api = api_for(fake, write_quota=7, window_seconds=30.0, deadline=Deadline.after(5.0))
    started = time.monotonic()
    with pytest.raises(SyncError) as stopped:
        sync(load_config(DEFAULT_CONFIG), DuckDBSource(warehouse), SheetsWriter(api), Run.new("r"))
    assert time.monotonic() - started < 5.0  # stopped at once, not after waiting in vain
    message = str(stopped.value)
    assert "the run's deadline came while waiting for the per-minute quota" in message
    assert "Completed by run r: Sessions, Users; not completed" in message
    assert "User engagement, Daily active users, Weekly retention" in message
    assert fake.spreadsheet.titled("Users").values[0][:2] == ["run_id", "r"]


@pytest.mark.parametrize("lost", [[503, 200, 500], ["reset", "reset", "reset"]])
def test_a_lost_answer_to_a_tab_change_is_not_applied_twice(
    tmp_path: Path, lost: list[int | str]
) -> None:
    database = tmp_path / "small.duckdb"
    with FakeSheets().running() as fake:
        api = api_for(fake)
        fill(database, 50, "old-")
        sync(TAB, DuckDBSource(database), SheetsWriter(api), Run.new("run-1"))
        live = fake.spreadsheet.titled("Big table").sheet_id
        new = fill(database, 60, "new-")
        # adding the staging tab, the rows, then the swap: each applied, its answer lost
        # (a 5xx, or the connection reset before the answer came back)
        fake.forced = list(lost)
        sync(TAB, DuckDBSource(database), SheetsWriter(api), Run.new("run-2"))
    shown = visible(fake, "Big table")
    assert shown is not None and shown[1:] == new and shown[0][1] == "run-2"
    assert [s.title for s in fake.spreadsheet.sheets] == ["Sheet1", "Big table"]
    assert fake.spreadsheet.titled("Big table").sheet_id == live
    assert fake.rejected == [] and fake.invalid == []
    assert fake.forced == []


def test_rate_limiter_never_lets_more_than_the_quota_into_a_window() -> None:
    now = [0.0]
    sent: list[float] = []

    def sleep(seconds: float) -> None:
        now[0] += seconds

    limiter = RateLimiter(60, 60.0, clock=lambda: now[0], sleep=sleep)
    for _ in range(200):
        with limiter.slot():
            sent.append(now[0])
            now[0] += 0.01  # the request takes 10 ms
    for index, start in enumerate(sent):
        assert sum(1 for at in sent[index:] if at < start + 60.0) <= 60
    assert now[0] == pytest.approx(3 * 60.0 + 0.01 * 21, abs=1.0)  # 200 requests: 3 full waits
    assert Pacing().write_quota == 60 and Pacing().window_seconds == 60.0


def test_the_limiter_holds_the_server_to_the_quota_it_is_given(tmp_path: Path) -> None:
    database = tmp_path / "small.duckdb"
    fill(database, 300, "x")
    quota, window = 4, 0.3
    with FakeSheets(write_quota=quota, window_seconds=window).running() as fake:
        api = api_for(fake, write_quota=quota, window_seconds=window, max_request_bytes=2_500)
        started = time.monotonic()
        sync(TAB, DuckDBSource(database), SheetsWriter(api), Run.new("run-1"))
        elapsed = time.monotonic() - started
    writes = len(fake.write_times())
    assert writes > 3 * quota  # small requests: more than three windows' worth
    assert fake.max_writes_per_window() <= quota and fake.quota_refusals == 0
    assert api.pacing.writes.waited > 0
    assert elapsed >= (writes // quota - 1) * window


def test_the_same_run_id_twice_writes_nothing_the_second_time(
    warehouse: Path, fake: FakeSheets
) -> None:
    from snowplow_sheets.config import DEFAULT_CONFIG, load_config

    config = load_config(DEFAULT_CONFIG)
    writer = SheetsWriter(api_for(fake))
    sync(config, DuckDBSource(warehouse), writer, Run.new("daily-1"))
    writes = len(fake.write_times())
    results = sync(config, DuckDBSource(warehouse), writer, Run.new("daily-1"))
    assert len(fake.write_times()) == writes
    assert all(result.action.startswith("unchanged") for result in results)
    sync(config, DuckDBSource(warehouse), writer, Run.new("daily-2"))
    assert len(fake.write_times()) > writes
    chart = fake.spreadsheet.titled("Daily active users").charts
    assert chart[0]["spec"]["basicChart"]["chartType"] == "LINE"
    assert fake.invalid == []


def test_a_column_chart_is_drawn_as_declared_in_both_destinations(
    warehouse: Path, fake: FakeSheets, tmp_path: Path
) -> None:
    chart = Chart(type="column", title="DAU", x="activity_date", y=["active_users"])
    tab = Tab(tab="Daily", model="daily_active_users", dataset="analytics", chart=chart)
    config = SyncConfig(tabs=[tab])
    sync(config, DuckDBSource(warehouse), writer_for(fake), Run.new("r"))
    [drawn] = fake.spreadsheet.titled("Daily").charts
    assert drawn["spec"]["basicChart"]["chartType"] == "COLUMN" and fake.invalid == []
    book = WorkbookWriter(tmp_path / "c.xlsx", ["Daily"])
    sync(config, DuckDBSource(warehouse), book, Run.new("r"))
    book.finish()
    with zipfile.ZipFile(tmp_path / "c.xlsx") as archive:
        [name] = [n for n in archive.namelist() if n.startswith("xl/charts/chart")]
        xml = archive.read(name).decode()
    assert "<c:barChart>" in xml and '<c:barDir val="col"/>' in xml

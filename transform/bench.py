"""Benchmark of the dbt project on DuckDB (`make bench`; not a timed test).

Two measurements on about a month of events:

1. End to end: load every enriched TSV file into a fresh DuckDB file with the loader,
   then `dbt build`. Wall time and the process's peak memory (loader and dbt both run
   in this process).
2. Incremental: the same events, stamped as if each day had been loaded just after it
   ended, minus the last day; a full `dbt build --full-refresh` (every data test, on whole
   tables); a daily build with no new data (`--selector daily`: data tests on the rows the
   run wrote), which measures the part of a run that does not depend on the new day
   (dbt's start-up, a query per data test, bookkeeping per model); then the last day
   arrives and the daily build runs incrementally. The new day's own cost, beyond the
   no-data build, should be at most 10 % of the full build. Last, the daily build once
   more with `--empty` (dbt runs every node with its relations read as empty) on a copy
   of the database: dbt's own work per node whatever the data, a floor no SQL change can
   lower (reported without a target).
3. History (`--history-events N`): the second measurement again on N events over 90 days
   (generated, then loaded, in WORK/history), then the no-data builds of both databases
   five times in turns: the no-data build should grow at most 1.10x with 3x the history.

Input: a folder of enriched TSV files (`make bench` generates a month of 1M events with
snowplow-sample), or a DuckDB file whose raw_events is already loaded (then only the
second measurement runs). Every figure is recorded for BENCHMARKS.md
(snowplow_sample.benchmarks).

    python transform/bench.py (--tsv DIR | --duckdb FILE) [--work DIR] [--history-events N]
"""

import argparse
import os
import resource
import shutil
import statistics
import time
from dataclasses import dataclass
from datetime import date
from pathlib import Path

import duckdb
from snowplow_dbt.runner import DbtProject
from snowplow_loader.embedded import EmbeddedLoader
from snowplow_loader.files import discover
from snowplow_sample import generate
from snowplow_sample.benchmarks import recorder

NEW_DAY_SHARE = 0.10  # the new day's cost beyond a no-data build, against a full build
NO_DATA_GROWTH = 1.10  # no-data build with 3x the history, against 1x
HISTORY_DAYS, HISTORY_START = 90, date(2026, 8, 1)
END_TO_END_SECONDS = 60.0
PEAK_MEMORY_GB = 4.0
THREADS = int(os.environ.get("SNOWPLOW_BENCH_THREADS", "4"))


@dataclass
class Timing:
    """Wall seconds of a `dbt build` and the CPU seconds this process spent on it (dbt and
    DuckDB run in it; unlike wall time, CPU time hardly changes when other programs load
    the machine)."""

    seconds: float
    cpu_seconds: float

    def __str__(self) -> str:
        return f"{self.seconds:.1f} s wall, {self.cpu_seconds:.1f} s CPU"


def peak_memory_gb() -> float:
    """Peak resident memory of this process so far (Linux reports kilobytes)."""
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024 / 1024


DAILY = ("--selector", "daily")
# the full path minus unit tests (they test SQL, not data): every model and data test
FULL = ("--full-refresh", "--exclude", "resource_type:unit_test")


def cpu_seconds() -> float:
    usage = resource.getrusage(resource.RUSAGE_SELF)
    return usage.ru_utime + usage.ru_stime


def timed_build(project: DbtProject, *args: str) -> Timing:
    started, cpu_started = time.perf_counter(), cpu_seconds()
    project.build(*args)
    return Timing(time.perf_counter() - started, cpu_seconds() - cpu_started)


def count(database: Path, sql: str) -> int:
    with duckdb.connect(str(database)) as connection:
        (value,) = connection.execute(sql).fetchone() or (0,)
    return int(value)


def end_to_end(files: list[Path], work: Path) -> tuple[float, float, Timing, int]:
    """Load all files into a new database and build; (load s, total s, build, events)."""
    database = work / "end-to-end.duckdb"
    database.unlink(missing_ok=True)
    started = time.perf_counter()
    with EmbeddedLoader(database) as loader:
        for source in discover(files):
            loader.load(source)
    loaded = time.perf_counter() - started
    project = DbtProject.local(work / "dbt-end-to-end", database)
    project.threads = THREADS
    build = timed_build(project, *DAILY)
    events = count(database, "select count(*) from raw_events")
    return loaded, time.perf_counter() - started, build, events


def daily_loads(database: Path) -> int:
    """Stamp every event as loaded in the hourly file after it was collected (as a loader
    fed every hour would), and hold back the last full day (with the few stragglers after
    it) in `held_back`; returns how many events were held back."""
    with duckdb.connect(str(database)) as connection:
        # rewritten in load order, as the loader appends it (DuckDB's zone maps then
        # prune load_tstamp ranges the way BigQuery's partitions do)
        connection.execute(
            "create table stamped as select * replace ("
            "date_trunc('hour', collector_tstamp) + interval 1 hour as load_tstamp) "
            "from raw_events order by load_tstamp, load_file_key"
        )
        connection.execute("drop table raw_events")
        connection.execute("alter table stamped rename to raw_events")
        connection.execute("drop table if exists held_back")
        connection.execute(
            """
            create table held_back as
            with days as (
                select cast(collector_tstamp as date) as day, count(*) as events
                from raw_events group by 1
            )
            select * from raw_events
            where cast(collector_tstamp as date) >= (
                select max(day) from days where events >= 0.5 * (select median(events) from days)
            )
            """
        )
        connection.execute(
            "delete from raw_events where load_tstamp >= (select min(load_tstamp) from held_back)"
        )
        (held,) = connection.execute("select count(*) from held_back").fetchone() or (0,)
    return int(held)


@dataclass
class Incremental:
    """The builds of the incremental measurement, and the events each one saw."""

    full: Timing
    no_new_data: Timing
    added_day: Timing
    floor: Timing
    events: int
    added: int


def incremental(source: Path, work: Path) -> Incremental:
    database = work / "incremental.duckdb"
    shutil.copyfile(source, database)
    held = daily_loads(database)
    project = DbtProject.local(work / "dbt-incremental", database)
    project.threads = THREADS
    full = timed_build(project, *FULL)
    no_new_data = timed_build(project, *DAILY)
    before = count(database, "select count(*) from raw_events")
    with duckdb.connect(str(database)) as connection:
        connection.execute("insert into raw_events select * from held_back")
        connection.execute("drop table held_back")
    added_day = timed_build(project, *DAILY)
    floor_database = work / "floor.duckdb"  # --empty still writes run bookkeeping
    shutil.copyfile(database, floor_database)
    floor = DbtProject.local(work / "dbt-floor", floor_database)
    floor.threads = THREADS
    floor.invoke("parse", "--quiet")  # the builds above reuse a parse too
    floor_build = timed_build(floor, *DAILY, "--empty")
    floor_database.unlink()
    return Incremental(full, no_new_data, added_day, floor_build, before, held)


def no_data_growth(works: list[Path], rounds: int = 5) -> list[tuple[int, float, float]]:
    """Daily builds with no new data on the incremental databases left in each work folder
    (1M events, then more history), taken in turns so that a busy machine slows them
    alike; (events, median wall s, median CPU s) of each."""
    projects = [DbtProject.local(w / "dbt-incremental", w / "incremental.duckdb") for w in works]
    seconds: list[list[tuple[float, float]]] = [[] for _ in works]  # (wall, cpu)
    for project in projects:
        project.threads = THREADS
    for _ in range(rounds):
        for project, taken in zip(projects, seconds, strict=True):
            build = timed_build(project, *DAILY)
            taken.append((build.seconds, build.cpu_seconds))
    return [
        (
            count(work / "incremental.duckdb", "select count(*) from raw_events"),
            statistics.median(t[0] for t in taken),
            statistics.median(t[1] for t in taken),
        )
        for work, taken in zip(works, seconds, strict=True)
    ]


def history_database(events: int, work: Path) -> Path:
    """`events` over 90 days, generated and loaded once into WORK/history/loaded.duckdb."""
    database = work / "history" / "loaded.duckdb"
    if not database.exists():
        events_file = work / f"events-{events}-{HISTORY_DAYS}d.tsv"
        if not events_file.exists():
            generate(events_file, events, seed=3, start=HISTORY_START, days=HISTORY_DAYS)
        database.parent.mkdir(parents=True, exist_ok=True)
        with EmbeddedLoader(database) as loader:
            for source in discover([events_file]):
                loader.load(source)
    return database


def record_incremental(run: Incremental, command: str) -> None:
    """The builds of one incremental measurement and the new day's share of a full build."""
    add = recorder(f"dbt on DuckDB, {run.events + run.added:,} events, daily", command)
    add(f"full build ({run.events:,} events, every data test)", str(run.full))
    add("daily build, no new data", str(run.no_new_data))
    add(f"daily build adding one day ({run.added:,} events)", str(run.added_day))
    add("daily build, `--empty`: dbt's floor", str(run.floor))
    new_day = (run.added_day.seconds - run.no_new_data.seconds) / run.full.seconds
    limit = f"<= {NEW_DAY_SHARE:.0%}"
    add(
        "the new day beyond a no-data build / full build",
        f"{new_day:.0%}",
        limit,
        new_day <= NEW_DAY_SHARE,
    )
    add("dbt's floor / full build", f"{run.floor.seconds / run.full.seconds:.0%}")


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    source = parser.add_mutually_exclusive_group(required=True)
    source.add_argument("--tsv", type=Path, help="folder of enriched TSV files")
    source.add_argument("--duckdb", type=Path, help="DuckDB file with raw_events loaded")
    parser.add_argument("--work", type=Path, default=Path(".data/bench"), help="scratch folder")
    parser.add_argument("--history-events", type=int, help="also measure N events of 90 days")
    args = parser.parse_args(argv)
    work: Path = args.work.resolve()
    work.mkdir(parents=True, exist_ok=True)
    command = "python transform/bench.py " + " ".join(argv or [])

    loaded_db: Path
    if args.duckdb is None:
        load_s, total_s, build, events = end_to_end([args.tsv], work)
        peak = peak_memory_gb()
        add = recorder(f"dbt on DuckDB, end to end ({THREADS} threads)", command)
        add(f"load {events:,} events", f"{load_s:.1f} s")
        add("`dbt build`", str(build))
        add(
            "load + build",
            f"{total_s:.1f} s",
            f"< {END_TO_END_SECONDS:.0f} s",
            total_s < END_TO_END_SECONDS,
        )
        add("peak memory", f"{peak:.2f} GB", f"< {PEAK_MEMORY_GB:.0f} GB", peak < PEAK_MEMORY_GB)
        loaded_db = work / "end-to-end.duckdb"
    else:
        loaded_db = args.duckdb.resolve()

    record_incremental(incremental(loaded_db, work), command)
    if args.history_events:
        history = work / "history"
        record_incremental(
            incremental(history_database(args.history_events, work), history), command
        )
        add = recorder(
            "dbt on DuckDB: the no-data daily build as history grows (median of 5)", command
        )
        (small, wall, cpu), (large, history_wall, history_cpu) = no_data_growth([work, history])
        add(f"{small:,} events", f"{wall:.1f} s wall, {cpu:.1f} s CPU")
        add(f"{large:,} events", f"{history_wall:.1f} s wall, {history_cpu:.1f} s CPU")
        growth = history_wall / wall
        limit = f"<= {NO_DATA_GROWTH:.2f}x"
        add(
            f"growth with {large / small:.1f}x the events",
            f"{growth:.2f}x",
            limit,
            growth <= NO_DATA_GROWTH,
        )


if __name__ == "__main__":
    main()

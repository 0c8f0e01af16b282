"""The sync: one logic for both destinations. Check everything, then write tab by tab.

Every values tab is measured and checked against the destination's limits before the
first write, so an over-limit table stops the run with nothing written anywhere. A tab
whose last writer was this same run id is left alone, so running a run again does
nothing and a run that died halfway completes only what it had not done.
"""

from dataclasses import dataclass, field

from snowplow_sheets.config import ConfigError, Mode, OnRefused, SyncConfig, Tab
from snowplow_sheets.pacing import DeadlineError
from snowplow_sheets.source import Source
from snowplow_sheets.table import Shape, check
from snowplow_sheets.writer import RefusedError, Run, SyncError, Writer


@dataclass
class TabResult:
    """What a run did to one tab."""

    tab: str
    mode: Mode
    action: str
    rows: int | None = None
    requests: int = 0
    notes: list[str] = field(default_factory=list)


@dataclass
class _Planned:
    tab: Tab
    mode: Mode
    shape: Shape | None = None
    notes: list[str] = field(default_factory=list)


def _mode(tab: Tab, source: Source, writer: Writer) -> Mode:
    """Connected only where both ends allow it: a BigQuery table and a spreadsheet."""
    if tab.mode is Mode.CONNECTED and writer.can_connect and source.bigquery_table(tab):
        return Mode.CONNECTED
    return Mode.VALUES


def _check_columns(tab: Tab, shape: Shape) -> None:
    wanted = [*tab.order_by, *([tab.chart.x, *tab.chart.y] if tab.chart else [])]
    missing = [name for name in wanted if name not in shape.columns]
    if missing:
        raise ConfigError(
            f"tab {tab.tab!r}: {tab.model} has no column {', '.join(missing)} "
            f"(it has {', '.join(shape.columns)})"
        )


def _measured(tab: Tab, source: Source, writer: Writer, in_use: int) -> _Planned:
    """A values step, its table measured and checked against the destination's limits
    beside the `in_use` cells already there (the tab's old copy included: it stays until
    the new one is complete)."""
    step = _Planned(tab, Mode.VALUES, source.shape(tab))
    assert step.shape is not None
    _check_columns(tab, step.shape)
    step.notes = check(
        f"tab {tab.tab!r} ({tab.model})", step.shape, writer.limits, tab.long_cells, in_use
    )
    return step


def plan(config: SyncConfig, source: Source, writer: Writer, run: Run) -> list[_Planned]:
    """Decide each tab's mode and refuse what does not fit, before writing anything."""
    planned: list[_Planned] = []
    cells = writer.sheet_cells()
    in_use = sum(cells.values())
    for tab in config.tabs:
        if writer.run_id(tab) == run.id:
            continue
        mode = _mode(tab, source, writer)
        step = _Planned(tab, mode)
        if mode is Mode.VALUES:
            old = cells.get(tab.tab, 0)
            step = _measured(tab, source, writer, in_use)
            assert step.shape is not None
            in_use += step.shape.cells - old
            if tab.mode is Mode.CONNECTED:
                step.notes.append("written as values: connected needs BigQuery and Sheets")
        planned.append(step)
    return planned


def sync(config: SyncConfig, source: Source, writer: Writer, run: Run) -> list[TabResult]:
    """Bring every configured tab up to date for this run; return what was done.

    At the run's deadline (or any failure) the error says which tabs this run completed
    and which still show an earlier run, so a partial run is never mistaken for a whole one.
    """
    results: list[TabResult] = []
    try:
        steps = {step.tab.tab: step for step in plan(config, source, writer, run)}
        for tab in config.tabs:
            results.append(_one(tab, steps.get(tab.tab), source, writer, run))
    except (DeadlineError, SyncError) as error:
        done = [r.tab for r in results]
        rest = [t.tab for t in config.tabs if t.tab not in done]
        raise SyncError(
            f"{error}. Completed by run {run.id}: {', '.join(done) or 'no tab'}; not "
            f"completed (each shows its previous run): {', '.join(rest)}"
        ) from error
    return results


def _one(tab: Tab, step: _Planned | None, source: Source, writer: Writer, run: Run) -> TabResult:
    if step is None:
        return TabResult(tab.tab, tab.mode, f"unchanged: already written by {run.id}")
    bigquery_table = source.bigquery_table(tab)
    if step.mode is Mode.CONNECTED and bigquery_table:
        try:
            return TabResult(tab.tab, step.mode, writer.connect(tab, bigquery_table, run))
        except RefusedError as refused:
            if tab.on_refused is not OnRefused.VALUES:
                raise
            step = _measured(tab, source, writer, sum(writer.sheet_cells().values()))
            step.notes.append(f"written as values (on_refused: values): {refused}")
    limit = writer.limits.max_cell_chars
    assert step.shape is not None  # planned in values mode
    too_long = any(n > limit for n in step.shape.longest.values())
    table = source.read(tab, limit if too_long else None, writer.keeps_dates)
    notes = step.notes
    if table.truncated_cells:
        notes = [*notes, f"{table.truncated_cells:,} cells cut"]
    requests = writer.write_values(tab, table, run, notes)
    return TabResult(tab.tab, step.mode, "replaced", len(table.rows), requests, notes)

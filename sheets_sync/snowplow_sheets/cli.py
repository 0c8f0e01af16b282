"""`snowplow-sheets`: publish the configured models to Google Sheets or a local workbook.

    snowplow-sheets [--config FILE] [--run-id ID] [--workbook PATH] [--deadline SECONDS]

Google Sheets when SNOWPLOW_SPREADSHEET_ID is set, else a local .xlsx. DuckDB
(SNOWPLOW_DUCKDB) when SNOWPLOW_DBT_TARGET is `local` or unset, else BigQuery.
Exit 0 when every tab is up to date, 1 when anything was refused or failed.
"""

import argparse
import os
import sys
from pathlib import Path

from googleapiclient.errors import HttpError

from snowplow_sheets.config import (
    DEFAULT_CONFIG,
    DEFAULT_WORKBOOK,
    ConfigError,
    Environment,
    load_config,
)
from snowplow_sheets.pacing import TRANSPORT_ERRORS, Deadline
from snowplow_sheets.sheets_api import Pacing, SheetsApi, service
from snowplow_sheets.sheets_requests import ChunkError
from snowplow_sheets.sheets_writer import SheetsWriter
from snowplow_sheets.source import BigQuerySource, DuckDBSource, Source, SourceError
from snowplow_sheets.sync import sync
from snowplow_sheets.table import LimitError
from snowplow_sheets.workbook import WorkbookWriter
from snowplow_sheets.writer import Run, SyncError, Writer


def _source(environment: Environment) -> Source:
    if not environment.on_bigquery:
        return DuckDBSource(environment.duckdb)
    from google.auth.credentials import AnonymousCredentials
    from google.cloud import bigquery

    # BIGQUERY_EMULATOR_HOST is the client's own switch to a local emulator (the client
    # then sends its requests there); an emulator takes no credentials
    emulated = bool(os.environ.get("BIGQUERY_EMULATOR_HOST"))
    credentials = AnonymousCredentials() if emulated else None  # type: ignore[no-untyped-call]
    client = bigquery.Client(project=environment.project, credentials=credentials)
    return BigQuerySource(client, environment)


def _writer(
    environment: Environment, workbook: Path, titles: list[str], connected: bool, deadline: float
) -> Writer:
    if environment.spreadsheet_id:
        pacing = Pacing(deadline=Deadline.after(deadline))
        api = SheetsApi(service(connected), environment.spreadsheet_id, pacing)
        return SheetsWriter(api)
    return WorkbookWriter(workbook, titles)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="snowplow-sheets", description=__doc__.split("\n")[0])
    parser.add_argument(
        "--config",
        type=Path,
        default=Path(os.environ.get("SNOWPLOW_SHEETS_CONFIG") or DEFAULT_CONFIG),
        help="tab list (YAML); default $SNOWPLOW_SHEETS_CONFIG, else sheets_sync/sheets.yml",
    )
    parser.add_argument("--run-id", help="the same id twice: the second run does nothing")
    parser.add_argument("--workbook", type=Path, default=DEFAULT_WORKBOOK, help=".xlsx path")
    parser.add_argument(
        "--deadline",
        type=float,
        default=1800.0,
        help="seconds the Sheets sync may take; then it stops and says what it wrote",
    )
    args = parser.parse_args(argv)
    try:
        config = load_config(args.config)
        environment = Environment.from_environ()
        source = _source(environment)
        connected = environment.on_bigquery and any(t.mode == "connected" for t in config.tabs)
        titles = [tab.tab for tab in config.tabs]
        writer = _writer(environment, args.workbook, titles, connected, args.deadline)
        run = Run.new(args.run_id)
        results = sync(config, source, writer, run)
        where = writer.finish()
    except (ConfigError, SourceError, LimitError, SyncError, ChunkError) as error:
        print(f"snowplow-sheets: {error}", file=sys.stderr)
        return 1
    except HttpError as error:
        print(f"snowplow-sheets: Sheets API error {error.resp.status}: {error}", file=sys.stderr)
        return 1
    except TRANSPORT_ERRORS as error:  # retries exhausted: the network, not the data
        print(
            f"snowplow-sheets: cannot reach Sheets ({type(error).__name__}: {error})",
            file=sys.stderr,
        )
        return 1
    for result in results:
        rows = f"{result.rows:,} rows" if result.rows is not None else ""
        notes = f" ({'; '.join(result.notes)})" if result.notes else ""
        print(f"{result.tab:<20} {result.mode:<9} {result.action:<22} {rows}{notes}")
    print(f"run {run.id}: {where}")
    return 0


if __name__ == "__main__":
    sys.exit(main())

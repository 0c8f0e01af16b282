"""The Sheets REST API as the sync uses it: built from the discovery document the client
ships, with Application Default Credentials, every call paced and retried.

No key files: credentials come from the environment (the job's service account on
Cloud Run, `gcloud auth application-default login` on a laptop). SNOWPLOW_SHEETS_ENDPOINT
points the client at a local stand-in of the API (tests, benchmarks) with no credentials.
"""

import os
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

import google.auth
from google.auth.credentials import AnonymousCredentials, Credentials
from googleapiclient import discovery

from snowplow_sheets.pacing import RETRYABLE, Backoff, RateLimiter, retrying
from snowplow_sheets.table import Cell

SPREADSHEETS_SCOPE = "https://www.googleapis.com/auth/spreadsheets"
BIGQUERY_READ_SCOPE = "https://www.googleapis.com/auth/bigquery.readonly"
ENDPOINT_VARIABLE = "SNOWPLOW_SHEETS_ENDPOINT"
SHEETS_FIELDS = (
    "sheets(properties(sheetId,title,index,hidden,sheetType,gridProperties(rowCount,columnCount)),"
    "developerMetadata(metadataId,metadataKey,metadataValue)),"
    "dataSources(dataSourceId,sheetId,spec)"
)

type Json = dict[str, Any]  # a request or response body, shaped by the discovery document


@dataclass
class Pacing:
    """Quotas and retry policy; the defaults are Sheets' real per-user limits."""

    write_quota: int = 60
    read_quota: int = 60
    window_seconds: float = 60.0
    max_request_bytes: int = 2_000_000
    backoff: Backoff = field(default_factory=Backoff)

    def __post_init__(self) -> None:
        self.writes = RateLimiter(self.write_quota, self.window_seconds)
        self.reads = RateLimiter(self.read_quota, self.window_seconds)


def service(connected: bool, endpoint: str | None = None) -> Any:
    """A `sheets` v4 client; the BigQuery scope only when a tab is connected."""
    endpoint = endpoint or os.environ.get(ENDPOINT_VARIABLE) or None
    credentials: Credentials
    if endpoint:
        credentials = AnonymousCredentials()  # type: ignore[no-untyped-call]
    else:
        scopes = [SPREADSHEETS_SCOPE, *([BIGQUERY_READ_SCOPE] if connected else [])]
        credentials, _ = google.auth.default(scopes=scopes)
    return discovery.build(
        "sheets",
        "v4",
        credentials=credentials,
        static_discovery=True,
        cache_discovery=False,
        client_options={"api_endpoint": endpoint} if endpoint else None,
    )


class SheetsApi:
    """The handful of calls the sync makes, each through the quota limiter and backoff."""

    def __init__(self, sheets: Any, spreadsheet_id: str, pacing: Pacing) -> None:
        self.spreadsheets = sheets.spreadsheets()
        self.spreadsheet_id = spreadsheet_id
        self.pacing = pacing
        self.write_requests = 0

    def get(self) -> Json:
        request = self.spreadsheets.get(spreadsheetId=self.spreadsheet_id, fields=SHEETS_FIELDS)
        result: Json = retrying(request.execute, self.pacing.backoff, self.pacing.reads)
        return result

    def first_row(self, title: str) -> list[object]:
        request = self.spreadsheets.values().get(
            spreadsheetId=self.spreadsheet_id, range=f"{a1_title(title)}!A1:B1"
        )
        found: Json = retrying(request.execute, self.pacing.backoff, self.pacing.reads)
        rows: list[list[object]] = found.get("values", [])
        return rows[0] if rows else []

    def put_rows(self, title: str, first_row: int, rows: Sequence[Sequence[Cell]]) -> None:
        """Write rows from column A of a row; safe to repeat, so every failure retries."""
        target = f"{a1_title(title)}!A{first_row}"
        request = self.spreadsheets.values().update(
            spreadsheetId=self.spreadsheet_id,
            range=target,
            valueInputOption="RAW",
            body={"range": target, "majorDimension": "ROWS", "values": rows},
        )
        self._write(request.execute, RETRYABLE)

    def batch_update(self, requests: list[Json], retry_on: frozenset[int] = RETRYABLE) -> Json:
        """One all-or-nothing batchUpdate; `retry_on` narrows retries for billed requests."""
        request = self.spreadsheets.batchUpdate(
            spreadsheetId=self.spreadsheet_id, body={"requests": requests}
        )
        return self._write(request.execute, retry_on)

    def _write(self, execute: Any, retry_on: frozenset[int]) -> Json:
        def counted() -> Json:
            self.write_requests += 1
            result: Json = execute()
            return result

        return retrying(counted, self.pacing.backoff, self.pacing.writes, retry_on)


def a1_title(title: str) -> str:
    """A tab title quoted for A1 notation."""
    return "'" + title.replace("'", "''") + "'"

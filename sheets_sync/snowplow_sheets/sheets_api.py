"""The Sheets REST API as the sync uses it: built from the discovery document the client
ships, with Application Default Credentials, every call paced and retried.

No key files: credentials come from the environment (the job's service account on
Cloud Run, `gcloud auth application-default login` on a laptop). SNOWPLOW_SHEETS_ENDPOINT
points the client at a local stand-in of the API (tests, benchmarks) with no credentials.
"""

import os
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from typing import Any, Protocol, cast

import google.auth
import httplib2  # type: ignore[import-untyped]  # ships no types; its error classes suffice
from google.auth.credentials import AnonymousCredentials, Credentials
from googleapiclient import discovery

from snowplow_sheets.pacing import (
    RETRYABLE,
    TRANSPORT_ERRORS,
    Backoff,
    Deadline,
    RateLimiter,
    retrying,
)
from snowplow_sheets.table import Cell

SPREADSHEETS_SCOPE = "https://www.googleapis.com/auth/spreadsheets"
BIGQUERY_READ_SCOPE = "https://www.googleapis.com/auth/bigquery.readonly"
ENDPOINT_VARIABLE = "SNOWPLOW_SHEETS_ENDPOINT"
SHEETS_FIELDS = (
    "sheets(properties(sheetId,title,index,hidden,sheetType,"
    "gridProperties(rowCount,columnCount,frozenRowCount),"
    "dataSourceSheetProperties(dataSourceId,dataExecutionStatus)),"
    "developerMetadata(metadataId,metadataKey,metadataValue),charts(chartId)),"
    "dataSources(dataSourceId,sheetId,spec)"
)
# httplib2 silently sends a request again when a connection drops before the answer
# (its RETRIES = 2). A batchUpdate must not run twice unseen: the sync retries itself,
# after checking what the first attempt did.
httplib2.RETRIES = 1

type Json = dict[str, Any]  # a request or response body, shaped by the discovery document


class Request(Protocol):
    """A prepared call of the discovery client (googleapiclient.http.HttpRequest)."""

    def execute(self) -> Json: ...


class Values(Protocol):
    def get(self, *, spreadsheetId: str, range: str) -> Request: ...  # noqa: N803
    def update(self, **parameters: object) -> Request: ...


class Spreadsheets(Protocol):
    """The `spreadsheets` resource of the discovery client: the calls the sync makes."""

    def get(self, *, spreadsheetId: str, fields: str, ranges: list[str] = ...) -> Request: ...  # noqa: N803
    def batchUpdate(self, *, spreadsheetId: str, body: Json) -> Request: ...  # noqa: N802, N803
    def values(self) -> Values: ...


class SheetsService(Protocol):
    """What `googleapiclient.discovery.build("sheets", "v4")` returns (it ships no types)."""

    def spreadsheets(self) -> Spreadsheets: ...


@dataclass
class Pacing:
    """Quotas, retry policy and time limits; the defaults are Sheets' real per-user limits."""

    write_quota: int = 60
    read_quota: int = 60
    window_seconds: float = 60.0
    max_request_bytes: int = 2_000_000
    backoff: Backoff = field(default_factory=Backoff)
    deadline: Deadline = field(default_factory=Deadline)
    poll_seconds: float = 5.0  # between reads of a data source's execution status
    refresh_timeout: float = 900.0  # the longest a data source execution may run

    def __post_init__(self) -> None:
        self.backoff.deadline = self.deadline
        self.writes = RateLimiter(self.write_quota, self.window_seconds, deadline=self.deadline)
        self.reads = RateLimiter(self.read_quota, self.window_seconds, deadline=self.deadline)


def service(connected: bool, endpoint: str | None = None) -> SheetsService:
    """A `sheets` v4 client; the BigQuery scope only when a tab is connected."""
    endpoint = endpoint or os.environ.get(ENDPOINT_VARIABLE) or None
    credentials: Credentials
    if endpoint:
        credentials = AnonymousCredentials()  # type: ignore[no-untyped-call]
    else:
        scopes = [SPREADSHEETS_SCOPE, *([BIGQUERY_READ_SCOPE] if connected else [])]
        credentials, _ = google.auth.default(scopes=scopes)
    built = discovery.build(
        "sheets",
        "v4",
        credentials=credentials,
        static_discovery=True,
        cache_discovery=False,
        client_options={"api_endpoint": endpoint} if endpoint else None,
    )
    return cast(SheetsService, built)


class SheetsApi:
    """The handful of calls the sync makes, each through the quota limiter and backoff."""

    def __init__(self, sheets: SheetsService, spreadsheet_id: str, pacing: Pacing) -> None:
        self.spreadsheets = sheets.spreadsheets()
        self.spreadsheet_id = spreadsheet_id
        self.pacing = pacing
        self.write_requests = 0

    def get(self, fields: str = SHEETS_FIELDS, ranges: list[str] | None = None) -> Json:
        """The spreadsheet's resource, narrowed to `fields` (and to `ranges` for cells)."""
        extra = {"ranges": ranges} if ranges else {}
        request = self.spreadsheets.get(spreadsheetId=self.spreadsheet_id, fields=fields, **extra)
        return retrying(request.execute, self.pacing.backoff, self.pacing.reads)

    def put_rows(self, title: str, first_row: int, rows: Sequence[Sequence[Cell]]) -> None:
        """Write rows from column A of a row; safe to repeat, so every failure retries."""
        target = f"{a1_title(title)}!A{first_row}"
        request = self.spreadsheets.values().update(
            spreadsheetId=self.spreadsheet_id,
            range=target,
            valueInputOption="RAW",
            body={"range": target, "majorDimension": "ROWS", "values": rows},
        )
        self._write(request.execute, RETRYABLE, TRANSPORT_ERRORS)

    def batch_update(
        self,
        requests: list[Json],
        retry_on: frozenset[int] = RETRYABLE,
        network: tuple[type[BaseException], ...] = TRANSPORT_ERRORS,
    ) -> Json:
        """One all-or-nothing batchUpdate; `retry_on` and `network` narrow the retries of
        requests that must not run twice (only a 429 or a refused connection is sure not
        to have reached Sheets)."""
        request = self.spreadsheets.batchUpdate(
            spreadsheetId=self.spreadsheet_id, body={"requests": requests}
        )
        return self._write(request.execute, retry_on, network)

    def _write(
        self,
        execute: Callable[[], Json],
        retry_on: frozenset[int],
        network: tuple[type[BaseException], ...],
    ) -> Json:
        def counted() -> Json:
            self.write_requests += 1
            return execute()

        return retrying(counted, self.pacing.backoff, self.pacing.writes, retry_on, network)


def a1_title(title: str) -> str:
    """A tab title quoted for A1 notation."""
    return "'" + title.replace("'", "''") + "'"

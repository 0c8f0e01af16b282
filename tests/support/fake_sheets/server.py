"""The fake's HTTP side: request validation, quota, and faults of the API and the network.

Every request is matched to a discovery-document method and its query and body are
validated (400 otherwise). Write requests are timed so a test can count them per
window; more than `write_quota` in one window is refused with 429 like the real quota,
with a `Retry-After` header when `retry_after` is set. A share `fault_rate` of requests
meets one of `fault_kinds`:

- 429: refused before applying (with `Retry-After` when set);
- 500, 503: before applying, or (half of them) after, as when an answer is lost;
- "reset": the connection is reset, before applying or (half of them) after;
- "refuse": the request is answered, then the server stops listening for
  `outage_seconds`, so the next connections are refused.

`forced` lists faults the next write requests meet instead (200: none; a 5xx or reset
there comes after applying, unless `applied_before_5xx` is False).
"""

import json
import random
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass

from tests.support.fake_sheets import discovery
from tests.support.fake_sheets.spreadsheet import RejectedError, Spreadsheet
from tests.support.fake_sheets.state import Json
from tests.support.fake_sheets.transport import Answer, Transport

STATUS_NAMES = {400: "INVALID_ARGUMENT", 403: "PERMISSION_DENIED", 404: "NOT_FOUND"}
STATUS_NAMES |= {429: "RESOURCE_EXHAUSTED"}
STATUS_NAMES |= {500: "INTERNAL", 503: "UNAVAILABLE"}

type Fault = int | str  # an HTTP status, "reset" or "refuse"


@dataclass(frozen=True)
class Call:
    """One request the fake answered (status 0: its connection was reset)."""

    method_id: str
    body: Json | None
    status: int
    at: float
    size: int


class FakeSheets:
    """One spreadsheet served at `endpoint` while the context is open."""

    def __init__(
        self,
        spreadsheet_id: str = "my-test-spreadsheet",
        fault_rate: float = 0.0,
        write_quota: int | None = None,
        window_seconds: float = 60.0,
        seed: int = 0,
        applied_before_5xx: bool = True,
        fault_kinds: tuple[Fault, ...] = (429, 500, 503),
        retry_after: float | None = None,
        outage_seconds: float = 0.05,
    ) -> None:
        self.spreadsheet = Spreadsheet(spreadsheet_id)
        self.fault_rate = fault_rate
        self.fault_kinds = fault_kinds
        self.applied_before_5xx = applied_before_5xx
        self.write_quota = write_quota
        self.window_seconds = window_seconds
        self.retry_after = retry_after
        self.outage_seconds = outage_seconds
        self.calls: list[Call] = []
        self.invalid: list[str] = []  # requests the discovery document does not allow
        self.rejected: list[str] = []  # valid requests the spreadsheet's state refused
        self.quota_refusals = 0
        self.outages = 0
        self.forced: list[Fault] = []  # faults for the next write requests, in order
        self._rng = random.Random(seed)
        self._lock = threading.Lock()
        self._transport: Transport | None = None
        self.endpoint = ""

    def write_times(self) -> list[float]:
        return [call.at for call in self.calls if _is_write(call.method_id)]

    def max_writes_per_window(self) -> int:
        """The most write requests received in any window of `window_seconds`."""
        times = sorted(self.write_times())
        most, start = 0, 0
        for end, at in enumerate(times):
            while times[start] <= at - self.window_seconds:
                start += 1
            most = max(most, end - start + 1)
        return most

    def _over_quota(self, now: float) -> bool:
        if self.write_quota is None:
            return False
        recent = [t for t in self.write_times() if t > now - self.window_seconds]
        return len(recent) >= self.write_quota

    def _fault(self, write: bool, now: float) -> tuple[Fault, bool]:
        """The fault this request meets (200: none) and whether it is applied first."""
        after_applying = self.applied_before_5xx
        if write and self._over_quota(now):
            self.quota_refusals += 1
            return 429, False
        if write and self.forced:
            return self.forced.pop(0), after_applying
        if self._rng.random() < self.fault_rate:
            return self._rng.choice(self.fault_kinds), after_applying and self._rng.random() < 0.5
        return 200, False

    def answer(self, verb: str, url: str, raw: bytes) -> Answer:
        """Answer one request: (status, JSON body, headers), or None to reset it."""
        now = time.monotonic()
        try:
            route = discovery.route(verb, url)
            body = json.loads(raw) if raw else None
            if route.request_schema:
                discovery.check_body(route.request_schema, body, route.method_id)
            for mask in route.query.get("fields", []):
                if route.response_schema:
                    discovery.check_fields(route.response_schema, mask, f"{route.method_id} fields")
        except (discovery.InvalidRequestError, json.JSONDecodeError) as error:
            with self._lock:
                self.invalid.append(str(error))
            return _error(400, str(error))
        with self._lock:
            fault, after_applying = self._fault(_is_write(route.method_id), now)
            status = 0 if fault == "reset" else 200 if fault == "refuse" else int(fault)
            self.calls.append(Call(route.method_id, body, status, now, len(raw)))
        if fault == "refuse":
            self.outages += 1
            assert self._transport is not None
            self._transport.outage(self.outage_seconds)
        lost_answer = (status >= 500 or status == 0) and after_applying
        if status not in (0, 200) and not lost_answer:
            return self._error(status, "injected by the fake")
        if status == 0 and not lost_answer:
            return None
        if route.path["spreadsheetId"] != self.spreadsheet.spreadsheet_id:
            return _error(404, "Requested entity was not found.")
        try:
            result = self._apply(route, body)
        except RejectedError as error:
            with self._lock:
                self.rejected.append(f"{route.method_id}: {error}")
            return _error(400, str(error))
        if lost_answer:
            return None if status == 0 else self._error(status, "injected after applying")
        if route.response_schema and route.method_id != "sheets.spreadsheets.values.get":
            discovery.check_body(route.response_schema, result, f"response of {route.method_id}")
        return 200, json.dumps(result).encode(), {}

    def _error(self, status: int, message: str) -> Answer:
        return _error(status, message, self.retry_after)

    def _apply(self, route: discovery.Route, body: Json | None) -> Json:
        sheet = self.spreadsheet
        name = route.method_id.removeprefix("sheets.spreadsheets.")
        if name == "get":
            return sheet.resource()
        if name == "values.get":
            a1 = route.path["range"]
            found = sheet.read(a1)
            return {"range": a1, "majorDimension": "ROWS", **({"values": found} if found else {})}
        assert body is not None  # the discovery document's check requires one for the rest
        if name == "batchUpdate":
            replies = sheet.batch_update(body["requests"])
            return {"spreadsheetId": sheet.spreadsheet_id, "replies": replies}
        if name == "values.update":
            if route.query.get("valueInputOption") is None:
                raise RejectedError("valueInputOption is required")
            if body.get("range", route.path["range"]) != route.path["range"]:
                raise RejectedError("the body's range differs from the URL's")
            counts = sheet.write(route.path["range"], body["values"])
            return {"spreadsheetId": sheet.spreadsheet_id, "updatedRange": body["range"], **counts}
        raise RejectedError(f"the fake does not implement {route.method_id}")

    @contextmanager
    def running(self) -> Iterator["FakeSheets"]:
        """Serve on a free loopback port until the block ends."""
        self._transport = Transport(self.answer)
        self.endpoint = self._transport.endpoint
        try:
            yield self
        finally:
            self._transport.stop()


def _is_write(method_id: str) -> bool:
    return method_id.split(".")[-1] != "get"


def _error(status: int, message: str, retry_after: float | None = None) -> Answer:
    body = {"error": {"code": status, "message": message, "status": STATUS_NAMES[status]}}
    headers = {"Retry-After": f"{retry_after:g}"} if status == 429 and retry_after else {}
    return status, json.dumps(body).encode(), headers

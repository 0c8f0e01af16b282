"""The fake's HTTP side: loopback server, request validation, quota and fault injection.

Every request is matched to a discovery-document method and its query and body are
validated (400 otherwise). Write requests are timed so a test can count them per
window; more than `write_quota` in one window is refused with 429 like the real quota.
A share `fault_rate` of requests is answered 429, 500 or 503: a 429 always before the
request is applied, a 5xx before or (half of them) after, as when an answer is lost.
`forced` lists statuses the next write requests get instead (200: none; a 5xx there
comes after applying, unless `applied_before_5xx` is False).
"""

import json
import random
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

from tests.support.fake_sheets import discovery
from tests.support.fake_sheets.spreadsheet import RejectedError, Spreadsheet

STATUS_NAMES = {400: "INVALID_ARGUMENT", 403: "PERMISSION_DENIED", 404: "NOT_FOUND"}
STATUS_NAMES |= {429: "RESOURCE_EXHAUSTED"}
STATUS_NAMES |= {500: "INTERNAL", 503: "UNAVAILABLE"}


@dataclass(frozen=True)
class Call:
    """One request the fake answered."""

    method_id: str
    body: Any
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
    ) -> None:
        self.spreadsheet = Spreadsheet(spreadsheet_id)
        self.fault_rate = fault_rate
        self.applied_before_5xx = applied_before_5xx
        self.write_quota = write_quota
        self.window_seconds = window_seconds
        self.calls: list[Call] = []
        self.invalid: list[str] = []  # requests the discovery document does not allow
        self.rejected: list[str] = []  # valid requests the spreadsheet's state refused
        self.quota_refusals = 0
        self.forced: list[int] = []  # statuses for the next write requests, in order
        self._rng = random.Random(seed)
        self._lock = threading.Lock()
        self._server: ThreadingHTTPServer | None = None
        self.endpoint = ""

    def write_times(self) -> list[float]:
        return [call.at for call in self.calls if call.method_id.split(".")[-1] != "get"]

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

    def handle(self, verb: str, url: str, raw: bytes) -> tuple[int, dict[str, Any]]:
        """Answer one request: (HTTP status, JSON body)."""
        now = time.monotonic()
        try:
            route = discovery.route(verb, url)
            body = json.loads(raw) if raw else None
            if route.request_schema:
                discovery.check_body(route.request_schema, body, route.method_id)
        except (discovery.InvalidRequestError, json.JSONDecodeError) as error:
            with self._lock:
                self.invalid.append(str(error))
            return 400, _error(400, str(error))
        with self._lock:
            write = route.method_id.split(".")[-1] != "get"
            status = 200
            after_applying = self.applied_before_5xx
            if write and self._over_quota(now):
                self.quota_refusals += 1
                status = 429
            elif write and self.forced:
                status = self.forced.pop(0)
            elif self._rng.random() < self.fault_rate:
                status = self._rng.choice([429, 500, 503])
                after_applying = after_applying and self._rng.random() < 0.5
            self.calls.append(Call(route.method_id, body, status, now, len(raw)))
        lost_answer = status >= 500 and after_applying  # done, but the answer was lost
        if status != 200 and not lost_answer:
            return status, _error(status, "injected by the fake")
        if route.path["spreadsheetId"] != self.spreadsheet.spreadsheet_id:
            return 404, _error(404, "Requested entity was not found.")
        try:
            result = self._apply(route, body)
        except RejectedError as error:
            with self._lock:
                self.rejected.append(f"{route.method_id}: {error}")
            return 400, _error(400, str(error))
        if lost_answer:
            return status, _error(status, "injected by the fake after applying the request")
        if route.response_schema and route.method_id != "sheets.spreadsheets.values.get":
            discovery.check_body(route.response_schema, result, f"response of {route.method_id}")
        return 200, result

    def _apply(self, route: discovery.Route, body: Any) -> dict[str, Any]:
        sheet = self.spreadsheet
        name = route.method_id.removeprefix("sheets.spreadsheets.")
        if name == "get":
            return sheet.resource()
        if name == "batchUpdate":
            replies = sheet.batch_update(body["requests"])
            return {"spreadsheetId": sheet.spreadsheet_id, "replies": replies}
        if name == "values.get":
            a1 = route.path["range"]
            found = sheet.read(a1)
            return {"range": a1, "majorDimension": "ROWS", **({"values": found} if found else {})}
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
        fake = self

        class Handler(BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"

            def _answer(self) -> None:
                length = int(self.headers.get("Content-Length") or 0)
                status, body = fake.handle(self.command, self.path, self.rfile.read(length))
                payload = json.dumps(body).encode()
                self.send_response(status)
                self.send_header("Content-Type", "application/json; charset=UTF-8")
                self.send_header("Content-Length", str(len(payload)))
                self.end_headers()
                self.wfile.write(payload)

            do_GET = do_POST = do_PUT = _answer  # noqa: N815 (http.server's names)

            def log_message(self, format: str, *args: Any) -> None:
                """Quiet: the calls are recorded in `fake.calls`."""

        self._server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.endpoint = f"http://127.0.0.1:{self._server.server_address[1]}/"
        thread = threading.Thread(target=self._server.serve_forever, daemon=True)
        thread.start()
        try:
            yield self
        finally:
            self._server.shutdown()
            self._server.server_close()
            thread.join()


def _error(status: int, message: str) -> dict[str, Any]:
    return {"error": {"code": status, "message": message, "status": STATUS_NAMES[status]}}

"""The fake's network side: a loopback HTTP server that can refuse and reset connections.

Every answer closes its connection, so each request opens a new one, as a client that
met a network fault would. `outage` closes the listening socket for a while: connections
attempted meanwhile are refused by the kernel (ECONNREFUSED), as when a front end is
briefly unreachable. `reset` aborts one connection with a TCP RST instead of an answer.
"""

import socket
import struct
import threading
import time
from collections.abc import Callable
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

type Answer = tuple[int, bytes, dict[str, str]] | None  # None: reset the connection


class Transport:
    """Serves `answer(verb, path, body)` on 127.0.0.1 at a fixed port until `stop`."""

    def __init__(self, answer: Callable[[str, str, bytes], Answer]) -> None:
        transport = self

        class Handler(BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"

            def _answer(self) -> None:
                length = int(self.headers.get("Content-Length") or 0)
                answered = answer(self.command, self.path, self.rfile.read(length))
                self.close_connection = True
                if answered is None:
                    self.rfile.close()  # the socket closes only once its file is closed too
                    transport.reset(self.connection)
                    return
                status, payload, headers = answered
                self.send_response(status)
                headers = {
                    "Content-Type": "application/json; charset=UTF-8",
                    "Content-Length": str(len(payload)),
                    "Connection": "close",  # the next request opens a new connection
                    **headers,
                }
                for name, value in headers.items():
                    self.send_header(name, value)
                self.end_headers()
                self.wfile.write(payload)

            do_GET = do_POST = do_PUT = _answer  # noqa: N815 (http.server's names)

            def log_message(self, format: str, *args: object) -> None:
                """Quiet: the fake records its calls itself."""

        self._server = ThreadingHTTPServer(("127.0.0.1", 0), Handler, bind_and_activate=False)
        self._listener: socket.socket | None = None
        self._port = 0
        self._open()
        self._down_until = 0.0
        self._stopped = threading.Event()
        self._thread = threading.Thread(target=self._accept, daemon=True)
        self._thread.start()

    @property
    def endpoint(self) -> str:
        return f"http://127.0.0.1:{self._port}/"

    def _open(self) -> None:
        listener = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
        listener.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        listener.bind(("127.0.0.1", self._port))
        listener.listen(64)
        listener.settimeout(0.01)
        self._port = listener.getsockname()[1]
        self._listener = listener

    def outage(self, seconds: float) -> None:
        """Stop listening now, for `seconds`: connections meanwhile are refused."""
        self._down_until = time.monotonic() + seconds
        if self._listener is not None:
            self._listener.close()
            self._listener = None

    @staticmethod
    def reset(connection: socket.socket) -> None:
        """Abort the connection: linger 0 makes close() send a RST, not a FIN."""
        connection.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, struct.pack("ii", 1, 0))
        connection.close()

    def _accept(self) -> None:
        while not self._stopped.is_set():
            if self._listener is None:
                if time.monotonic() < self._down_until:
                    time.sleep(0.002)
                    continue
                self._open()
            listener = self._listener
            try:
                assert listener is not None
                connection, address = listener.accept()
            except (TimeoutError, OSError):
                continue  # no one, or closed by an outage meanwhile
            connection.settimeout(None)
            self._server.process_request(connection, address)

    def stop(self) -> None:
        self._stopped.set()
        self._thread.join()
        if self._listener is not None:
            self._listener.close()
        self._server.server_close()

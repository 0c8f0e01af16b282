"""A loopback stand-in for the Compute Engine metadata server, so a child process finds
Application Default Credentials with no key file and no cloud.

google-auth asks the metadata server for the project, the service account and a token
when nothing else provides credentials (GCE_METADATA_HOST / GCE_METADATA_IP point it
here). Only the BigQuery emulator receives the token, and it checks none; nothing real
runs here to ask instead.
"""

import json
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import urlparse

ACCOUNT = "snowplow-test-transform@my-project-dev.iam.gserviceaccount.com"


def _handler(project: str) -> type[BaseHTTPRequestHandler]:
    class Handler(BaseHTTPRequestHandler):
        def do_GET(self) -> None:
            path = urlparse(self.path).path
            body: object = ""
            if path.endswith("/project/project-id"):
                body = project
            elif path.endswith("/universe/universe-domain"):
                body = "googleapis.com"
            elif path.endswith("/service-accounts/default/token"):
                body = {
                    "access_token": "emulator-token",
                    "expires_in": 3600,
                    "token_type": "Bearer",
                }
            elif path.endswith("/service-accounts/default/"):
                body = {
                    "email": ACCOUNT,
                    "aliases": ["default"],
                    "scopes": ["https://www.googleapis.com/auth/cloud-platform"],
                }
            payload = (body if isinstance(body, str) else json.dumps(body)).encode()
            self.send_response(200)
            self.send_header("Metadata-Flavor", "Google")
            self.send_header(
                "Content-Type", "text/plain" if isinstance(body, str) else "application/json"
            )
            self.send_header("Content-Length", str(len(payload)))
            self.end_headers()
            self.wfile.write(payload)

        def log_message(self, format: str, *args: object) -> None:
            pass  # quiet

    return Handler


@contextmanager
def metadata_server(project: str) -> Iterator[dict[str, str]]:
    """Serve on a free port; yield the environment that points google-auth at it."""
    server = ThreadingHTTPServer(("127.0.0.1", 0), _handler(project))
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    address = f"127.0.0.1:{server.server_address[1]}"
    try:
        yield {"GCE_METADATA_HOST": address, "GCE_METADATA_IP": address}
    finally:
        server.shutdown()
        thread.join(5)

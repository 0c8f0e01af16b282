"""The two Google Cloud emulators, started inside the test process on free local ports.

Shared by the Cloud Function tests and the dbt-bigquery tests (``emulators`` fixture in
``tests/conftest.py``).

- Cloud Storage: ``gcp-storage-emulator`` on disk, in a thread.
- BigQuery: ``local-bigquery`` (REST on uvicorn, in a thread), as its own pytest
  plugin does, except that ``gs://`` URIs of load jobs are read straight from the
  storage emulator's folder (``gcs_local_root``). Its other route to the storage
  emulator (``STORAGE_EMULATOR_HOST``) needs DuckDB's httpfs extension, which
  cannot be downloaded here.

local-bigquery checks that a job id is new and then saves the job in two steps, so
two concurrent inserts of one id can both pass the check; the second then fails
inside the emulator and can leave the first job PENDING forever. BigQuery makes
that check atomic (one insert wins, the other gets 409), and so does ``_atomic_job_ids``.

local-bigquery runs on DuckDB and needs the ducklake and spatial extensions, plus
icu installed as a file (DuckDB 1.5.5 refuses ``TimeZone`` in ``connect(config=)``
with icu only built in). Nothing may be downloaded, so they come from the
``duckdb-extension-*`` wheels on PyPI and are installed from those files.
"""

import contextlib
import fcntl
import importlib.util
import socket
import threading
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import duckdb
from google.auth.credentials import AnonymousCredentials
from google.cloud import bigquery

EXTENSIONS = ("icu", "ducklake", "spatial")


def _probe() -> str | None:
    """None when DuckDB can do what local-bigquery asks of it; the failure otherwise."""
    try:
        with duckdb.connect(config={"TimeZone": "UTC"}) as db:
            db.execute("LOAD ducklake; LOAD spatial")
    except duckdb.Error as error:
        return str(error).splitlines()[0]
    return None


def prepare_duckdb_extensions(lock_dir: Path) -> None:
    """Install the extensions local-bigquery needs from their wheels (once per machine)."""
    if _probe() is None:
        return
    lock_dir.mkdir(parents=True, exist_ok=True)
    with (lock_dir / "duckdb-extensions.lock").open("w") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)  # pytest-xdist workers install one at a time
        if _probe() is None:
            return
        missing = []
        for name in EXTENSIONS:
            spec = importlib.util.find_spec(f"duckdb_extension_{name}")
            if spec is None or not spec.submodule_search_locations:
                missing.append(f"duckdb-extension-{name}=={duckdb.__version__}")
                continue
            folder = Path(next(iter(spec.submodule_search_locations)))
            path = folder / "extensions" / f"v{duckdb.__version__}" / f"{name}.duckdb_extension"
            with duckdb.connect() as db:
                db.execute(f"FORCE INSTALL '{path}'")
    failure = _probe()
    if failure is not None:
        raise RuntimeError(
            f"local-bigquery cannot start: {failure}. Add {', '.join(missing) or 'the wheels'} "
            "to the workspace's emulators group (DuckDB cannot download extensions here)."
        )


def _atomic_job_ids() -> None:
    """Serialize the emulator's check-then-save of new job ids, as BigQuery's is atomic."""
    from local_bigquery.jobs import runner  # type: ignore[import-untyped]

    if getattr(runner.submit, "atomic", False):
        return
    submit, lock = runner.submit, threading.Lock()

    def atomic(*args: Any, **kwargs: Any) -> Any:
        with lock:
            return submit(*args, **kwargs)

    atomic.atomic = True  # type: ignore[attr-defined]
    runner.submit = atomic


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port: int = probe.getsockname()[1]
        return port


@dataclass(frozen=True)
class Emulators:
    storage_host: str  # for STORAGE_EMULATOR_HOST
    bigquery_url: str  # for SNOWPLOW_BIGQUERY_ENDPOINT
    project: str

    def bigquery(self) -> bigquery.Client:
        """The official BigQuery client, pointed at the emulator."""
        return bigquery.Client(
            project=self.project,
            credentials=AnonymousCredentials(),  # type: ignore[no-untyped-call]
            client_options={"api_endpoint": self.bigquery_url},
        )


@contextlib.contextmanager
def running(folder: Path) -> Iterator[Emulators]:
    """Both emulators, stopped on exit; their data lives under ``folder``."""
    import uvicorn
    from gcp_storage_emulator.server import create_server  # type: ignore[import-untyped]
    from local_bigquery import app  # type: ignore[import-untyped]
    from local_bigquery.settings import settings  # type: ignore[import-untyped]

    prepare_duckdb_extensions(Path.home() / ".cache" / "snowplow-tests")
    _atomic_job_ids()
    port = free_port()
    gcs_dir = folder / "gcs"
    storage = create_server("127.0.0.1", port, in_memory=False, data_dir=str(gcs_dir))
    storage.start()
    settings.data_dir = folder / "bigquery"
    settings.gcs_local_root = gcs_dir / ".cloudstorage"  # where the emulator keeps objects
    rest = uvicorn.Server(uvicorn.Config(app, host="127.0.0.1", port=0, log_level="warning"))
    thread = threading.Thread(target=rest.run, daemon=True)
    thread.start()
    while not rest.started and thread.is_alive():
        thread.join(0.01)
    rest_port = rest.servers[0].sockets[0].getsockname()[1]
    try:
        yield Emulators(
            f"http://127.0.0.1:{port}", f"http://127.0.0.1:{rest_port}", settings.default_project_id
        )
    finally:
        rest.should_exit = True
        thread.join(5)
        storage.stop()

"""What the Cloud Function deploys: ``main.py``, ``requirements.txt`` and the cloud path.

The function's folder also holds the embedded engine (DuckDB), its CLI and the
benchmarks; none of them is imported on the cloud path, and DuckDB is not in the
function's requirements. So the deployed source is an explicit list, checked by a
test that handles an event from a copy of exactly these files with DuckDB
unimportable. Build it: ``python -m snowplow_loader.cloud.bundle OUT.zip`` (or a
folder); infra uploads the result as the function's source.
"""

import shutil
import sys
import zipfile
from pathlib import Path

FUNCTIONS = Path(__file__).resolve().parents[2]
# Modules of snowplow_loader the cloud path imports, besides snowplow_loader.cloud.
SHARED = (
    "__init__.py",
    "py.typed",
    "bigquery_sql.py",
    "contract.py",
    "files.py",
    "limits.py",
    "results.py",
    "rules.py",
)


def files(functions: Path = FUNCTIONS) -> list[Path]:
    """The deployed files, relative to ``functions``."""
    cloud = sorted(
        p.relative_to(functions) for p in (functions / "snowplow_loader" / "cloud").glob("*.py")
    )
    return [
        Path("main.py"),
        Path("requirements.txt"),
        *(Path("snowplow_loader", name) for name in SHARED),
        *cloud,
    ]


def copy_to(target: Path, functions: Path = FUNCTIONS) -> None:
    """The bundle as a folder (what the tests run)."""
    for relative in files(functions):
        (target / relative).parent.mkdir(parents=True, exist_ok=True)
        shutil.copyfile(functions / relative, target / relative)


def write_zip(target: Path, functions: Path = FUNCTIONS) -> None:
    """The bundle as the zip Cloud Functions takes; the same bytes for the same sources."""
    with zipfile.ZipFile(target, "w", zipfile.ZIP_DEFLATED) as archive:
        for relative in files(functions):
            info = zipfile.ZipInfo(relative.as_posix(), date_time=(1980, 1, 1, 0, 0, 0))
            archive.writestr(info, (functions / relative).read_bytes(), zipfile.ZIP_DEFLATED)


if __name__ == "__main__":
    out = Path(sys.argv[1])
    write_zip(out) if out.suffix == ".zip" else copy_to(out)

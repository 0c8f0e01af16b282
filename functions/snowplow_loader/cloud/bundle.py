"""What the Cloud Function deploys: ``main.py``, ``requirements.txt`` and the code it imports.

The function's folder also holds the embedded engine (DuckDB), its CLI and the
benchmarks; the cloud path imports none of them and DuckDB is not in the function's
requirements. The shipped modules are found by following ``main.py``'s imports
(``modulefinder`` reads every import statement, lazy ones inside functions included),
so a module the cloud path starts to import ships without anyone editing a list.
The zip is byte-for-byte reproducible (sorted entries, fixed timestamps), so its hash
changes only when a shipped file does; infra names the uploaded object by that hash.
Build it: ``python -m snowplow_loader.cloud.bundle OUT.zip`` (or a folder).
"""

import io
import shutil
import sys
import zipfile
from modulefinder import ModuleFinder
from pathlib import Path

FUNCTIONS = Path(__file__).resolve().parents[2]
PACKAGE = "snowplow_loader"
ENTRY_FILES = ("main.py", "requirements.txt")
FIXED_TIME = (1980, 1, 1, 0, 0, 0)  # the earliest time a zip entry can carry


def files(functions: Path = FUNCTIONS) -> list[str]:
    """The deployed files, relative to ``functions``: the entry files, then sorted modules."""
    finder = ModuleFinder(path=[str(functions)])
    finder.run_script(str(functions / "main.py"))
    modules = {
        Path(path).relative_to(functions).as_posix()
        for name, module in finder.modules.items()
        if (name == PACKAGE or name.startswith(PACKAGE + "."))
        and (path := getattr(module, "__file__", None))
    }
    return [*ENTRY_FILES, *sorted(modules)]


def copy_to(target: Path, functions: Path = FUNCTIONS) -> None:
    """The bundle as a folder (what the tests run)."""
    for relative in files(functions):
        (target / relative).parent.mkdir(parents=True, exist_ok=True)
        shutil.copyfile(functions / relative, target / relative)


def zip_bytes(functions: Path = FUNCTIONS) -> bytes:
    """The bundle as the zip Cloud Functions takes; the same bytes for the same sources."""
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        for relative in files(functions):
            info = zipfile.ZipInfo(relative, date_time=FIXED_TIME)
            info.external_attr = 0o644 << 16
            info.compress_type = zipfile.ZIP_DEFLATED
            archive.writestr(info, (functions / relative).read_bytes())
    return buffer.getvalue()


if __name__ == "__main__":
    out = Path(sys.argv[1])
    if out.suffix == ".zip":
        out.write_bytes(zip_bytes())
    else:
        copy_to(out)

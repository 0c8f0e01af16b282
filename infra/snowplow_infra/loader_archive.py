"""The loader's source archive: exactly the files the Cloud Function runs, named by content.

Cloud Functions builds from a zip holding ``main.py``, ``requirements.txt`` and the
code ``main.py`` imports. The ``snowplow_loader`` modules are found by following
``main.py``'s imports (``modulefinder`` reads every import statement, including those
inside functions that load lazily), so the DuckDB engine and the CLI stay out, and a
module the cloud path starts to import is shipped without anyone editing a list.
The zip is byte-for-byte reproducible (sorted entries, fixed timestamps), so its
SHA-256 changes only when a shipped file does, and the object name carries it: a new
name is what makes Terraform redeploy the function.
"""

import hashlib
import io
import zipfile
from dataclasses import dataclass
from modulefinder import ModuleFinder
from pathlib import Path

from snowplow_infra.loader_function import LOADER_FUNCTION

REPOSITORY = Path(__file__).resolve().parents[2]
PACKAGE = "snowplow_loader"
ENTRY_FILES = ("main.py", "requirements.txt")
FIXED_TIME = (1980, 1, 1, 0, 0, 0)  # the earliest time a zip entry can carry


@dataclass(frozen=True)
class SourceArchive:
    """The zip's bytes and the object name that carries their hash."""

    content: bytes
    members: tuple[str, ...]

    @property
    def sha256(self) -> str:
        return hashlib.sha256(self.content).hexdigest()

    @property
    def object_name(self) -> str:
        return f"functions/snowplow-loader-{self.sha256[:20]}.zip"


def imported_package_files(source_dir: Path) -> list[str]:
    """Paths (relative to source_dir) of the package modules main.py can import."""
    finder = ModuleFinder(path=[str(source_dir)])
    finder.run_script(str(source_dir / "main.py"))
    files = {
        Path(path).relative_to(source_dir).as_posix()
        for name, module in finder.modules.items()
        if (name == PACKAGE or name.startswith(PACKAGE + "."))
        and (path := getattr(module, "__file__", None))
    }
    return sorted(files)


def build_archive(source_dir: Path = REPOSITORY / LOADER_FUNCTION.source_dir) -> SourceArchive:
    """Zip main.py, requirements.txt and the package modules main.py imports."""
    members = [*ENTRY_FILES, *imported_package_files(source_dir)]
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        for member in members:
            info = zipfile.ZipInfo(member, date_time=FIXED_TIME)
            info.external_attr = 0o644 << 16
            info.compress_type = zipfile.ZIP_DEFLATED
            archive.writestr(info, (source_dir / member).read_bytes())
    return SourceArchive(buffer.getvalue(), tuple(members))

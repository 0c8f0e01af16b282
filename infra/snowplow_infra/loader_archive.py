"""The loader's source archive as infra uploads it: the function's bundle, named by content.

What goes into the zip is the loader's decision (``snowplow_loader.cloud.bundle``:
``main.py``, ``requirements.txt`` and the modules ``main.py`` imports). Infra only
names the object by the zip's SHA-256: a new name is what makes Terraform redeploy
the function, and the same sources always give the same name.
"""

import hashlib
from dataclasses import dataclass

from snowplow_loader.cloud import bundle


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


def build_archive() -> SourceArchive:
    """The function's bundle, zipped."""
    return SourceArchive(bundle.zip_bytes(), tuple(bundle.files()))

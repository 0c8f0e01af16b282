"""The function's source archive holds exactly what the function imports, and it suffices."""

import subprocess
import sys
import textwrap
import zipfile
from io import BytesIO
from pathlib import Path

from snowplow_infra.loader_archive import build_archive


def test_archive_lists_main_requirements_and_the_cloud_path_only() -> None:
    archive = build_archive()
    names = zipfile.ZipFile(BytesIO(archive.content)).namelist()
    assert names == list(archive.members)
    assert names[:2] == ["main.py", "requirements.txt"]
    modules = set(names[2:])
    # the lazily imported handler is found; the DuckDB engine and the CLI are not shipped
    assert "snowplow_loader/cloud/handler.py" in modules
    assert "snowplow_loader/cloud/deploy.py" in modules
    engine = {"snowplow_loader/embedded.py", "snowplow_loader/duckdb_reads.py"}
    assert not modules & {*engine, "snowplow_loader/cli.py"}
    assert all(name.startswith("snowplow_loader/") and name.endswith(".py") for name in modules)
    assert (
        "snowplow_loader/__init__.py" in modules and "snowplow_loader/cloud/__init__.py" in modules
    )


def test_archive_is_reproducible_and_named_by_its_hash() -> None:
    first, second = build_archive(), build_archive()
    assert first.content == second.content
    assert first.sha256[:20] in first.object_name


def test_archive_alone_imports_every_module_it_ships(tmp_path: Path) -> None:
    """Unpacked first on sys.path, each shipped module imports from the archive, no DuckDB."""
    archive = build_archive()
    zipfile.ZipFile(BytesIO(archive.content)).extractall(tmp_path)
    modules = [
        name.removesuffix(".py").removesuffix("/__init__").replace("/", ".")
        for name in archive.members
        if name.endswith(".py")
    ]
    script = textwrap.dedent(
        f"""
        import importlib, sys
        sys.path.insert(0, {str(tmp_path)!r})
        for name in {modules!r}:
            module = importlib.import_module(name)
            assert module.__file__.startswith({str(tmp_path)!r}), (name, module.__file__)
        assert "duckdb" not in sys.modules, "the cloud path imported DuckDB"
        """
    )
    done = subprocess.run(
        [sys.executable, "-c", script], cwd=tmp_path, capture_output=True, text=True, check=False
    )
    assert done.returncode == 0, done.stderr

"""One layering: the loader's core (``snowplow_loader`` outside ``cloud/``) never imports
``snowplow_loader.cloud``; shared parts (the framer, the staging row) live in the core.

Read from the source, lazy imports inside functions included, so an import that only
runs on some path still counts.
"""

import ast
from pathlib import Path

PACKAGE = Path(__file__).parents[2] / "functions" / "snowplow_loader"
CLOUD = "snowplow_loader.cloud"


def imported(path: Path) -> set[str]:
    """Every module an ``import``/``from ... import`` statement of the file names."""
    names: set[str] = set()
    for node in ast.walk(ast.parse(path.read_text(), str(path))):
        if isinstance(node, ast.Import):
            names.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module:
            names.add(node.module)
            names.update(f"{node.module}.{alias.name}" for alias in node.names)
    return names


def core_modules() -> list[Path]:
    return sorted(p for p in PACKAGE.rglob("*.py") if "cloud" not in p.relative_to(PACKAGE).parts)


def test_the_core_never_imports_the_cloud_package() -> None:
    modules = core_modules()
    assert {p.name for p in modules} >= {"framing.py", "reframe.py", "embedded.py", "rules.py"}
    offenders = {
        p.name: sorted(n for n in imported(p) if n == CLOUD or n.startswith(CLOUD + "."))
        for p in modules
    }
    assert {name: found for name, found in offenders.items() if found} == {}


def test_the_check_sees_a_lazy_import(tmp_path: Path) -> None:
    module = tmp_path / "m.py"
    module.write_text("def f():\n    from snowplow_loader.cloud import stager\n")
    assert "snowplow_loader.cloud.stager" in imported(module)

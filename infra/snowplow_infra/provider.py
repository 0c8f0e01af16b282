"""Import only the Google provider resources the stacks use, not the whole binding package.

The prebuilt bindings (``cdktf_cdktf_provider_google``, one submodule per resource) have a
package ``__init__`` that does two things: it imports all 1,470 submodules, and its
``_jsii`` submodule loads the provider's jsii assembly into the Node process. Python runs
a package's ``__init__`` before any submodule, so ``from cdktf_cdktf_provider_google.
storage_bucket import StorageBucket`` pays for every resource of the provider: ~10 s of
Python imports on the reference machine, most of a plain synth (``bench_synth.py``).

Registering the package as an empty module with the package's own search path keeps the
ordinary import statements working: each submodule still runs ``from .._jsii import *``,
so the assembly loads exactly as before, and the ~25 resource modules the constructs use
are imported on demand. Nothing else in the package's ``__init__`` is needed (it defines
only a ``check_type`` helper that every submodule defines again for itself).

With CDK Terrain (``cdktn_provider_google``) the same applies under the new name.

This module is also the one place that knows the CDK's own names. Moving to CDK Terrain
renames three imports (``CDK_TERRAIN``); with ``SNOWPLOW_CDK=cdktn`` in the environment
the same code runs on CDK Terrain's packages through import aliases, which is how
``infra/terrain.py`` proves in CI that the app synthesizes there unchanged.
"""

import importlib
import importlib.abc
import importlib.machinery
import importlib.util
import os
import sys
from types import ModuleType

PROVIDER_PACKAGE = "cdktf_cdktf_provider_google"
# the import names this code uses -> CDK Terrain's (PyPI cdktn, cdktn-provider-*)
CDK_TERRAIN = {
    "cdktf": "cdktn",
    "cdktf_cdktf_provider_google": "cdktn_provider_google",
    "cdktf_cdktf_provider_time": "cdktn_provider_time",
}
CDK_VARIABLE = "SNOWPLOW_CDK"


class _TerrainAliases(importlib.abc.MetaPathFinder, importlib.abc.Loader):
    """Serve ``cdktf...`` imports with the CDK Terrain module of the renamed path."""

    def find_spec(
        self, fullname: str, path: object = None, target: object = None
    ) -> importlib.machinery.ModuleSpec | None:
        if fullname.split(".")[0] not in CDK_TERRAIN:
            return None
        return importlib.util.spec_from_loader(fullname, self)

    def create_module(self, spec: importlib.machinery.ModuleSpec) -> ModuleType:
        top, dot, rest = spec.name.partition(".")
        return importlib.import_module(CDK_TERRAIN[top] + dot + rest)

    def exec_module(self, module: ModuleType) -> None:
        """The CDK Terrain module ran when it was imported."""


def _use_cdk_terrain() -> None:
    for name, terrain in CDK_TERRAIN.items():
        if name.startswith("cdktf_cdktf_provider_"):
            _register(terrain)
    sys.meta_path.insert(0, _TerrainAliases())


def register_provider_package() -> None:
    """Make the provider's submodules importable without running the package ``__init__``.

    Does nothing when the package is already imported (whole or registered). Under
    ``SNOWPLOW_CDK=cdktn``, registers CDK Terrain's instead and aliases the imports.
    """
    if os.environ.get(CDK_VARIABLE) == "cdktn":
        if not any(isinstance(finder, _TerrainAliases) for finder in sys.meta_path):
            _use_cdk_terrain()
        return
    _register(PROVIDER_PACKAGE)


def _register(package: str) -> None:
    if package in sys.modules:
        return
    spec = importlib.util.find_spec(package)
    if spec is None or spec.submodule_search_locations is None:
        raise ModuleNotFoundError(f"{package} is not installed: run `make setup`")
    sys.modules[package] = importlib.util.module_from_spec(spec)


def loaded_resource_modules() -> list[str]:
    """The provider submodules imported so far (tests and the bench check it stays small)."""
    prefix = PROVIDER_PACKAGE + "."
    return sorted(name for name in sys.modules if name.startswith(prefix) and name.count(".") == 1)

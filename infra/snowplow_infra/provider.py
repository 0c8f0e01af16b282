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
"""

import importlib.util
import sys

PROVIDER_PACKAGE = "cdktf_cdktf_provider_google"


def register_provider_package() -> None:
    """Make the provider's submodules importable without running the package ``__init__``.

    Does nothing when the package is already imported (whole or registered).
    """
    if PROVIDER_PACKAGE in sys.modules:
        return
    spec = importlib.util.find_spec(PROVIDER_PACKAGE)
    if spec is None or spec.submodule_search_locations is None:
        raise ModuleNotFoundError(f"{PROVIDER_PACKAGE} is not installed: run `make setup`")
    sys.modules[PROVIDER_PACKAGE] = importlib.util.module_from_spec(spec)


def loaded_resource_modules() -> list[str]:
    """The provider submodules imported so far (tests and the bench check it stays small)."""
    prefix = PROVIDER_PACKAGE + "."
    return sorted(name for name in sys.modules if name.startswith(prefix) and name.count(".") == 1)

"""Synthesis imports only the provider modules the constructs use, not the whole package."""

import sys

import pytest
from snowplow_infra.provider import PROVIDER_PACKAGE, loaded_resource_modules

from tests.support.synthesis import Synthesized

# every infra module reads the one synthesis of the stacks: one worker builds it
pytestmark = pytest.mark.xdist_group("infra-synth")


def test_only_the_used_resource_modules_are_imported(synthesized: Synthesized) -> None:
    loaded = loaded_resource_modules()
    assert f"{PROVIDER_PACKAGE}.storage_bucket" in loaded  # the stacks did use the provider
    assert f"{PROVIDER_PACKAGE}._jsii" in loaded  # its assembly is loaded as usual
    assert len(loaded) < 40, f"{len(loaded)} provider modules: the package __init__ ran"
    # the package's own __init__ (which imports every submodule) never executed
    assert not hasattr(sys.modules[PROVIDER_PACKAGE], "access_context_manager_access_level")

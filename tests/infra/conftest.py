"""Every stack synthesized once per test session (tests/support/synthesis.py).

Synthesis starts a Node process and loads the provider's jsii assembly (~5-10 s), so the
tests share one synthesis and assert on the Terraform JSON it produced.
"""

import pytest

from tests.support.synthesis import Synthesized, synthesize


@pytest.fixture(scope="session")
def synthesized(tmp_path_factory: pytest.TempPathFactory) -> Synthesized:
    return synthesize(tmp_path_factory.mktemp("stacks"))

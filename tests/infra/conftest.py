"""Every stack synthesized once per test session (tests/support/synthesis.py).

Synthesis starts a Node process and loads the provider's jsii assembly (~5-10 s), so the
tests share one synthesis and assert on the Terraform JSON it produced. The environment
reading an existing BigQuery Loader table is one more stack, from a configuration built
in the test rather than a committed file.
"""

import pytest

from tests.support.synthesis import (
    Synthesized,
    existing_table_config,
    synthesize,
    synthesize_environment,
)


@pytest.fixture(scope="session")
def synthesized(tmp_path_factory: pytest.TempPathFactory) -> Synthesized:
    return synthesize(tmp_path_factory.mktemp("stacks"))


@pytest.fixture(scope="session")
def existing_table(synthesized: Synthesized) -> Synthesized:
    """The environment whose events a BigQuery Loader table holds (events_source), written
    beside the app's stacks so that one checkov run scans them all (test_checkov.py)."""
    folder = next(iter(synthesized.files.values())).parents[1]
    config = existing_table_config(synthesized.environments["dev"])
    return synthesize_environment(folder, config, synthesized.bootstrap)

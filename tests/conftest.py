"""Fixtures shared across components: the Google Cloud emulators, once per test process."""

from collections.abc import Iterator

import pytest

from tests.emulators import Emulators, running


@pytest.fixture(scope="session")
def emulators(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Emulators]:
    with running(tmp_path_factory.mktemp("emulators")) as started:
        yield started

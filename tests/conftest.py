"""Fixtures shared across components: the Google Cloud emulators, once per test process."""

from collections.abc import Iterator

import pytest

from tests.emulators import Emulators, running


@pytest.fixture(scope="session")
def emulators(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Emulators]:
    with running(tmp_path_factory.mktemp("emulators")) as started:
        yield started


@pytest.hookimpl(tryfirst=True)  # before pytest-xdist reads the groups
def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    """With `--dist loadgroup` (Makefile) a module's tests run on one worker, so what its
    module fixtures build (a dbt run, a synthesis) is built once; a module that shares a
    session fixture with others names a wider `xdist_group` itself."""
    for item in items:
        if item.get_closest_marker("xdist_group") is None:
            item.add_marker(pytest.mark.xdist_group(item.nodeid.split("::")[0]))

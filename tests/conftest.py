"""Fixtures shared across components: the Google Cloud emulators, once per test process."""

from collections.abc import Iterator
from typing import Protocol

import pytest

from tests.emulators import Emulators, running


@pytest.fixture(scope="session")
def emulators(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Emulators]:
    with running(tmp_path_factory.mktemp("emulators")) as started:
        yield started


# Every test of these folders drives dbt builds or the Cloud Function through the
# emulators: seconds to minutes each. They are `slow`: `make test-slow` runs them (CI's
# second step), `make test` the rest in under 3 minutes. A slow test elsewhere says so.
SLOW_FOLDERS = ("tests/cloud_function/", "tests/transform/")


@pytest.hookimpl(tryfirst=True)  # before pytest-xdist reads the groups
def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    """Mark the slow folders; and with `--dist loadgroup` (Makefile) run a module's tests
    on one worker, so what its module fixtures build (a dbt run, a synthesis) is built
    once; a module that shares a session fixture with others names a wider group itself."""
    for item in items:
        if item.nodeid.startswith(SLOW_FOLDERS):
            item.add_marker(pytest.mark.slow)
        if item.get_closest_marker("xdist_group") is None:
            item.add_marker(pytest.mark.xdist_group(item.nodeid.split("::")[0]))


class Worker(Protocol):
    """What the hook below reads of pytest-xdist's WorkerController (xdist ships no types)."""

    config: pytest.Config


def pytest_xdist_node_collection_finished(node: Worker, ids: list[str]) -> None:
    """With `--dist loadgroup` every test has a group (above), which pytest-xdist carries in
    the test's id to keep the group on one worker. pytest 9.2 made that silently fail
    (pytest-xdist#1386: each worker then built every shared build): stop instead."""
    lost = [nodeid for nodeid in ids if "@" not in nodeid]
    if lost and node.config.getoption("dist") == "loadgroup":
        raise pytest.UsageError(
            f"pytest-xdist dropped the xdist_group of {len(lost)} tests (e.g. {lost[0]}): "
            "pin pytest to a version it supports (pyproject.toml)"
        )

"""The project's own rules: every model documented, with a primary-key test, and the
columns its YAML documents are the columns it builds."""

import json
from pathlib import Path
from typing import Any

import pytest

from tests.transform.helpers import Built, rows

# the tests sharing the conformance build run on one pytest-xdist worker (Makefile)
pytestmark = pytest.mark.xdist_group("conformance-build")


@pytest.fixture(scope="module")
def manifest_and_database(conformance_built: Built) -> tuple[dict[str, Any], Path]:
    manifest = json.loads((conformance_built.target / "manifest.json").read_text())
    return manifest, conformance_built.database


def models(manifest: dict[str, Any]) -> list[dict[str, Any]]:
    return [node for node in manifest["nodes"].values() if node["resource_type"] == "model"]


def test_every_model_is_documented_and_has_a_primary_key_test(
    manifest_and_database: tuple[dict[str, Any], Path],
) -> None:
    manifest, _ = manifest_and_database
    tests = [node for node in manifest["nodes"].values() if node["resource_type"] == "test"]
    layers = set()
    for model in models(manifest):
        layers.add(model["fqn"][1])
        assert model["description"].strip(), f"{model['name']} has no description"
        assert model["columns"], f"{model['name']} documents no column"
        tested = {
            (test["test_metadata"]["name"], test.get("column_name"))
            for test in tests
            if test.get("test_metadata")
            and model["unique_id"] in test["depends_on"]["nodes"]
            and test["attached_node"] == model["unique_id"]
        }
        keys = {column for name, column in tested if name == "unique"}
        assert any(("not_null", key) in tested for key in keys), (
            f"{model['name']}: no primary key test"
        )
    assert layers == {"staging", "intermediate", "marts", "analytics", "ml"}


def test_documented_columns_are_the_built_columns(
    manifest_and_database: tuple[dict[str, Any], Path],
) -> None:
    manifest, database = manifest_and_database
    for model in models(manifest):
        built = {
            row["column_name"]
            for row in rows(
                database,
                "select column_name from information_schema.columns "
                f"where table_name = '{model['name']}'",
            )
        }
        documented = set(model["columns"])
        assert documented <= built, (
            f"{model['name']}: documented but not built: {documented - built}"
        )
        if model["fqn"][1] in {"marts", "analytics", "staging"}:
            assert built <= documented, (
                f"{model['name']}: built but not documented: {built - documented}"
            )

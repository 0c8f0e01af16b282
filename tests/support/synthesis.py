"""Every stack synthesized with ``cdktf.Testing`` and parsed to dicts, for the infra tests.

Synthesis starts a Node process and loads the provider's jsii assembly (~5-10 s), so the
tests share one synthesis and assert on the Terraform JSON it produced.
"""

import json
import os
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from snowplow_infra.config import BootstrapConfig, EnvironmentConfig, load_all

# Node 20 is what this machine has; jsii's end-of-life banner would bury test output
os.environ.setdefault("JSII_SILENCE_WARNING_END_OF_LIFE_NODE_VERSION", "20")

Stack = dict[str, Any]
ENVIRONMENTS = ("dev", "prod")  # the committed environment files
EXISTING = "existing"  # an environment reading a BigQuery Loader table (no committed file)
EXISTING_TABLE = "my-project-tracking.atomic.events"  # in another project than its own


@dataclass(frozen=True)
class Synthesized:
    """The Terraform JSON of each stack, its file on disk and the configs behind it."""

    stacks: dict[str, Stack]
    texts: dict[str, str]
    files: dict[str, Path]
    bootstrap: BootstrapConfig
    environments: dict[str, EnvironmentConfig]

    def resources(self, stack: str, resource_type: str) -> list[Stack]:
        return list(self.stacks[stack].get("resource", {}).get(resource_type, {}).values())

    def one(self, stack: str, resource_type: str, **matching: object) -> Stack:
        """The single resource of that type whose top-level fields have these values."""
        found = [
            resource
            for resource in self.resources(stack, resource_type)
            if all(resource.get(key) == value for key, value in matching.items())
        ]
        assert len(found) == 1, f"{stack}: {len(found)} {resource_type} match {matching}"
        return found[0]


def synthesize(folder: Path) -> Synthesized:
    """Synthesize every stack of the app, writing each one's JSON under `folder`."""
    from cdktf import TerraformStack, Testing
    from snowplow_infra.app import build_app

    app = build_app(Testing.app())
    texts, files = {}, {}
    for child in app.node.children:
        if isinstance(child, TerraformStack):
            name = child.node.id
            texts[name] = Testing.synth(child)
            files[name] = folder / name / "cdk.tf.json"
            files[name].parent.mkdir()
            files[name].write_text(texts[name])
    bootstrap, environments = load_all()
    return Synthesized(
        stacks={name: json.loads(text) for name, text in texts.items()},
        texts=texts,
        files=files,
        bootstrap=bootstrap,
        environments={environment.name: environment for environment in environments},
    )


def existing_table_config(base: EnvironmentConfig) -> EnvironmentConfig:
    """`base`'s settings, but its events are in EXISTING_TABLE (events_source)."""
    return EnvironmentConfig.model_validate(
        {
            **base.model_dump(),
            "name": EXISTING,
            "project": "my-project-existing",
            "events_source": {"kind": "bigquery_loader", "table": EXISTING_TABLE},
        }
    )


def synthesize_environment(
    folder: Path, config: EnvironmentConfig, bootstrap: BootstrapConfig
) -> Synthesized:
    """One environment stack of a configuration built in the test (no committed file),
    written to `folder`/<name>/cdk.tf.json: cheaper than the whole app once jsii is up."""
    from cdktf import Testing
    from snowplow_infra.stacks import EnvironmentStack

    stack = EnvironmentStack(Testing.app(), config, bootstrap)
    text = Testing.synth(stack)
    file = folder / config.name / "cdk.tf.json"
    file.parent.mkdir(parents=True)
    file.write_text(text)
    return Synthesized(
        stacks={config.name: json.loads(text)},
        texts={config.name: text},
        files={config.name: file},
        bootstrap=bootstrap,
        environments={config.name: config},
    )


def ref(
    synthesized: Synthesized, env: str, resource_type: str, attribute: str, **match: object
) -> str:
    """The ${...} reference Terraform resolves to that resource's attribute."""
    for key, resource in synthesized.stacks[env]["resource"][resource_type].items():
        if all(resource.get(k) == v for k, v in match.items()):
            return "${" + f"{resource_type}.{key}.{attribute}" + "}"
    raise AssertionError(f"no {resource_type} matching {match}")


def account(synthesized: Synthesized, env: str, component: str) -> str:
    name = synthesized.environments[env].name_of(component)
    return ref(synthesized, env, "google_service_account", "email", account_id=name)

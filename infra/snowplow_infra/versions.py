"""The Terraform CLI the stacks are planned and applied with, pinned in one place.

Every stack folder gets a ``versions.tf`` declaring ``required_version``, so an older
or a next-major CLI refuses to touch its state; every workflow installs exactly
``TERRAFORM_VERSION`` (``hashicorp/setup-terraform``'s ``terraform_version``;
tests/delivery checks it). The providers are pinned by the bindings
(``required_providers``) and by the committed lock file. ``place_pins`` writes both
beside each synthesized stack, where ``terraform init`` reads them.

Why a separate HCL file and not ``required_version`` in ``cdk.tf.json``: checkov's
Terraform JSON parser (3.x) fails on any non-object value in the ``terraform`` block and
then scans nothing in that file; it reads no ``.tf`` file with
``--framework terraform_json``, and Terraform reads both.
"""

import shutil
from pathlib import Path

TERRAFORM_VERSION = "1.11.4"
REQUIRED_TERRAFORM = ">= 1.11.0, < 2.0.0"
LOCK_FILE = Path(__file__).resolve().parents[1] / ".terraform.lock.hcl"
VERSIONS_FILE = "versions.tf"


def versions_tf(required: str = REQUIRED_TERRAFORM) -> str:
    return (
        "# Written by infra/main.py (snowplow_infra.versions): the Terraform CLI this stack\n"
        "# accepts. The workflows install snowplow_infra.versions.TERRAFORM_VERSION.\n"
        f'terraform {{\n  required_version = "{required}"\n}}\n'
    )


def place_pins(outdir: Path) -> list[Path]:
    """Write versions.tf and copy the lock file into every stack folder of a synthesis."""
    folders = [
        stack
        for stack in sorted((outdir / "stacks").iterdir())
        if (stack / "cdk.tf.json").is_file()
    ]
    for stack in folders:
        shutil.copy2(LOCK_FILE, stack / LOCK_FILE.name)
        (stack / VERSIONS_FILE).write_text(versions_tf())
    return folders

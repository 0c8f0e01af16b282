"""The Terraform CLI the stacks are planned and applied with, pinned in one place.

Every stack declares ``required_version`` so an older or a next-major CLI refuses to
touch its state; every workflow installs exactly ``TERRAFORM_VERSION``
(``hashicorp/setup-terraform``'s ``terraform_version``; tests/delivery checks it). The
providers are pinned by the bindings (``required_providers``) and by the committed lock
file, which ``place_lock_file`` copies beside each synthesized stack, where ``terraform
init`` reads it.
"""

import shutil
from pathlib import Path

TERRAFORM_VERSION = "1.11.4"
REQUIRED_TERRAFORM = ">= 1.11.0, < 2.0.0"
LOCK_FILE = Path(__file__).resolve().parents[1] / ".terraform.lock.hcl"


def place_lock_file(outdir: Path) -> list[Path]:
    """Copy the provider lock file into every stack folder of a synthesis output."""
    placed = []
    for stack in sorted((outdir / "stacks").iterdir()):
        if (stack / "cdk.tf.json").is_file():
            placed.append(Path(shutil.copy2(LOCK_FILE, stack / LOCK_FILE.name)))
    return placed

"""CDKTF entry point (cdktf.json runs it): writes cdktf.out/stacks/<stack>/cdk.tf.json,
and the provider lock file beside each, where `terraform init` reads it."""

from pathlib import Path

from snowplow_infra.app import build_app
from snowplow_infra.versions import place_lock_file

if __name__ == "__main__":
    app = build_app()
    app.synth()
    place_lock_file(Path(app.outdir))

"""CDKTF entry point (cdktf.json runs it): writes cdktf.out/stacks/<stack>/cdk.tf.json,
and beside each the Terraform and provider pins (versions.tf, the lock file)."""

from pathlib import Path

from snowplow_infra.app import build_app
from snowplow_infra.versions import place_pins

if __name__ == "__main__":
    app = build_app()
    app.synth()
    place_pins(Path(app.outdir))

"""CDKTF entry point (cdktf.json runs it): writes cdktf.out/stacks/<stack>/cdk.tf.json."""

from snowplow_infra.app import build_app

if __name__ == "__main__":
    build_app().synth()

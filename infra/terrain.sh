#!/usr/bin/env bash
# The exit path off archived CDKTF, checked (CI: .ci/run, after the tests). Synthesizes
# every stack with cdktf (the project's environment) and with CDK Terrain (an isolated
# environment of pinned versions from PyPI, the same source with only its imports renamed
# by snowplow_infra.provider), then compares them: infra/terrain.py lists the expected
# differences. Run from the repository root after `make setup`.
set -euo pipefail
cd "$(dirname "$0")/.."
out="${TERRAIN_OUT:-.data/terrain}"
rm -rf "$out"
export JSII_SILENCE_WARNING_END_OF_LIFE_NODE_VERSION=20
.venv/bin/python infra/terrain.py synth "$out/cdktf"
# no bytecode: the app imports ~30 of the binding's 1,500 modules, compiling all is minutes
SNOWPLOW_CDK=cdktn PYTHONPATH=infra:functions UV_COMPILE_BYTECODE=0 \
  python -m uv run --isolated --no-project --python 3.13 --quiet \
  --with cdktn==0.24.0 --with cdktn-provider-google==21.1.0 --with cdktn-provider-time==14.0.2 \
  --with constructs==10.7.2 --with pydantic==2.14.4 \
  python infra/terrain.py synth "$out/cdktn"
.venv/bin/python infra/terrain.py compare "$out/cdktf" "$out/cdktn"

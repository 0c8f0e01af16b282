#!/usr/bin/env bash
# The job image's Python environment, built one way by the Dockerfile and by `make bench`
# (which builds it into a folder, as no Docker daemon runs everywhere):
#   transform/image/install.sh VENV [dependencies|workspace|all]     (from the repo root)
# dependencies: the third-party packages of snowplow-transform from uv.lock only (exported
#   with their hashes, installed with --require-hashes and no resolution), then prune.sh.
# workspace: the three workspace packages the job runs, editable (dbt reads the project
#   beside snowplow_dbt, the sync its sheets.yml), built by hatchling pinned with hashes in
#   build-constraints.txt, so nothing unpinned is fetched.
# The Dockerfile runs the two phases apart so the dependencies' layer changes only with the
# lock. uv comes from $UV (default `uv`), the interpreter from $PYTHON (default python3.13).
set -euo pipefail
venv=${1:?usage: install.sh VENV [dependencies|workspace|all]}
phase=${2:-all}
uv=${UV:-uv}
here=$(dirname "$0")
export UV_COMPILE_BYTECODE=1 UV_LINK_MODE=copy UV_PYTHON_DOWNLOADS=never
if [[ "$phase" == dependencies || "$phase" == all ]]; then
  requirements=$(mktemp)
  trap 'rm -f "$requirements"' EXIT
  $uv export --locked --no-dev --no-emit-workspace --package snowplow-transform \
    --format requirements-txt --quiet --output-file "$requirements"
  $uv venv --quiet --python "${PYTHON:-python3.13}" "$venv"
  $uv pip install --python "$venv/bin/python" --quiet --no-deps --require-hashes \
    --requirement "$requirements"
  "$here/prune.sh" "$venv"
fi
if [[ "$phase" == workspace || "$phase" == all ]]; then
  $uv pip install --python "$venv/bin/python" --quiet --no-deps \
    --build-constraints "$here/build-constraints.txt" \
    --editable functions --editable sheets_sync --editable transform
fi

#!/usr/bin/env bash
# Install the pinned delivery linters (.ci/tools.txt: zizmor, shellcheck, hadolint) into
# .data/tools, once per version of that file: a stamp holding its hash skips the install
# when nothing changed (a second `make setup` costs nothing). Run from the repo root.
set -euo pipefail
tools=.data/tools
pins=.ci/tools.txt
uv=${UV:-python -m uv}
wanted=$(sha256sum "$pins" | cut -d' ' -f1)
if [[ -f "$tools/.stamp" && "$(cat "$tools/.stamp")" == "$wanted" ]]; then
  exit 0
fi
rm -rf "$tools"
$uv venv --quiet --python "${PYTHON:-python}" "$tools"
$uv pip install --quiet --python "$tools/bin/python" --require-hashes --no-deps --requirement "$pins"
echo "$wanted" > "$tools/.stamp"

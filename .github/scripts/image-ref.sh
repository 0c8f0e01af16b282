#!/usr/bin/env bash
# Check that REFERENCE is the job image by digest, built from commit SHA; print it.
#   .github/scripts/image-ref.sh REFERENCE SHA
# Refuses a tag, the placeholder sample image, an empty value (a failed step upstream)
# and an image whose revision label names another commit.
set -euo pipefail
# shellcheck source=lib.sh
source "$(dirname "$0")/lib.sh"
reference=${1:-}
sha=${2:?usage: image-ref.sh REFERENCE SHA}
[[ -n "$reference" ]] || fail "no image reference (did the build or the promotion fail?)"
[[ "$reference" =~ $IMAGE_BY_DIGEST ]] \
  || fail "not the job image by digest: '$reference'"
revision=$(skopeo inspect --no-tags "docker://$reference" \
  | jq -r '.Labels["org.opencontainers.image.revision"] // empty')
[[ "$revision" == "$sha" ]] \
  || fail "$reference was built from '${revision:-an unknown commit}', not from $sha"
echo "$reference"

#!/usr/bin/env bash
# The image built for commit SHA in REPOSITORY (the tag build-image.sh pushed), by digest.
#   .github/scripts/find-image.sh REPOSITORY SHA
# A release promotes this digest: the bytes the main build made and dev ran, not a rebuild.
set -euo pipefail
here=$(dirname "$0")
# shellcheck source=lib.sh
source "$here/lib.sh"
repository=${1:?usage: find-image.sh REPOSITORY SHA}
sha=${2:?usage: find-image.sh REPOSITORY SHA}
digest=$(skopeo inspect --no-tags --format '{{.Digest}}' "docker://$repository/snowplow-job:$sha") \
  || fail "no image of $sha in $repository: did the main build of this commit deploy dev?"
"$here/image-ref.sh" "$repository/snowplow-job@$digest" "$sha"

#!/usr/bin/env bash
# Copy the image REFERENCE (by digest) into REPOSITORY, keeping its digest; print the copy.
#   .github/scripts/promote-image.sh REFERENCE REPOSITORY SHA
# skopeo copies the manifest and layers as they are (--preserve-digests), so the promoted
# reference has the same digest: the environment runs the very bytes that were tested.
set -euo pipefail
here=$(dirname "$0")
# shellcheck source=lib.sh
source "$here/lib.sh"
source_ref=${1:?usage: promote-image.sh REFERENCE REPOSITORY SHA}
repository=${2:?usage: promote-image.sh REFERENCE REPOSITORY SHA}
sha=${3:?usage: promote-image.sh REFERENCE REPOSITORY SHA}
"$here/image-ref.sh" "$source_ref" "$sha" > /dev/null
digest=${source_ref##*@}
skopeo copy --preserve-digests "docker://$source_ref" "docker://$repository/snowplow-job:$sha" >&2
"$here/image-ref.sh" "$repository/snowplow-job@$digest" "$sha"

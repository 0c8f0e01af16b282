#!/usr/bin/env bash
# Build the job image once for this commit and push it; print its reference by digest.
#   .github/scripts/build-image.sh REPOSITORY     (docker logged in to the registry)
# The tag is the commit (so a release finds the build of its commit) and the label
# org.opencontainers.image.revision says the same inside the image; what is printed is the
# digest the registry returned for the push, checked by image-ref.sh.
set -euo pipefail
here=$(dirname "$0")
# shellcheck source=lib.sh
source "$here/lib.sh"
repository=${1:?usage: build-image.sh REPOSITORY}
sha=${GITHUB_SHA:?GITHUB_SHA is not set}
tagged="$repository/snowplow-job:$sha"
docker build --file transform/Dockerfile --tag "$tagged" \
  --label "org.opencontainers.image.revision=$sha" . >&2
docker push "$tagged" >&2
digests=$(docker inspect --format '{{join .RepoDigests "\n"}}' "$tagged")
reference=$(grep -E "^$repository/snowplow-job@" <<< "$digests" | head -n 1) \
  || fail "docker push left no digest of $tagged in $repository"
"$here/image-ref.sh" "$reference" "$sha"

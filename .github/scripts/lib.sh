# Shared by the delivery scripts (sourced): how an image reference must look.
# shellcheck shell=bash

# The repository path of the job's image, then @sha256: and 64 hex digits: a digest, never
# a tag (a tag can be moved to other bytes after it was tested).
# shellcheck disable=SC2034  # used by the scripts that source this file
IMAGE_BY_DIGEST='^[a-z0-9-]+-docker\.pkg\.dev/[a-z0-9-]+/[a-z0-9-]+/snowplow-job@sha256:[0-9a-f]{64}$'

fail() {
  echo "::error::$*" >&2
  exit 1
}

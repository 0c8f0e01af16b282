#!/usr/bin/env bash
# May commit SHA go to prod? Only if it is on main and CI passed for it on main.
#   .github/scripts/release-checks.sh SHA      (a clone with origin/main fetched; gh logged in)
# A tag can be pushed on any commit (a branch nobody merged, a commit CI failed on): the
# tag alone proves nothing, so the release checks both before anything is planned.
set -euo pipefail
# shellcheck source=lib.sh
source "$(dirname "$0")/lib.sh"
sha=${1:?usage: release-checks.sh SHA}
git merge-base --is-ancestor "$sha" origin/main \
  || fail "$sha is not on main: only a commit of main is released"
passed=$(gh api --method GET "repos/$GITHUB_REPOSITORY/actions/workflows/ci.yml/runs" \
  -f head_sha="$sha" -f branch=main -f event=push -f status=success --jq '.total_count')
[[ "$passed" =~ ^[0-9]+$ && "$passed" -gt 0 ]] \
  || fail "no successful CI run on main for $sha"
echo "$sha is on main and CI passed for it"

#!/usr/bin/env bash
# Plan one environment's stack with the job image IMAGE into a saved plan, for a deploy:
#   .github/scripts/deploy-plan.sh ENV IMAGE      (after `make synth` and the auth step)
# Writes deploy.tfplan (what the apply will apply, byte for byte), plan.json and plan.txt
# beside it, and prints `sha256=<hash of deploy.tfplan>` for $GITHUB_OUTPUT: the apply
# refuses a plan file with another hash.
set -euo pipefail
here=$(dirname "$0")
# shellcheck source=lib.sh
source "$here/lib.sh"
environment=${1:?usage: deploy-plan.sh ENV IMAGE}
image=${2:-}
[[ "$image" =~ $IMAGE_BY_DIGEST ]] || fail "refusing to plan $environment without the job image by digest: '$image'"
cd "infra/cdktf.out/stacks/$environment"
terraform init -input=false -no-color >&2
terraform plan -input=false -no-color -out=deploy.tfplan -var "transform_image=$image" >&2
terraform show -json deploy.tfplan > plan.json
terraform show -no-color deploy.tfplan > plan.txt
hash=$(sha256sum deploy.tfplan | cut -d' ' -f1)
echo "sha256=$hash"

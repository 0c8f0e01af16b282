#!/usr/bin/env bash
# Apply the saved plan PLAN_FILE to environment ENV, only if its hash is SHA256 (the plan
# the reviewers were shown); Terraform itself refuses it if the state moved since.
#   .github/scripts/apply-plan.sh ENV PLAN_FILE SHA256    (after `make synth` and auth)
set -euo pipefail
# shellcheck source=lib.sh
source "$(dirname "$0")/lib.sh"
environment=${1:?usage: apply-plan.sh ENV PLAN_FILE SHA256}
plan=$(realpath "${2:?usage: apply-plan.sh ENV PLAN_FILE SHA256}")
expected=${3:?usage: apply-plan.sh ENV PLAN_FILE SHA256}
actual=$(sha256sum "$plan" | cut -d' ' -f1)
[[ "$actual" == "$expected" ]] || fail "plan file $plan is not the plan shown ($actual != $expected)"
cd "infra/cdktf.out/stacks/$environment"
terraform init -input=false -no-color
terraform apply -input=false -no-color "$plan"

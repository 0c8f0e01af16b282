#!/usr/bin/env bash
# Plan one environment's synthesized stack read-only, as the planner identity:
#   .github/scripts/plan.sh ENV    (after `make synth` and google-github-actions/auth)
# Writes plan.json (`terraform show -json`) and plan.txt (the plan as text) in the stack
# folder. The job's image is not code: the plan keeps the one deployed (read from the
# state), so a preview shows only what the change itself would do.
set -euo pipefail
stack="infra/cdktf.out/stacks/${1:?environment}"
cd "$stack"
terraform init -input=false -no-color
image=$(terraform show -json | jq -r '[.values.root_module.resources[]?
  | select(.type == "google_cloud_run_v2_job")
  | .values.template[0].template[0].containers[0].image][0] // empty')
vars=()
if [[ -n "$image" ]]; then vars=(-var "transform_image=$image"); fi
terraform plan -lock=false -input=false -no-color -out=plan.tfplan "${vars[@]}"
terraform show -json plan.tfplan > plan.json
terraform show -no-color plan.tfplan > plan.txt

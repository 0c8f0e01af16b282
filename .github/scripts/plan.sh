#!/usr/bin/env bash
# Plan one environment's synthesized stack read-only, as the planner identity:
#   .github/scripts/plan.sh ENV    (after `make synth` and google-github-actions/auth)
# Writes plan.json (`terraform show -json`) and plan.txt (the plan as text) in the stack
# folder. The job's image is not code: the plan keeps the one deployed (read from the
# state), so a preview shows only what the change itself would do.
# An environment never applied has no state object: the GCS backend would then write an
# empty state even with -lock=false, which the planner may not do, so plan_backend swaps
# in a local backend for this plan only (an empty state is exactly what is deployed).
set -euo pipefail
stack="infra/cdktf.out/stacks/${1:?environment}"
.venv/bin/python -m snowplow_infra.plan_backend "$stack"
cd "$stack"
terraform init -input=false -no-color
image=$(terraform show -json | jq -r '[.values.root_module.resources[]?
  | select(.type == "google_cloud_run_v2_job")
  | .values.template[0].template[0].containers[0].image][0] // empty')
if [[ -z "$image" ]]; then
  # nothing deployed yet: the variable is required, and no image is built for a preview
  image="$(jq -r '.output.job_image_repository.value' cdk.tf.json)/snowplow-job:not-built-yet"
fi
terraform plan -lock=false -input=false -no-color -out=plan.tfplan -var "transform_image=$image"
terraform show -json plan.tfplan > plan.json
terraform show -no-color plan.tfplan > plan.txt

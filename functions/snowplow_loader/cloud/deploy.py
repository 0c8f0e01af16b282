"""How the function is deployed, with the figures that justify each setting.

Infra (the CDKTF loader construct) reads these constants instead of repeating them;
``functions/bench_cloud.py`` (run by ``make bench``) re-measures the figures.

Measured on the reference machine (2 cores), with the Google clients loaded:
- cold import of ``main.py`` from the deployed bundle: 0.13 s median; the settings and
  the Google clients, about 0.6 s, load on the first event instead;
- the stager: 100-105 MB/s of enriched text, peak RSS 160-180 MiB for a 366 MiB and a
  1.4 GiB file alike: memory does not grow with the file. (It was 160-190 MB/s before
  the precheck, whose 5 us a line lets the commit bill a large file's text once.)

Assumed for production, where the bench cannot reach:
- ``STAGE_MB_PER_S``: a Cloud Functions vCPU is slower than a core here, and the
  download and the staging upload share that one thread: 40 MB/s, 2.5x below the
  slowest measured rate;
- ``BIGQUERY_BUDGET_SECONDS``: one load job and one query job for the largest file.

So one invocation can stage (TIMEOUT - BIGQUERY_BUDGET - MARGIN) * 40 MB/s = 12 GB.
MAX_FILE_BYTES is set well below, at 4 GiB of enriched text (about 2.8 million events),
because BigQuery's part grows with size too; Snowplow's GCS loader writes windows far
smaller. A larger file is quarantined with that reason instead of timing out on
every retry. Waits for jobs end at JOB_WAIT_SECONDS after the event started, leaving
a minute before the timeout to log and hand the event back for a retry.
"""

TIMEOUT_SECONDS = 540  # the maximum for event-driven functions
STAGE_MB_PER_S = 40
BIGQUERY_BUDGET_SECONDS = 180
MARGIN_SECONDS = 60  # cold start, GCS metadata, cleanup, logging
MAX_FILE_BYTES = 4 * 1024**3
JOB_WAIT_SECONDS = TIMEOUT_SECONDS - MARGIN_SECONDS
MEMORY = "512Mi"  # 170 MiB measured peak, flat in file size, plus headroom
CPU = "1"  # the stager is CPU-bound Python: one full vCPU, set explicitly
MAX_INSTANCE_REQUEST_CONCURRENCY = 1  # one file per instance: its vCPU is the budget above

# reconcile (HTTP, Cloud Scheduler hourly): it starts no new file after its budget, so
# a long backlog spreads over several runs instead of hitting the timeout.
RECONCILE_TIMEOUT_SECONDS = 1800
RECONCILE_BUDGET_SECONDS = RECONCILE_TIMEOUT_SECONDS - TIMEOUT_SECONDS

# The one way to load a file again after fixing what made it fail: the loader-errors
# alert's runbook (infra) and functions/README.md ("Reconcile and redrive") both give
# it. The upper-case words are placeholders; the function's SNOWPLOW_* settings apply.
REDRIVE_COMMAND = (
    "snowplow-reconcile --bucket LANDING_BUCKET --prefix OBJECT_NAME --min-age-seconds 0"
)

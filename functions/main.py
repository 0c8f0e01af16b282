"""Cloud Functions gen2 entry points: ``load_object`` and ``reconcile``.

``load_object``: a GCS object finalized in the landing bucket. Deploy it with an
Eventarc trigger on ``google.cloud.storage.object.v1.finalized`` with retries
enabled: the function raises only for transient failures (overload and quotas
included), which the trigger then retries. Everything else (bad rows, unreadable
files, stale generations) is recorded and acknowledged.

``reconcile``: HTTP, called hourly by Cloud Scheduler (OIDC). It loads the landing
objects the manifest does not settle: events that never came or ran out of retries,
and files recorded failed. Answers the per-outcome counts as JSON.

All logic lives in ``snowplow_loader.cloud``; see functions/README.md.
"""

import functions_framework
from cloudevents.http.event import CloudEvent
from flask import Request, Response, jsonify
from snowplow_loader.cloud import entry


@functions_framework.cloud_event
def load_object(event: CloudEvent) -> None:
    """Load one object generation into BigQuery exactly once."""
    entry.handle(event)


@functions_framework.http
def reconcile(request: Request) -> tuple[Response, int]:
    """Load what the events missed; 500 when a file is left for the next run."""
    counts, status = entry.reconcile()
    return jsonify(counts), status

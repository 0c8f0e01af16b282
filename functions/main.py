"""Cloud Functions gen2 entry point: a GCS object finalized in the landing bucket.

Deploy with entry point ``load_object`` and an Eventarc trigger on
``google.cloud.storage.object.v1.finalized`` with retries enabled: the function
raises only for transient failures, which the trigger then retries. Everything else
(bad rows, unreadable files, stale generations) is recorded and acknowledged.
All logic lives in ``snowplow_loader.cloud``; see functions/README.md.
"""

import functions_framework
from cloudevents.http.event import CloudEvent
from snowplow_loader.cloud import entry


@functions_framework.cloud_event
def load_object(event: CloudEvent) -> None:
    """Load one object generation into BigQuery exactly once."""
    entry.handle(event)

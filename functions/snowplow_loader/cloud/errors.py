"""Which failures are worth a retry, decided in one place.

Eventarc retries a delivery only when the function fails, and keeps retrying for
24 hours. So the function raises for what a later attempt can fix (a 5xx, a 429,
a dropped connection, a BigQuery backend error, a job still running) and records
and acknowledges everything else: bad input must never turn into a retry storm.
"""

from collections.abc import Mapping

# BigQuery job error reasons that a later attempt can succeed past.
# https://cloud.google.com/bigquery/docs/error-messages
# resourcesExceeded is what a full DML queue answers ("Too many DML statements
# outstanding against table"): overload, which passes. A query that is truly too
# big for BigQuery would also retry until the event expires; reconcile then shows it.
TRANSIENT_REASONS = frozenset(
    {
        "backendError",
        "resourcesExceeded",
        "internalError",
        "jobBackendError",
        "jobInternalError",
        "rateLimitExceeded",
        "jobRateLimitExceeded",
        "quotaExceeded",
        "tableUnavailable",
        "stopped",
        "timeout",
    }
)
# Transactions that lose a race with another writer are aborted with these words.
_TRANSIENT_MESSAGES = ("concurrent update", "could not serialize access", "try again")


class TransientError(Exception):
    """Raise to make the trigger retry the event later."""


class PermanentJobError(Exception):
    """A BigQuery job failed for a reason no retry will fix; the message says which."""

    def __init__(self, job_id: str, error: Mapping[str, object] | str) -> None:
        self.job_id = job_id
        detail = (
            error if isinstance(error, str) else f"{error.get('reason')}: {error.get('message')}"
        )
        super().__init__(f"job {job_id} failed: {detail}")


def job_error_is_transient(error: Mapping[str, object]) -> bool:
    """Whether a finished job's errorResult is worth another attempt."""
    message = str(error.get("message", "")).lower()
    return error.get("reason") in TRANSIENT_REASONS or any(
        m in message for m in _TRANSIENT_MESSAGES
    )


def is_transient(error: BaseException) -> bool:
    """Whether an exception from the clients (or ours) is worth a retry of the event."""
    from google.api_core import exceptions as api
    from google.auth.exceptions import TransportError

    if isinstance(error, TransientError | ConnectionError | TimeoutError | TransportError):
        return True
    if isinstance(error, api.ServerError | api.TooManyRequests):
        return True  # 5xx (DeadlineExceeded included), 429
    if isinstance(error, api.RetryError):
        return True  # the client's own retries ran out on a retryable error
    if isinstance(error, api.GoogleAPICallError):  # quotas come as 403, overload as 400
        return any(e.get("reason") in TRANSIENT_REASONS for e in error.errors or [])
    return _is_transport_failure(error)


def _is_transport_failure(error: BaseException) -> bool:
    """Connection and integrity failures raised below the API layer (requests, media)."""
    import requests
    from google.cloud.storage import exceptions as media  # type: ignore[import-untyped]

    if isinstance(error, requests.ConnectionError | requests.Timeout | media.DataCorruption):
        return True
    if isinstance(error, media.InvalidResponse):
        status = getattr(error.response, "status_code", 0)
        return status == 429 or status >= 500
    return False

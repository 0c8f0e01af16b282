"""What ``functions/main.py`` calls: a loader built once per instance, on the first request.

Importing this module costs almost nothing; the settings (pydantic) and the Google
clients (~1 s of imports) load when the first event arrives, so the function's cold
import stays small and a deployment with a bad setting still starts and says what is
wrong in its logs.
"""

import functools
import os
from typing import TYPE_CHECKING

from snowplow_loader.cloud import logs
from snowplow_loader.cloud.events import CloudEventLike

if TYPE_CHECKING:
    from snowplow_loader.cloud.handler import CloudLoader


@functools.cache
def loader() -> "CloudLoader":
    """The instance's loader, from SNOWPLOW_* settings (ConfigError says what to fix)."""
    from snowplow_loader.cloud.clients import build
    from snowplow_loader.cloud.config import Config, ConfigError

    try:
        return build(Config.from_env(os.environ))
    except ConfigError as error:
        logs.emit("CRITICAL", str(error), outcome="misconfigured")
        raise


def reset() -> None:
    """Forget the loader, so the next event reads the settings again (tests, reloads)."""
    loader.cache_clear()


def handle(event: CloudEventLike) -> None:
    """Load the object the event names; raises only when a retry can help.

    A settings mistake also raises: the events are then retried (for up to a day)
    and load once the deployment is fixed, instead of being acknowledged unloaded.
    """
    loader().handle_cloud_event(event)


def reconcile() -> tuple[dict[str, int], int]:
    """The scheduled reconcile: per-outcome counts, and 500 when a file awaits a retry."""
    from snowplow_loader.cloud import reconcile

    counts = reconcile.scheduled(loader())
    return counts, 200 if counts["healthy"] else 500

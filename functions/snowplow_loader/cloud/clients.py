"""The loader wired to real Google clients: the one place the function constructs them.

Kept apart from ``handler``, whose policy takes its clients as arguments (the tests
hand it clients of the emulators): choosing credentials and endpoint (the BigQuery
emulator when SNOWPLOW_BIGQUERY_ENDPOINT is set) and asking the dataset its location
are start-up work, done once per instance by ``entry`` and once per run by
``reconcile``'s command line.
"""

from collections.abc import Callable

from snowplow_loader.cloud.config import Config
from snowplow_loader.cloud.handler import CloudLoader


def build(config: Config, checkpoint: Callable[[str], None] = lambda _: None) -> CloudLoader:
    """A loader with real clients (emulators when SNOWPLOW_BIGQUERY_ENDPOINT is set)."""
    from google.cloud import bigquery, storage

    credentials, client_options = None, None
    if config.bigquery_endpoint:
        from google.auth.credentials import AnonymousCredentials

        credentials = AnonymousCredentials()  # type: ignore[no-untyped-call]
        client_options = {"api_endpoint": config.bigquery_endpoint}
    client = bigquery.Client(
        project=config.project,
        location=config.location,
        credentials=credentials,
        client_options=client_options,
    )
    if config.location is None:  # job look-ups outside US need it: ask the dataset once
        dataset = client.get_dataset(f"{config.project or client.project}.{config.dataset}")
        config = config.model_copy(update={"location": dataset.location})
    return CloudLoader(config, client, storage.Client(), checkpoint)

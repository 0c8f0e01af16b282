"""Limits both engines share, kept apart from the DuckDB code the Cloud Function never imports."""

MAX_LINE_BYTES = 10 * 1024 * 1024  # a Pub/Sub message's limit, so no real event is longer

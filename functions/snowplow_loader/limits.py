"""Limits both engines share, kept apart from either engine's code.

The Cloud Function imports this module without the embedded engine (DuckDB is not in
its bundle), and the embedded engine passes the same figures to DuckDB's reader, so
a line is too long for both engines at the same length.
"""

MAX_LINE_BYTES = 10 * 1024 * 1024  # a Pub/Sub message's limit, so no real event is longer

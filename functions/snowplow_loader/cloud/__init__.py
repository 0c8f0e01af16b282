"""The loader on Google Cloud: a GCS finalize event in, each object generation in BigQuery once.

The entry point (``functions/main.py``) is one typed CloudEvent handler; everything it
does lives here, in units that are tested on their own: ``framing`` and ``stager``
(bytes to numbered lines, no cloud), ``gcs`` and ``jobs`` (the two services),
``handler`` (the policy that ties them together).
"""

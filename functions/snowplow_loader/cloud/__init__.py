"""The loader on Google Cloud: a GCS finalize event in, each object generation in BigQuery once.

The entry points (``functions/main.py``) call ``entry``; everything they do lives here,
in units that are tested on their own: ``stager`` (bytes to staging rows, no cloud; it
frames lines with the core's ``snowplow_loader.framing``), ``gcs`` and ``jobs`` (the
two services), ``handler`` (the policy that ties them together), ``clients`` (the
real clients it runs with), ``reconcile`` (what events missed) and ``bundle`` (what is
deployed). The core never imports this package.
"""

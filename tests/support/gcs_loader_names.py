"""Object names as Snowplow's GCS Loader writes them with its default settings.

Its output directory is date-partitioned (``YYYY/MM/dd/HH/``); each file is the prefix
``output``, the shard template ``-W-P-SSSSS-of-NNNNN`` (the 5-minute window, the pane,
the shard of the shards) and the suffix ``.txt`` (``.gz`` added when it compresses).
A window gives several shards, and panes after the first are ``-late`` when late data
arrives; the final pane is ``-last``. Beam writes each shard first under a
``.temp-beam-<uuid>`` folder beside the output and renames it when done.
"""

from datetime import datetime, timedelta


def window(start: datetime, minutes: int = 5) -> str:
    end = start + timedelta(minutes=minutes)
    return f"{start:%Y-%m-%dT%H:%M:%S}.000Z-{end:%Y-%m-%dT%H:%M:%S}.000Z"


def shard_name(
    start: datetime,
    pane: int,
    shard: int,
    shards: int,
    late: bool = False,
    last: bool = False,
    gzip: bool = False,
    folder: str = "enriched",
) -> str:
    """The path of one shard, e.g. ``enriched/2026/10/01/13/output-...-00001-of-00004.txt``."""
    label = f"pane-{pane}{'-late' if late else ''}{'-last' if last else ''}"
    name = f"output-{window(start)}-{label}-{shard:05}-of-{shards:05}.txt"
    return f"{folder}/{start:%Y/%m/%d/%H}/{name}{'.gz' if gzip else ''}"


def temporary_name(start: datetime, folder: str = "enriched") -> str:
    """A shard as Beam writes it before renaming it into place."""
    return (
        f"{folder}/{start:%Y/%m/%d/%H}/.temp-beam-0f3c2a1e-5d4b/"
        "4a1d7c6e-9b2f-4e3a-8c1d-2f6e5a7b9c0d"
    )

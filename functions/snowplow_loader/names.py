"""Which file names are enriched files, one rule for both engines.

Snowplow's GCS Loader (a Dataflow job) writes the enriched stream as ``<dir>/YYYY/MM/dd/HH/``
``output-<window start>-<window end>-pane-<n>[-late][-last]-<shard>-of-<shards>.txt``
(``.txt.gz`` when it compresses): its defaults are the file prefix ``output``, the
shard template ``-W-P-SSSSS-of-NNNNN`` (window, pane, shard of shards) and the suffix
``.txt``, all three configurable. Other pipelines write ``*.tsv`` / ``*.tsv.gz``. So the
accepted names are patterns (``fnmatch`` globs on the file's own name, matched without
regard to case), a setting of both loaders (``SNOWPLOW_NAME_PATTERNS``, comma-separated).

Beam writes each shard first under a temporary folder beside the output (its file
sink's ``.temp-beam-*`` folders) and renames it when the window is done: those
objects are skipped by rule, as the loader's own staging and quarantine copies are. A
name that matches no pattern is neither: it is counted and warned about, never
dropped quietly (it may be a pipeline writing a name nobody configured).
"""

import fnmatch
from dataclasses import dataclass
from enum import StrEnum

DEFAULT_PATTERNS = ("*.tsv", "*.tsv.gz", "output-*.txt", "output-*.txt.gz")
TEMPORARY_FOLDER = ".temp-beam"  # Beam's file sinks write shards here, then rename them


class Verdict(StrEnum):
    """What a name is to the loader."""

    ENRICHED = "enriched"  # matches a pattern: load it
    TEMPORARY = "temporary"  # a writer's temporary object: skipped by rule
    UNMATCHED = "unmatched"  # matches no pattern: counted and warned about


def parse_patterns(text: str) -> tuple[str, ...]:
    """``"*.tsv, output-*"`` -> the patterns; ValueError names what is wrong."""
    patterns = tuple(part.strip() for part in text.split(","))
    if not text.strip() or not all(patterns):
        raise ValueError(f"{text!r} is not a comma-separated list of name patterns")
    if bad := [p for p in patterns if "/" in p]:
        raise ValueError(f"{bad[0]!r}: a pattern matches a file's own name, without '/'")
    return patterns


@dataclass(frozen=True)
class NameRule:
    """The accepted name patterns, matched case-insensitively on a path's last part."""

    patterns: tuple[str, ...] = DEFAULT_PATTERNS

    def verdict(self, path: str) -> Verdict:
        """ENRICHED, TEMPORARY (under a ``.temp-beam*`` folder) or UNMATCHED."""
        *folders, name = path.lower().split("/")
        if any(folder.startswith(TEMPORARY_FOLDER) for folder in folders):
            return Verdict.TEMPORARY
        if any(fnmatch.fnmatchcase(name, pattern.lower()) for pattern in self.patterns):
            return Verdict.ENRICHED
        return Verdict.UNMATCHED

    def accepts(self, path: str) -> bool:
        return self.verdict(path) is Verdict.ENRICHED

    def describe(self) -> str:
        return ", ".join(self.patterns)


def gzipped(path: str) -> bool:
    """Compressed by its name (``.gz``, any case), as the GCS Loader names gzip output."""
    return path.lower().endswith(".gz")

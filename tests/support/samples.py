"""Reading generated sample files by field name; the shared sample's size and dates."""

import gzip
from dataclasses import dataclass
from datetime import date
from pathlib import Path

from snowplow_loader.contract import ENRICHED_FIELDS
from snowplow_sample import GenerationStats

NAMES = [f.name for f in ENRICHED_FIELDS]
EVENTS = 6_000
START = date(2026, 10, 1)
DAYS = 30


@dataclass(frozen=True)
class Generated:
    path: Path
    stats: GenerationStats
    lines: list[str]
    rows: list[dict[str, str]]


def read_lines(path: Path) -> list[str]:
    data = path.read_bytes()
    if path.name.endswith(".gz"):
        data = gzip.decompress(data)
    text = data.decode("utf-8")
    assert text == "" or text.endswith("\n")
    return text.split("\n")[:-1]  # not splitlines: it also splits on \x1c, \u2028, ...


def as_rows(lines: list[str]) -> list[dict[str, str]]:
    return [dict(zip(NAMES, line.split("\t"), strict=True)) for line in lines]

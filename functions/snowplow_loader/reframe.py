"""Reframing a file DuckDB's reader refuses, so its valid lines still load.

DuckDB's CSV reader takes one line terminator per file: it refuses a file that mixes
CRLF and LF lines or holds a lone CR inside a line. Such a file goes through the
framer the cloud path uses (``snowplow_loader.framing``), into a plain LF file that DuckDB reads
like any other, line for line, so line numbers stay the original file's. The lines
only the framer can judge (a stray CR, a line over the size limit) are written blank
there and staged beside it as flagged rows (``framing.staging_row``), which become bad
rows: the two engines then give such a file the same lines and the same bad rows.
"""

from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path

from snowplow_loader.files import Inflater, SourceFile
from snowplow_loader.framing import Framer, Line, staging_row

CHUNK_BYTES = 1 << 20


@dataclass(frozen=True)
class Reframed:
    """The LF file to read in place of the original, and the lines judged on the way."""

    lines: Path
    flagged: Path
    flagged_rows: int


def reframe(source: SourceFile, folder: Path) -> Reframed:
    """Write ``source``'s lines (inflated if gzip) as LF lines into ``folder``."""
    reframed = Reframed(folder / "lines.tsv", folder / "flagged.ndjson", 0)
    framer = Framer()
    inflater = Inflater() if source.gzipped else None
    flagged = 0
    with (
        source.path.open("rb") as raw,
        reframed.lines.open("wb") as out,
        reframed.flagged.open("wb") as side,
    ):

        def write(lines: Iterable[Line]) -> None:
            nonlocal flagged
            text = bytearray()
            for line in lines:
                if line.too_long or line.stray_cr:
                    side.write(staging_row(line))
                    flagged += 1
                else:
                    text += line.data
                text += b"\n"
            out.write(text)

        while chunk := raw.read(CHUNK_BYTES):
            for piece in inflater.feed(chunk) if inflater else (chunk,):
                write(framer.feed(piece))
        write(framer.finish())
    return Reframed(reframed.lines, reframed.flagged, flagged)

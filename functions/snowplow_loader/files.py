"""Finding input files, naming them for idempotency and refusing the unreadable early.

A file's key plays the part of GCS's bucket/name#generation: the same bytes at the
same place load once; a rewritten file (new size or mtime) is a new generation.
"""

import codecs
import os
import zlib
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

from snowplow_loader.names import NameRule, Verdict, gzipped

GZIP_MAGIC = b"\x1f\x8b"
SNIFF_BYTES = 64 * 1024


@dataclass(frozen=True)
class SourceFile:
    """One enriched file on local disk, as the loader sees it."""

    path: Path
    size: int
    mtime_ns: int

    @property
    def key(self) -> str:
        """Idempotency key: where the file is plus which version of it."""
        return f"file://{self.path}#{self.size}-{self.mtime_ns}"

    @property
    def gzipped(self) -> bool:
        return gzipped(self.path.name)

    @classmethod
    def at(cls, path: Path) -> "SourceFile":
        stat = path.stat()
        return cls(path.resolve(), stat.st_size, stat.st_mtime_ns)


@dataclass(frozen=True)
class Discovered:
    """What folders held: enriched files to load, and files no name pattern accepts."""

    files: list[SourceFile]
    unmatched: list[Path]


DEFAULT_NAMES = NameRule()


def discover(paths: list[Path], names: NameRule = DEFAULT_NAMES) -> list[SourceFile]:
    """The enriched files of ``paths`` (see ``discover_all``)."""
    return discover_all(paths, names).files


def discover_all(paths: list[Path], names: NameRule = DEFAULT_NAMES) -> Discovered:
    """Expand folders into their enriched files (sorted, so runs are reproducible).

    Inside a folder, a file loads when its name matches a pattern of ``names``;
    Beam's temporary files are skipped; any other file is returned as unmatched, for
    the caller to count and report. A file named on the command line loads whatever
    its name. A path that does not exist or cannot be read raises OSError: that is a
    fault of the invocation, not bad data, and the CLI turns it into a non-zero exit.
    """
    found: list[SourceFile] = []
    unmatched: list[Path] = []
    for path in paths:
        if path.is_dir():
            verdicts = {
                p: names.verdict(p.relative_to(path).as_posix())
                for p in sorted(path.rglob("*"))
                if p.is_file()
            }
            found.extend(SourceFile.at(p) for p, v in verdicts.items() if v is Verdict.ENRICHED)
            unmatched.extend(p for p, v in verdicts.items() if v is Verdict.UNMATCHED)
        elif path.is_file():
            if not os.access(path, os.R_OK):
                raise PermissionError(f"{path}: permission denied")
            found.append(SourceFile.at(path))
        else:
            raise FileNotFoundError(f"{path}: no such file or folder")
    return Discovered(found, unmatched)


def unreadable_reason(source: SourceFile) -> str | None:
    """Why the file cannot be enriched TSV at all, judged from its start; None if it may be.

    Row-level damage (one line of invalid UTF-8, a NUL byte) is the rows' problem and
    goes to bad rows. This catches whole files that are not text: binary garbage, a
    gzip that will not inflate, compressed data under a .tsv name.
    """
    with source.path.open("rb") as handle:
        head = handle.read(SNIFF_BYTES)
    reason = sniff(head, source.gzipped)
    if reason is None and source.gzipped:
        return gzip_damage(source)
    return reason


def sniff(head: bytes, gzipped: bool) -> str | None:
    """The verdict of ``unreadable_reason`` on a file's first SNIFF_BYTES raw bytes.

    Separate from the file so a stream (a GCS download) gets the very same verdict
    as a local file; completeness of a gzip is the stream's to prove (``Inflater``).
    """
    if head.startswith(GZIP_MAGIC) != gzipped:
        return "gzip data under a .tsv name" if head.startswith(GZIP_MAGIC) else "not gzip data"
    if gzipped:
        try:
            head = zlib.decompressobj(wbits=31).decompress(head, SNIFF_BYTES)
        except zlib.error as error:
            return f"corrupt gzip: {error}"
    lines = head.split(b"\n")  # the last piece may be cut: _readable allows for that
    if len(lines) == 1 and _readable(head):
        return None  # one long line fills the window: its own row says what is wrong with it
    if head.strip() and not any(b"\t" in line and _readable(line) for line in lines):
        return f"not text: no readable tab-separated line in the first {len(head):,} bytes"
    return None


def gzip_damage(source: SourceFile) -> str | None:
    """Inflate the whole file, in constant memory, to prove it is complete.

    DuckDB stops quietly at the end of a truncated gzip, which would load part of a
    file as if it were all of it; zlib notices the missing end (and a bad CRC).
    """
    inflater = Inflater()
    with source.path.open("rb") as handle:
        try:
            while chunk := handle.read(1 << 20):
                for _ in inflater.feed(chunk):
                    pass
        except zlib.error as error:
            return f"corrupt gzip: {error}"
    return inflater.damage()


class Inflater:
    """Inflates gzip (every member of a multi-member file) chunk by chunk.

    Output comes in pieces of at most OUTPUT_BYTES, so a highly compressed chunk
    never expands into memory at once. ``feed`` raises zlib.error on corrupt data;
    ``damage`` says whether the stream ended where a gzip must.
    """

    OUTPUT_BYTES = 1 << 22

    def __init__(self) -> None:
        self._inflater = zlib.decompressobj(wbits=47)  # 32 + 15: gzip or zlib header

    def feed(self, chunk: bytes) -> Iterator[bytes]:
        while True:
            piece = self._inflater.decompress(chunk, self.OUTPUT_BYTES)
            if piece:
                yield piece
            chunk = self._inflater.unconsumed_tail
            if self._inflater.eof and self._inflater.unused_data:  # next gzip member
                chunk = self._inflater.unused_data + chunk
                self._inflater = zlib.decompressobj(wbits=47)
            elif not chunk and len(piece) < self.OUTPUT_BYTES:
                return  # a full piece may leave output inside zlib: drain it first

    def damage(self) -> str | None:
        """None when the stream so far ends a gzip member; the reason otherwise."""
        if self._inflater.eof:
            return None
        return "truncated gzip: the compressed stream ends early"


def _readable(line: bytes) -> bool:
    """UTF-8 text without NUL bytes (a character cut at the end of ``line`` is allowed)."""
    if b"\x00" in line:
        return False
    try:  # final=False: a character cut by the sniff window is not an error
        codecs.getincrementaldecoder("utf-8")().decode(line, final=False)
    except UnicodeDecodeError:
        return False
    return True

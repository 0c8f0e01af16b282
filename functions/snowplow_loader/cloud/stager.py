"""Turning an enriched object's bytes into staging rows BigQuery can load, in one pass.

BigQuery loads do not keep line order and cannot say which bytes were not UTF-8, so
the function reads the object once, as a stream, and writes one NDJSON row per line:
``{"n": line number, "flag": null | "not_utf8" | "nul" | "too_long" | "stray_cr",
"candidate" | "line": text}`` (``framing.staging_row``; ``candidate`` when the line
passes ``precheck``). A load job puts these rows in a staging table and SQL does the rest (see
``bigquery_sql``). Blank lines are counted, not staged, as in the embedded engine.

Memory stays constant: raw bytes arrive in chunks (``write`` is the sink a GCS
download writes to), gzip is inflated in bounded pieces, a line is held only until
its end (at most ``MAX_LINE_BYTES``) and output leaves in ``FLUSH_BYTES`` batches.
Whole-file verdicts reuse ``snowplow_loader.files`` so both engines quarantine the
same files for the same reasons.
"""

import zlib
from dataclasses import dataclass
from typing import Protocol

from snowplow_loader.files import SNIFF_BYTES, Inflater, sniff
from snowplow_loader.framing import Framer, Line, UnreadableFileError, staging_row

FLUSH_BYTES = 1 << 20  # staging output leaves in pieces of about this size
FEED_BYTES = 1 << 20  # input is framed in pieces of about this size, not per 8 KiB read


class FileTooLargeError(UnreadableFileError):
    """More enriched text than one invocation can stage in time (see ``deploy``)."""


class Sink(Protocol):
    """Where staging rows go: a GCS object writer in production, a BytesIO in tests."""

    def write(self, data: bytes, /) -> int: ...


@dataclass(frozen=True)
class Staged:
    """What one pass over an object found; rows + blank_lines == lines."""

    rows: int
    blank_lines: int
    bytes_in: int
    bytes_out: int


class Stager:
    """A file-like sink for the raw object; ``finish`` gives the counts.

    Both raise UnreadableFileError as soon as the file is known to be unloadable.
    """

    def __init__(
        self,
        gzipped: bool,
        out: Sink,
        max_text_bytes: int | None = None,
        framer: Framer | None = None,
    ) -> None:
        self.gzipped = gzipped
        self.max_text_bytes = max_text_bytes  # after decompression: what costs time
        self._out = out
        self._framer = framer or Framer()
        self._inflater = Inflater() if gzipped else None
        self._head = bytearray()
        self._sniffed = False
        self._inbox = bytearray()
        self._batch = bytearray()
        self.rows = self.blank_lines = self.bytes_in = self.bytes_out = self.bytes_text = 0

    def write(self, raw: bytes) -> int:
        """Take the next chunk of the object (the signature Blob.download_to_file wants)."""
        self.bytes_in += len(raw)
        if self._sniffed:
            self._inbox += raw
            if len(self._inbox) >= FEED_BYTES:  # few large pieces: a long line is not
                self._take(bytes(self._inbox))  # re-copied once per network read
                self._inbox = bytearray()
        else:
            self._head += raw
            if len(self._head) >= SNIFF_BYTES:
                self._sniff()
        return len(raw)

    def finish(self) -> Staged:
        if not self._sniffed:
            self._sniff()
        self._take(bytes(self._inbox))
        self._inbox = bytearray()
        if self._inflater is not None and (damage := self._inflater.damage()):
            raise UnreadableFileError(damage)
        for line in self._framer.finish():
            self._stage(line)
        self._flush()
        return Staged(self.rows, self.blank_lines, self.bytes_in, self.bytes_out)

    def _sniff(self) -> None:
        head = bytes(self._head)
        if reason := sniff(head[:SNIFF_BYTES], self.gzipped):
            raise UnreadableFileError(reason)
        self._sniffed = True
        self._head = bytearray()
        self._take(head)

    def _take(self, raw: bytes) -> None:
        if self._inflater is None:
            self._frame(raw)
            return
        try:
            for piece in self._inflater.feed(raw):
                self._frame(piece)
        except zlib.error as error:
            raise UnreadableFileError(f"corrupt gzip: {error}") from error

    def _frame(self, data: bytes) -> None:
        self.bytes_text += len(data)
        if self.max_text_bytes is not None and self.bytes_text > self.max_text_bytes:
            raise FileTooLargeError(
                f"more than {self.max_text_bytes:,} bytes of enriched text: larger than one "
                "invocation can load (SNOWPLOW_MAX_FILE_BYTES, see cloud/deploy.py)"
            )
        for line in self._framer.feed(data):
            self._stage(line)

    def _stage(self, line: Line) -> None:
        if not line.data and not line.too_long:
            self.blank_lines += 1
            return
        self.rows += 1
        self._batch += staging_row(line)
        if len(self._batch) >= FLUSH_BYTES:
            self._flush()

    def _flush(self) -> None:
        if self._batch:
            self.bytes_out += len(self._batch)
            self._out.write(bytes(self._batch))
            self._batch = bytearray()

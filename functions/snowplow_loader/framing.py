"""Splitting a decompressed byte stream into numbered lines, the same way on both engines.

Part of the loader's core (both engines use it; ``snowplow_loader.cloud`` imports it,
never the other way round). The cloud path streams each object through this framer.
The embedded engine lets DuckDB's CSV reader frame the files it accepts (files with
one line terminator throughout, which it frames by these same rules) and sends the
files it refuses through this framer too (``snowplow_loader.reframe``), so both
engines give one file the same lines, line numbers and bad rows. The rules
(``tests/cloud_function/test_stager.py`` holds both engines to them):

- LF ends a line, and so does CRLF (the CR is dropped): a file may mix the two, as
  files concatenated from different producers do;
- a CR not followed by LF ends a line only in a file whose first line ends that way
  (old Mac style); elsewhere it is a stray byte and its line is a bad row
  (``stray_cr``): enrich never writes a raw CR inside a field;
- a CR at the very end of the file ends the last line;
- a UTF-8 byte-order mark is dropped at the very start of the file only;
- a line longer than ``MAX_LINE_BYTES`` is one bad row and the file goes on; only
  its head is kept, so memory stays bounded by the limit whatever the input.
"""

import json
from collections.abc import Iterator
from dataclasses import dataclass

from snowplow_loader.limits import MAX_LINE_BYTES
from snowplow_loader.precheck import is_candidate

BOM = b"\xef\xbb\xbf"
LF, CRLF, CR = b"\n", b"\r\n", b"\r"
PAYLOAD_BYTES = 1 << 20  # what a too-long line keeps for its bad row
_encode = json.JSONEncoder(ensure_ascii=False).encode


class UnreadableFileError(Exception):
    """The file as a whole cannot be enriched TSV; the message is the recorded reason."""


@dataclass(frozen=True, slots=True)
class Line:
    """One line without its terminator (b"" when blank), numbered from 1 as in the file."""

    number: int
    data: bytes
    too_long: bool = False
    stray_cr: bool = False  # holds a CR that ends no line


def _cr_ends_lines(buffer: bytes, final: bool) -> bool | None:
    """Whether the file's first terminator is a lone CR; None while no terminator is seen."""
    first = min((i for i in (buffer.find(LF), buffer.find(CR)) if i >= 0), default=-1)
    if first < 0:
        return None
    if buffer[first : first + 1] == LF:
        return False
    if first + 1 < len(buffer):
        return buffer[first + 1 : first + 2] != LF
    return True if final else None  # a CR at the end of what we have: wait for the next byte


class Framer:
    """Push bytes in with ``feed``, then call ``finish``; both yield complete lines."""

    def __init__(self, max_line_bytes: int = MAX_LINE_BYTES) -> None:
        self.max_line_bytes = max_line_bytes
        self.lines = 0
        self._pending = b""
        self._cr_ends_lines: bool | None = None
        self._started = False
        self._skipping = False  # inside a too-long line: drop bytes until its end

    def feed(self, data: bytes) -> Iterator[Line]:
        buffer, self._pending = self._pending + data, b""
        if not self._started:
            if len(buffer) < len(BOM) and BOM.startswith(buffer):
                self._pending = buffer  # maybe the start of a byte-order mark
                return
            self._started = True
            buffer = buffer.removeprefix(BOM)
        yield from self._frame(buffer, final=False)

    def finish(self) -> Iterator[Line]:
        """The last line (one without a terminator)."""
        buffer, self._pending = self._pending, b""
        self._started = True
        yield from self._frame(buffer, final=True)

    def _frame(self, buffer: bytes, final: bool) -> Iterator[Line]:
        if self._cr_ends_lines is None:
            self._cr_ends_lines = _cr_ends_lines(buffer, final)
        held = b""  # a CR that the next byte may turn into a CRLF
        if not final and buffer.endswith(CR) and self._cr_ends_lines is not False:
            buffer, held = buffer[:-1], CR
        if self._cr_ends_lines:
            buffer = buffer.replace(CRLF, LF).replace(CR, LF)
        if self._skipping:
            end = buffer.find(LF)
            if end < 0:
                self._pending = held
                return
            buffer = buffer[end + 1 :]
            self._skipping = False
        parts = buffer.split(LF)
        last = parts.pop()
        for part in parts:
            yield self._line(part)
        if final:
            if last:
                yield self._line(last)
        else:
            yield from self._hold(last, held)

    def _hold(self, partial: bytes, held: bytes) -> Iterator[Line]:
        """Keep a partial line for the next feed, unless it is already too long."""
        if len(partial) <= self.max_line_bytes:
            self._pending = partial + held
            return
        self.lines += 1
        yield Line(self.lines, partial[:PAYLOAD_BYTES], too_long=True)
        self._skipping = True
        self._pending = held

    def _line(self, data: bytes) -> Line:
        self.lines += 1
        data = data.removesuffix(CR)  # CRLF, or a CR ending the file
        if len(data) > self.max_line_bytes:
            return Line(self.lines, data[:PAYLOAD_BYTES], too_long=True)
        return Line(self.lines, data, stray_cr=CR in data)


def staging_row(line: Line) -> bytes:
    """The NDJSON row of one non-blank line: ``{n, flag, candidate}`` for a line that
    passes ``precheck`` (the raw_events insert reads that column), ``{n, flag, line}``
    for any other, flagged with what only its bytes can tell (``not_utf8``, ``nul``,
    ``too_long``, ``stray_cr``) or not (it failed the precheck).

    The cloud path stages every line this way; the embedded engine writes the lines
    only the framer can judge this way too (``reframe``), so both give them the same
    bad rows.
    """
    flag: str | None = None
    if line.too_long:
        flag, text = "too_long", line.data.decode("utf-8", "replace")
    elif line.stray_cr:
        flag, text = "stray_cr", line.data.decode("utf-8", "backslashreplace")
    else:
        try:
            text = line.data.decode("utf-8")
        except UnicodeDecodeError:
            flag, text = "not_utf8", line.data.decode("utf-8", "backslashreplace")
        else:
            if "\x00" in text:
                flag = "nul"
    if flag is not None:
        # The payload is for people; U+2400 shows where a NUL was without putting
        # one in a BigQuery STRING.
        text = text.replace("\x00", "\u2400")
    column = b"candidate" if flag is None and is_candidate(line.data) else b"line"
    return b'{"n":%d,"flag":%s,"%s":%s}\n' % (
        line.number,
        b"null" if flag is None else b'"%s"' % flag.encode(),
        column,
        _encode(text).encode(),
    )

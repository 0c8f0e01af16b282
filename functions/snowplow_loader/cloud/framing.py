"""Splitting a decompressed byte stream into numbered lines, as DuckDB's reader frames them.

The embedded engine lets DuckDB's CSV reader find the lines and quarantines a file the
reader refuses. The cloud path streams the object through Python instead, so it frames
lines by the same rules, or the two engines would disagree about one file. The rules,
measured on DuckDB 1.5.5 (``tests/cloud_function/test_stager.py`` holds both engines
to them):

- the file's first line terminator fixes its style: LF, CRLF or a lone CR;
- any other terminator later makes the whole file unreadable, except one CR that
  ends a CRLF file;
- a UTF-8 byte-order mark is dropped at the very start of the file only;
- a line longer than ``MAX_LINE_BYTES`` is one bad row and the file goes on; only
  its head is kept, so memory stays bounded by the limit whatever the input.
"""

from collections.abc import Iterator
from dataclasses import dataclass

from snowplow_loader.limits import MAX_LINE_BYTES

BOM = b"\xef\xbb\xbf"
LF, CRLF, CR = b"\n", b"\r\n", b"\r"
_STYLE = {LF: "LF", CRLF: "CRLF", CR: "CR"}
PAYLOAD_BYTES = 1 << 20  # what a too-long line keeps for its bad row


class UnreadableFileError(Exception):
    """The file as a whole cannot be enriched TSV; the message is the recorded reason."""


@dataclass(frozen=True, slots=True)
class Line:
    """One line without its terminator (b"" when blank), numbered from 1 as in the file."""

    number: int
    data: bytes
    too_long: bool = False


def _detect(buffer: bytes, final: bool) -> bytes | None:
    """The terminator style the first terminator in ``buffer`` sets; None while unknown."""
    found = [i for i in (buffer.find(LF), buffer.find(CR)) if i >= 0]
    if not found:
        return None
    first = min(found)
    if buffer[first : first + 1] == LF:
        return LF
    if first + 1 < len(buffer):
        return CRLF if buffer[first + 1 : first + 2] == LF else CR
    return CR if final else None  # a CR at the end of what we have: wait for the next byte


class Framer:
    """Push bytes in with ``feed``, then call ``finish``; both yield complete lines."""

    def __init__(self, max_line_bytes: int = MAX_LINE_BYTES) -> None:
        self.max_line_bytes = max_line_bytes
        self.lines = 0
        self._pending = b""
        self._separator: bytes | None = None
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
        """The last line (one without a terminator); raises UnreadableFileError like ``feed``."""
        buffer, self._pending = self._pending, b""
        self._started = True
        yield from self._frame(buffer, final=True)

    def _frame(self, buffer: bytes, final: bool) -> Iterator[Line]:
        if self._skipping:
            if self._separator is None:
                self._separator = _detect(buffer, final)
            end = buffer.find(self._separator) if self._separator else -1
            if end < 0:
                self._pending = buffer[-1:] if buffer.endswith(CR) and not final else b""
                return
            buffer = buffer[end + len(self._separator or b"") :]
            self._skipping = False
        if self._separator is None:
            self._separator = _detect(buffer, final)
        separator = self._separator
        if separator is None:  # no terminator seen yet
            if final:
                if buffer:
                    yield self._line(buffer)
            else:
                yield from self._hold(buffer)
            return
        parts = buffer.split(separator)
        last = parts.pop()
        for part in parts:
            yield self._line(part)
        if final:
            if separator == CRLF and last.endswith(CR):
                last = last[:-1]  # DuckDB takes a CR at the very end as the last terminator
            if last:
                yield self._line(last)
        else:
            yield from self._hold(last)

    def _hold(self, partial: bytes) -> Iterator[Line]:
        """Keep a partial line for the next feed, unless it is already too long."""
        if len(partial) <= self.max_line_bytes:
            self._pending = partial
            return
        self.lines += 1
        yield Line(self.lines, partial[:PAYLOAD_BYTES], too_long=True)
        self._skipping = True
        self._pending = partial[-1:] if partial.endswith(CR) else b""  # may start a CRLF

    def _line(self, data: bytes) -> Line:
        self.lines += 1
        separator = self._separator
        stray = CR if separator == LF else LF if separator == CR else None
        if (stray is not None and stray in data) or (
            separator == CRLF and (CR in data or LF in data)
        ):
            style = _STYLE[separator] if separator else "no terminator"
            raise UnreadableFileError(
                f"unreadable: line {self.lines} holds a stray line terminator "
                f"(the file's first line ends with {style}); DuckDB's reader refuses such files"
            )
        if len(data) > self.max_line_bytes:
            return Line(self.lines, data[:PAYLOAD_BYTES], too_long=True)
        return Line(self.lines, data)

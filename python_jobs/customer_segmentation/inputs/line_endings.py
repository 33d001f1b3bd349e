"""Line-ending consistency: Spark's CSV reader takes one line end for the whole file.

In multiLine mode Spark detects the line separator from the first line: in a CRLF file a
stray bare LF merges two rows into one (flagged malformed, but a row is lost), and in an LF
file a stray CRLF line leaves a carriage return inside its last value, silently. So a file
whose record ends mix CRLF, LF or bare CR fails before Spark reads it. Line breaks inside
quoted fields are data and do not count.

The bytes may come whole or as chunks of a stream (`LineEndings.feed`): the quote state and
a CR that ends one chunk (the first half of a CRLF) carry over to the next.
"""

from __future__ import annotations

import codecs
import re
from collections.abc import Iterable

_BREAK_OR_QUOTE = re.compile(rb'\r\n|[\r\n"]')
_NAMES = {b"\r\n": "CRLF", b"\n": "LF", b"\r": "CR"}
# multi-byte unit encodings put NUL bytes beside "\n"; their breaks are not single bytes
_WIDE_CODECS = ("utf-16", "utf-32")


class MixedLineEndingsError(ValueError):
    """A file's records end with different line endings (CRLF, LF, CR)."""


def _breaks(data: bytes) -> int:
    """Line breaks in data, a CRLF counting once."""
    return data.count(b"\n") + data.count(b"\r") - data.count(b"\r\n")


class LineEndings:
    """The record ends of a file fed chunk by chunk: the first use of each kind of ending."""

    def __init__(self) -> None:
        """Start before the first byte, outside quotes."""
        self.first_seen: dict[str, tuple[int, int]] = {}
        self._in_quotes = False
        self._offset = 0  # absolute offset of the first byte of the pending data
        self._lines = 0  # line breaks before the pending data
        self._carry = b""  # a CR that ended the last chunk: it may start a CRLF

    def feed(self, chunk: bytes, final: bool = False) -> None:
        """Scan the next chunk (final: nothing follows it, a trailing CR is a bare CR)."""
        data = self._carry + bytes(chunk)
        self._carry = b""
        if not final and data.endswith(b"\r"):
            data, self._carry = data[:-1], b"\r"
        if len(self.first_seen) < len(_NAMES):  # once all are seen, nothing can change
            for match in _BREAK_OR_QUOTE.finditer(data):
                token = match.group()
                if token == b'"':
                    self._in_quotes = not self._in_quotes  # a doubled quote toggles twice
                elif not self._in_quotes and _NAMES[token] not in self.first_seen:
                    at = match.start()
                    line = self._lines + _breaks(data[:at]) + 1
                    self.first_seen[_NAMES[token]] = (self._offset + at, line)
        self._offset += len(data)
        self._lines += _breaks(data)


def record_endings(data: bytes | Iterable[bytes]) -> dict[str, tuple[int, int]]:
    """Map each line ending used between records to (byte offset, line) of its first use.

    data: the file's bytes, or its chunks in order. Lines are counted by every line break
    (CRLF, LF or CR), quoted ones included.
    """
    endings = LineEndings()
    for chunk in [data] if isinstance(data, bytes | bytearray | memoryview) else data:
        endings.feed(chunk)
    endings.feed(b"", final=True)
    return endings.first_seen


def raise_on_mixed(first_seen: dict[str, tuple[int, int]], source: str) -> None:
    """Raise MixedLineEndingsError when first_seen (of record_endings) has two kinds."""
    if len(first_seen) < 2:
        return
    (first, _), *others = sorted(first_seen.items(), key=lambda item: item[1][0])
    other, (offset, line) = min(others, key=lambda item: item[1][0])
    raise MixedLineEndingsError(
        f"{source} mixes line endings: its first record ends with {first} but line {line} "
        f"(byte offset {offset}) ends with {other}. Spark takes one line ending per file and "
        "would merge rows or keep a stray carriage return in a value; convert the file to one "
        "line ending (e.g. `dos2unix` or `unix2dos`) and build again"
    )


def is_wide(encoding: str) -> bool:
    """Tell whether encoding's line breaks are not single bytes (UTF-16, UTF-32)."""
    return codecs.lookup(encoding).name.startswith(_WIDE_CODECS)


def check_line_endings(data: bytes | Iterable[bytes], encoding: str, source: str) -> None:
    """Raise MixedLineEndingsError naming the first record end that differs from line 1's.

    data: the file's bytes, or its chunks in order.
    """
    if is_wide(encoding):
        return
    raise_on_mixed(record_endings(data), source)

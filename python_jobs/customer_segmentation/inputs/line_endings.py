"""Line-ending consistency: Spark's CSV reader takes one line end for the whole file.

In multiLine mode Spark detects the line separator from the first line: in a CRLF file a
stray bare LF merges two rows into one (flagged malformed, but a row is lost), and in an LF
file a stray CRLF line leaves a carriage return inside its last value, silently. So a file
whose record ends mix CRLF, LF or bare CR fails before Spark reads it. Line breaks inside
quoted fields are data and do not count.
"""

from __future__ import annotations

import codecs
import re

_BREAK_OR_QUOTE = re.compile(rb'\r\n|[\r\n"]')
_BREAK = re.compile(rb"\r\n|[\r\n]")
_NAMES = {b"\r\n": "CRLF", b"\n": "LF", b"\r": "CR"}
# multi-byte unit encodings put NUL bytes beside "\n"; their breaks are not single bytes
_WIDE_CODECS = ("utf-16", "utf-32")


class MixedLineEndingsError(ValueError):
    """A file's records end with different line endings (CRLF, LF, CR)."""


def record_endings(data: bytes) -> dict[str, tuple[int, int]]:
    """Map each line ending used between records to (byte offset, line) of its first use.

    Lines are counted by every line break (CRLF, LF or CR), quoted ones included.
    """
    first_seen: dict[str, tuple[int, int]] = {}
    in_quotes = False
    for match in _BREAK_OR_QUOTE.finditer(data):
        token = match.group()
        if token == b'"':
            in_quotes = not in_quotes  # a doubled quote ("") toggles twice
        elif not in_quotes and _NAMES[token] not in first_seen:
            offset = match.start()
            first_seen[_NAMES[token]] = (offset, len(_BREAK.findall(data, 0, offset)) + 1)
    return first_seen


def check_line_endings(data: bytes, encoding: str, source: str) -> None:
    """Raise MixedLineEndingsError naming the first record end that differs from line 1's."""
    if codecs.lookup(encoding).name.startswith(_WIDE_CODECS):
        return
    endings = record_endings(data)
    if len(endings) < 2:
        return
    (first, _), *others = sorted(endings.items(), key=lambda item: item[1][0])
    other, (offset, line) = min(others, key=lambda item: item[1][0])
    raise MixedLineEndingsError(
        f"{source} mixes line endings: its first record ends with {first} but line {line} "
        f"(byte offset {offset}) ends with {other}. Spark takes one line ending per file and "
        "would merge rows or keep a stray carriage return in a value; convert the file to one "
        "line ending (e.g. `dos2unix` or `unix2dos`) and build again"
    )

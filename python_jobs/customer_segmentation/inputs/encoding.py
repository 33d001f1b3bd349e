"""Check that a file's bytes really are in the declared encoding, before Spark reads them.

Spark's CSV reader decodes with Java and silently replaces every invalid byte with U+FFFD
(a Latin-1 "Kovár" declared UTF-8 loads as "Kov�r"), and a UTF-8 file declared Latin-1 loads
as mojibake ("Kovár" as "KovÃ¡r") without any error. `check_encoding` turns both into an
error that names the file, the byte offset, the line, the setting to change and the
encodings the file does decode as. Memory is bounded: the bytes are decoded chunk by chunk
with incremental decoders, and decoded text is never kept.

Spark 4 reads CSV files only in the charsets of `SPARK_CSV_CHARSETS`; `spark_csv_charset`
says how to read any other single-byte ASCII-compatible encoding (cp1252, iso-8859-15, ...)
exactly: as ISO-8859-1, then translating the characters of bytes 0x80-0xFF.
"""

from __future__ import annotations

import codecs
import re
import sys
from collections.abc import Iterable, Iterator
from dataclasses import dataclass

DEFAULT_SETTING = "customers_input.encoding"
HINT_ENCODINGS = ("utf-8", "cp1252", "latin-1")
# Python codec name (codecs.lookup(...).name) -> the charset Spark 4's CSVOptions accepts for
# it (unless spark.sql.legacy.javaCharsets is true). Any other single-byte ASCII-compatible
# codec is read as ISO-8859-1 and translated (spark_csv_charset); anything else is refused.
_SPARK_CSV_CHARSETS = {
    "utf-8": "UTF-8",
    "utf-8-sig": "UTF-8",
    "ascii": "US-ASCII",
    "iso8859-1": "ISO-8859-1",
    "utf-16": "UTF-16",
    "utf-16-le": "UTF-16LE",
    "utf-16-be": "UTF-16BE",
    "utf-32": "UTF-32",
}
SPARK_CSV_CHARSETS = frozenset(_SPARK_CSV_CHARSETS.values())

_SINGLE_BYTE_NAME = re.compile(r"iso8859-\d+|cp125\d")
_ACCEPTS_ANY_BYTES = frozenset({"iso8859-1"})  # every byte sequence decodes as Latin-1
_UTF8_NAMES = frozenset({"utf-8", "utf-8-sig"})
_NON_ASCII_BYTE = re.compile(rb"[\x80-\xff]")
_NON_ASCII_CHAR = re.compile(r"[^\x00-\x7f]")
_MAX_SHOWN_BYTES = 8


class InputEncodingError(ValueError):
    """An input file is not in its declared encoding, or the encoding name is unusable."""


@dataclass(frozen=True)
class SparkCsvCharset:
    """How Spark's CSV reader reads one encoding: a Spark charset, then an optional translation.

    `translate_from` and `translate_to` are empty unless the encoding is a single-byte one Spark
    does not accept: then the file is read as ISO-8859-1 (one character per byte) and
    F.translate(column, translate_from, translate_to) gives the file's real characters.
    """

    charset: str
    translate_from: str = ""
    translate_to: str = ""


def codec_name(encoding: str, setting: str = DEFAULT_SETTING) -> str:
    """The canonical Python codec name of encoding ('latin1' -> 'iso8859-1'), or raise."""
    try:
        info = codecs.lookup(encoding)
    except (LookupError, TypeError):
        raise InputEncodingError(
            f"unknown encoding {encoding!r} in `{setting}`; use a Python codec name such as "
            "'utf-8', 'cp1252' or 'latin-1'"
        ) from None
    if not getattr(info, "_is_text_encoding", True):
        raise InputEncodingError(
            f"{encoding!r} in `{setting}` is not a text encoding; use a Python codec name such "
            "as 'utf-8', 'cp1252' or 'latin-1'"
        )
    return info.name


def _charmap_table(name: str) -> str | None:
    """The 256-character decoding table of a charmap codec that keeps ASCII, else None."""
    decode = codecs.lookup(name).decode
    owner = getattr(decode, "__self__", None)
    module = sys.modules.get(type(owner).__module__) if owner is not None else None
    table = getattr(module, "decoding_table", None)
    if not isinstance(table, str) or len(table) != 256:
        return None
    if table[:128] != "".join(map(chr, range(128))):
        return None
    return table


def spark_csv_charset(encoding: str, setting: str = DEFAULT_SETTING) -> SparkCsvCharset:
    """How Spark 4's CSV reader can read encoding exactly, or raise if it cannot.

    Charsets Spark accepts are used as they are; any other single-byte ASCII-compatible
    encoding (cp1252, iso-8859-15, cp437, ...) is read as ISO-8859-1 and translated back.
    Undefined bytes of the encoding have no translation: `check_encoding` rejects them first.
    """
    name = codec_name(encoding, setting)
    if name in _SPARK_CSV_CHARSETS:
        return SparkCsvCharset(_SPARK_CSV_CHARSETS[name])
    table = _charmap_table(name)
    if table is None:
        raise InputEncodingError(
            f"Spark's CSV reader cannot read {encoding!r} (`{setting}`): Spark 4 reads CSV "
            f"only as {', '.join(sorted(SPARK_CSV_CHARSETS))} and, through this reader, "
            "single-byte ASCII-compatible encodings; re-encode the file as UTF-8"
        )
    pairs = [
        (chr(byte), table[byte])
        for byte in range(128, 256)
        if table[byte] not in ("\ufffe", chr(byte))
    ]
    return SparkCsvCharset(
        "ISO-8859-1", "".join(src for src, _ in pairs), "".join(dst for _, dst in pairs)
    )


class _Candidate:
    """A strict incremental decoder for one hint encoding, fed the same bytes as the file's."""

    def __init__(self, label: str) -> None:
        """Start decoding as label ('utf-8', 'cp1252', 'latin-1')."""
        self.label = label
        self.name = codecs.lookup(label).name
        self.decoder = codecs.getincrementaldecoder(label)("strict")
        self.ok = True

    def feed(self, chunk: bytes, final: bool = False) -> str:
        """Decode chunk; mark the candidate failed (and return '') on an invalid byte."""
        if not self.ok or self.name in _ACCEPTS_ANY_BYTES:
            return ""
        try:
            return self.decoder.decode(chunk, final)
        except UnicodeDecodeError:
            self.ok = False
            return ""


def _hex(data: bytes) -> str:
    """Bytes as '0xE1 0x72' (at most a few of them)."""
    shown = " ".join(f"0x{byte:02X}" for byte in data[:_MAX_SHOWN_BYTES])
    return shown + (" ..." if len(data) > _MAX_SHOWN_BYTES else "")


def _hint(candidates: list[_Candidate], chunks: Iterator[bytes], setting: str) -> str:
    """Finish decoding the rest of the file with the candidates; say which ones succeeded."""
    for chunk in chunks:
        for candidate in candidates:
            candidate.feed(bytes(chunk))
    for candidate in candidates:
        candidate.feed(b"", final=True)
    fits = [candidate.label for candidate in candidates if candidate.ok]
    if not fits:
        tried = ", ".join(candidate.label for candidate in candidates)
        return f"the file does not decode as {tried} either; set `{setting}` to its encoding"
    return f"the file decodes as {' or '.join(fits)}; set `{setting}` accordingly"


def _lines_before(decoder_factory, state: tuple, data: bytes, lines: int) -> int:
    """The 1-based line of the byte after data, given the complete lines decoded before it."""
    try:
        probe = decoder_factory("replace")
        probe.setstate((b"", state[1]))
        return lines + probe.decode(data).count("\n") + 1
    except Exception:  # a codec without setstate: count ASCII newlines instead
        return lines + data.count(b"\n") + 1


def _where(
    exc: UnicodeError,
    factory,
    state: tuple,
    chunk: bytes,
    offset: int,
    lines: int,
    final: bool,
) -> str:
    """Describe where decoding failed: the bytes, their absolute offset, the line, the reason."""
    if not isinstance(exc, UnicodeDecodeError):  # e.g. a UTF-16 stream without a BOM
        return f"{exc} (at byte offset {offset}, line {lines + 1})"
    start = offset + len(chunk) - len(exc.object) + exc.start
    line = _lines_before(factory, state, exc.object[: exc.start], lines)
    bad = exc.object[exc.start : exc.end]
    shown = f"{'byte' if len(bad) == 1 else 'bytes'} {_hex(bad)}"
    if final:
        return (
            f"the file ends inside a multibyte sequence: {shown} at byte offset {start}, "
            f"line {line} ({exc.reason})"
        )
    return f"{shown} at byte offset {start}, line {line} ({exc.reason})"


def check_encoding(
    chunks: Iterable[bytes], encoding: str, source: str, setting: str = DEFAULT_SETTING
) -> None:
    """Raise InputEncodingError unless the bytes of chunks are valid in encoding.

    Reports the first invalid byte (absolute byte offset from 0, line from 1) or a multibyte
    sequence cut off at the end of the file, and which of utf-8 / cp1252 / latin-1 the whole
    file decodes as. For a single-byte encoding (latin-1, iso-8859-*, cp125x) it also raises
    when the file has non-ASCII bytes and is valid UTF-8: reading it would give mojibake.
    """
    name = codec_name(encoding, setting)
    factory = codecs.getincrementaldecoder(name)
    decoder = factory("strict")
    candidates = [
        _Candidate(label)
        for label in HINT_ENCODINGS
        if codecs.lookup(label).name != name and not (label == "utf-8" and name in _UTF8_NAMES)
    ]
    utf8 = next((candidate for candidate in candidates if candidate.label == "utf-8"), None)
    guard_mojibake = bool(_SINGLE_BYTE_NAME.fullmatch(name)) and utf8 is not None
    first_non_ascii: tuple[int, int] | None = None  # (byte offset, line) of the first one
    example = ""  # the first non-ASCII character of the file read as UTF-8
    offset = 0  # bytes consumed before the current chunk
    lines = 0  # newlines decoded before the current chunk
    remaining = iter(chunks)
    final = False
    while True:
        chunk = next(remaining, None)
        if chunk is None:
            chunk, final = b"", True
        chunk = bytes(chunk)
        state = decoder.getstate()
        try:
            # only its newlines are needed: the decoded text is dropped at once
            new_lines = decoder.decode(chunk, final).count("\n")
        except UnicodeError as exc:
            where = _where(exc, factory, state, chunk, offset, lines, final)
            for candidate in candidates:
                candidate.feed(chunk)
            hint = _hint(candidates, remaining, setting)
            raise InputEncodingError(
                f"{source} is not valid {encoding!r} (the encoding set by `{setting}`): "
                f"{where}; {hint}"
            ) from None
        for candidate in candidates:
            decoded = candidate.feed(chunk, final)
            if candidate is utf8 and guard_mojibake and not example:
                match = _NON_ASCII_CHAR.search(decoded)
                example = match.group() if match else ""
        if guard_mojibake and first_non_ascii is None:
            match = _NON_ASCII_BYTE.search(chunk)
            if match:
                at = match.start()
                first_non_ascii = (offset + at, lines + chunk[:at].count(b"\n") + 1)
        lines += new_lines
        offset += len(chunk)
        if final:
            break
    if guard_mojibake and utf8.ok and first_non_ascii is not None:
        at, line = first_non_ascii
        misread = example.encode("utf-8").decode(name, "replace")
        raise InputEncodingError(
            f"{source} is valid UTF-8 but `{setting}` declares {encoding!r}: reading it as "
            f"{encoding!r} would produce mojibake, e.g. {example!r} (byte offset {at}, line "
            f"{line}) would load as {misread!r}; set `{setting}` to 'utf-8'"
        )


def iter_chunks(data: bytes | bytearray | memoryview, size: int = 1 << 20) -> Iterator[bytes]:
    """data in chunks of at most size bytes (for check_encoding on bytes already in memory)."""
    view = memoryview(data)
    for start in range(0, len(view), size):
        yield bytes(view[start : start + size])

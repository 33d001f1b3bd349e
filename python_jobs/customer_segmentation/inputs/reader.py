"""Load a customers CSV file of unknown origin with Spark: checked, all strings, nothing lost.

`read_customers_file` (for a dbt Python model) reads a file, a glob or a directory, on the
local disk or any Hadoop file system, in three passes that use only the DataFrame API (no
Python UDFs), so it works on a classic session and over Spark Connect alike:

1. every matched file (Spark's `binaryFile` source lists them) is streamed through the
   driver in chunks (`streams`: from the local disk, through the driver JVM's Hadoop file
   system, or over Spark Connect through binaryFile one file at a time), never whole:
   `check_encoding` proves they are in the declared encoding (Spark's own decoder would
   silently turn bad bytes into U+FFFD) and the header row is parsed with
   Python's csv module (blank, duplicate and clashing names are rejected; every file must have
   the same header); record ends must not mix CRLF, LF and CR (`check_line_endings`);
2. Spark's CSV reader reads the data with that header as an all-string schema, PERMISSIVE,
   keeping whitespace (CRLF files load with no trailing CR): split into parts parsed in
   parallel when the check found no quoted line break in a UTF-8/ASCII/Latin-1 file, else
   in multiLine mode, each file whole;
   a row with too few fields gets nulls, a row with too many is cut to the header's width,
   and both keep their raw text in `_malformed_record`, so no row is dropped;
3. `_source_file` (the path as `binaryFile` and the error messages spell it) and
   `_source_row_number` (1-based number of the data record within its file) are added.

Empty fields, quoted ("") or not, load as null (Spark's nullValue is ""); whitespace-only
values are kept as they are. Blank lines are skipped by Spark and get no row number.
RFC 4180 quoting: a quote inside a quoted field is written twice ("").
"""

from __future__ import annotations

import csv
from typing import TYPE_CHECKING

from pyspark.errors import AnalysisException
from pyspark.sql import Column, Window
from pyspark.sql import functions as F
from pyspark.sql.types import StringType, StructField, StructType

from customer_segmentation.inputs.encoding import (
    SparkCsvCharset,
    check_encoding,
    codec_name,
    spark_csv_charset,
)
from customer_segmentation.inputs.line_endings import LineEndings, is_wide, raise_on_mixed
from customer_segmentation.inputs.records import InputFile, record_layout, text_stream
from customer_segmentation.inputs.streams import listed_files, read_chunks, stream_opener

if TYPE_CHECKING:
    from collections.abc import Callable, Iterator, Sequence
    from typing import BinaryIO

    from pyspark.sql import DataFrame, SparkSession

MALFORMED_COLUMN = "_malformed_record"
SOURCE_FILE_COLUMN = "_source_file"
SOURCE_ROW_COLUMN = "_source_row_number"
ADDED_COLUMNS = (MALFORMED_COLUMN, SOURCE_FILE_COLUMN, SOURCE_ROW_COLUMN)
# `_metadata` is Spark's hidden file-metadata column: a data column of that name hides it.
RESERVED_COLUMNS = (*ADDED_COLUMNS, "_metadata")
COMPRESSED_SUFFIXES = (".gz", ".bz2", ".deflate", ".lz4", ".snappy", ".zst", ".xz", ".zip")
_SCAN_ORDER_COLUMN = "_customer_input_scan_order"
# Charsets whose line breaks are single bytes, so Hadoop's line reader can split the file.
SPLITTABLE_CHARSETS = frozenset({"UTF-8", "US-ASCII", "ISO-8859-1"})


class CustomerInputError(ValueError):
    """The customers input path, delimiter or header row cannot be read as configured."""


def _settings(prefix: str) -> tuple[str, str, str]:
    """The names of the path, encoding and delimiter settings under prefix."""
    return f"{prefix}.path", f"{prefix}.encoding", f"{prefix}.delimiter"


def _check_arguments(path: object, delimiter: object, prefix: str) -> None:
    """Raise unless path is a non-empty string and delimiter one usable character."""
    path_setting, _, delimiter_setting = _settings(prefix)
    if not isinstance(path, str) or not path.strip():
        raise CustomerInputError(f"`{path_setting}` must be a non-empty path, got {path!r}")
    if not isinstance(delimiter, str) or len(delimiter) != 1 or delimiter in '"\r\n':
        raise CustomerInputError(
            f"`{delimiter_setting}` must be one character other than a quote or a line break, "
            f"got {delimiter!r}"
        )


def parse_header(
    data: bytes | BinaryIO, encoding: str, delimiter: str, source: str
) -> tuple[str, ...]:
    """The column names of the first CSV record of data, without a leading byte-order mark.

    data: the file's bytes or a binary stream of them (only the first record is read).
    """
    text = text_stream(data, encoding)
    try:
        names = next(csv.reader(text, delimiter=delimiter, strict=True))
    except StopIteration:
        raise CustomerInputError(
            f"{source} is empty: expected a header row of column names"
        ) from None
    except csv.Error as exc:
        raise CustomerInputError(f"{source}: cannot parse the header row: {exc}") from None
    if names and names[0].startswith("\ufeff"):
        names[0] = names[0][1:]
    return tuple(names)


def check_header(names: tuple[str, ...], source: str) -> None:
    """Raise unless the header has names, none blank, unique ignoring case, none reserved."""
    if not names:
        raise CustomerInputError(f"{source}: the header row (line 1) is blank")
    blank = [str(position) for position, name in enumerate(names, 1) if not name.strip()]
    if blank:
        raise CustomerInputError(
            f"{source}: the header has blank column names at position {', '.join(blank)} "
            f"(1-based) in {list(names)!r}"
        )
    seen: dict[str, str] = {}
    duplicates: list[str] = []
    for name in names:
        if name.lower() in seen:
            duplicates.append(f"{seen[name.lower()]!r} and {name!r}")
        else:
            seen[name.lower()] = name
    if duplicates:
        raise CustomerInputError(
            f"{source}: the header has duplicate column names (Spark compares names "
            f"case-insensitively): {'; '.join(duplicates)} in {list(names)!r}"
        )
    clashes = [name for name in names if name.lower() in {r.lower() for r in RESERVED_COLUMNS}]
    if clashes:
        raise CustomerInputError(
            f"{source}: the header has column names reserved by the reader: {clashes!r} "
            f"(reserved: {list(RESERVED_COLUMNS)!r})"
        )


def _condition(exc: AnalysisException) -> str | None:
    """The error condition (class) of a Spark exception, e.g. 'PATH_NOT_FOUND'."""
    getter = getattr(exc, "getCondition", None) or exc.getErrorClass
    return getter()


def _check_file(
    open_stream: Callable[[], BinaryIO],
    source: str,
    encoding: str,
    delimiter: str,
    encoding_setting: str,
) -> tuple[int, tuple[str, ...], int, bool]:
    """(bytes, header, data records, is_splittable) of one file, checked, read as streams.

    Three reads of the file, each chunk by chunk: encoding and line ends together, the header
    (first record only), then every record with Python's csv module.
    """
    python_encoding = codec_name(encoding, encoding_setting)
    endings = LineEndings()
    size = 0

    def chunks() -> Iterator[bytes]:
        """The file's chunks, fed to the line-ending scan and counted on the way."""
        nonlocal size
        for chunk in read_chunks(open_stream()):
            size += len(chunk)
            endings.feed(chunk)
            yield chunk

    check_encoding(chunks(), encoding, source, encoding_setting)
    endings.feed(b"", final=True)
    if not is_wide(python_encoding):
        raise_on_mixed(endings.first_seen, source)
    with open_stream() as stream:
        header = parse_header(stream, python_encoding, delimiter, source)
    with open_stream() as stream:
        records, splittable = record_layout(stream, python_encoding, delimiter)
    return size, header, records, splittable


def check_files(
    spark: SparkSession,
    path: str,
    encoding: str = "utf-8",
    delimiter: str = ",",
    setting_prefix: str = "customers_input",
) -> list[InputFile]:
    """Check the encoding and header of every file matched by path, and count its records.

    Spark's binaryFile source lists the files; each is read as a stream in chunks (see
    `streams`: the driver holds a few chunks, or over Spark Connect one whole file). Every
    file must have the same header. Each file's data records are counted with Python's csv
    module (see `records`).
    """
    _check_arguments(path, delimiter, setting_prefix)
    path_setting, encoding_setting, _ = _settings(setting_prefix)
    codec_name(encoding, encoding_setting)  # an unknown encoding fails before any listing
    headers: dict[str, tuple[str, ...]] = {}
    sizes: dict[str, tuple[int, int, bool]] = {}
    try:  # a classic session lists files in load(), Spark Connect at the first action
        files = spark.read.format("binaryFile").load(path)
        opener = stream_opener(spark, files)
        for source in listed_files(files):
            if source.lower().endswith(COMPRESSED_SUFFIXES):
                raise CustomerInputError(
                    f"{source} is compressed; `{path_setting}` must name uncompressed CSV files"
                )
            size, header, *layout = _check_file(
                opener(source), source, encoding, delimiter, encoding_setting
            )
            headers[source] = header
            sizes[source] = (size, *layout)
    except AnalysisException as exc:
        if _condition(exc) != "PATH_NOT_FOUND":
            raise
        raise CustomerInputError(
            f"no files match `{path_setting}` = {path!r}: the path does not exist"
        ) from None
    if not headers:
        raise CustomerInputError(
            f"no files match `{path_setting}` = {path!r}: it names no non-empty file "
            "(Spark skips empty files)"
        )
    first = min(headers)
    check_header(headers[first], first)
    for source in sorted(headers):
        if headers[source] != headers[first]:
            raise CustomerInputError(
                f"{source} has the header {list(headers[source])!r} but {first} has "
                f"{list(headers[first])!r}; every file matched by `{path_setting}` = {path!r} "
                "must have the same header"
            )
    return [
        InputFile(source, *sizes[source][:2], headers[source], sizes[source][2])
        for source in sorted(headers)
    ]


def csv_options(charset: str, delimiter: str, multiline: bool = True) -> dict[str, str]:
    """Spark CSV reader options: header skipped, PERMISSIVE, values kept verbatim.

    multiline: read each file whole (quoted line breaks); else Spark splits files by lines.
    """
    return {
        "header": "true",
        "enforceSchema": "true",
        "multiLine": str(multiline).lower(),
        "encoding": charset,
        "sep": delimiter,
        "quote": '"',
        "escape": '"',  # RFC 4180 (""); Spark's default escape is a backslash
        "mode": "PERMISSIVE",
        "columnNameOfCorruptRecord": MALFORMED_COLUMN,
        "ignoreLeadingWhiteSpace": "false",
        "ignoreTrailingWhiteSpace": "false",
    }


def _quoted(name: str) -> str:
    """name as a backquoted identifier (dots, spaces and backquotes stay part of the name)."""
    return "`" + name.replace("`", "``") + "`"


def _decoded(column: Column, charset: SparkCsvCharset) -> Column:
    """column with the translation of a single-byte encoding read as ISO-8859-1 applied."""
    if not charset.translate_from:
        return column
    return F.translate(column, charset.translate_from, charset.translate_to)


def _malformed(columns: Sequence[Column], charset: SparkCsvCharset) -> Column:
    """The corrupt-record column, tied to every data column so Spark always parses them all.

    Spark refuses a CSV scan whose only required data column is the corrupt-record one
    (UNSUPPORTED_FEATURE.QUERY_ONLY_CORRUPT_RECORD_COLUMN), which `df.where(
    "_malformed_record is not null").count()` would be, and with column pruning a split
    (line-based) scan checks the field count of the required columns only, so a short row
    would pass unflagged. `length(...) >= 0` is always true but no optimizer rule knows it,
    so every column stays required.
    """
    always = F.length(F.concat_ws("", *columns)) >= 0
    return F.when(always, _decoded(F.col(MALFORMED_COLUMN), charset))


def read_customers_file(
    spark: SparkSession,
    path: str,
    encoding: str = "utf-8",
    delimiter: str = ",",
    setting_prefix: str = "customers_input",
    checked: Sequence[InputFile] | None = None,
) -> DataFrame:
    """Read the customers CSV file(s) at path as strings, after checking encoding and header.

    Returns the header's columns in file order, then `_malformed_record` (null, or the raw
    text of a row with too few or too many fields), `_source_file` and `_source_row_number`.
    Errors name the setting to change: `<setting_prefix>.path`, `.encoding` or `.delimiter`.
    `checked`: what check_files already returned for this path (then it is not run again).
    """
    _check_arguments(path, delimiter, setting_prefix)
    charset = spark_csv_charset(encoding, _settings(setting_prefix)[1])
    files = checked or check_files(spark, path, encoding, delimiter, setting_prefix)
    header = files[0].column_names
    schema = StructType(
        [StructField(name, StringType(), True) for name in (*header, MALFORMED_COLUMN)]
    )
    # Split reading parses parts of a file in parallel; only line-based charsets allow it.
    multiline = charset.charset not in SPLITTABLE_CHARSETS or not all(
        file.is_splittable for file in files
    )
    options = csv_options(charset.charset, delimiter, multiline)
    data = spark.read.schema(schema).options(**options).csv(path)
    # _metadata.file_path is URL-encoded ("a%20b.csv"); a '+' in it is a literal plus.
    source_file = F.url_decode(F.regexp_replace(F.col("_metadata.file_path"), r"\+", "%2B"))
    taken = {name.lower() for name in header}
    scan_order = _SCAN_ORDER_COLUMN
    while scan_order.lower() in taken:
        scan_order += "_"
    # A task reads its splits in order, so (split start, scan id) is the order in the file
    # (a multiLine file is one split, read whole by one task).
    scanned = data.select(
        *[_decoded(F.col(_quoted(name)), charset).alias(name) for name in header],
        _malformed([F.col(_quoted(name)) for name in header], charset).alias(MALFORMED_COLUMN),
        source_file.alias(SOURCE_FILE_COLUMN),
        F.col("_metadata.file_block_start").alias(f"{scan_order}_split"),
        F.monotonically_increasing_id().alias(scan_order),
    )
    in_file = Window.partitionBy(SOURCE_FILE_COLUMN).orderBy(f"{scan_order}_split", scan_order)
    numbered = scanned.withColumn(SOURCE_ROW_COLUMN, F.row_number().over(in_file))
    return numbered.drop(scan_order, f"{scan_order}_split")

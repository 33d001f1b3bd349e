"""The loader's own count of every input file's records, independent of Spark's CSV parser.

While the loader checks a file's bytes it also parses them with Python's csv module and
counts the data records (header excluded, blank lines skipped as Spark skips them). The
reconciliation mart compares that count with the rows staging received, so a parser that
drops or merges rows fails the build instead of passing silently. (For the seed, the adapter
records the row count dbt itself parsed as a table property of the seed.)
"""

from __future__ import annotations

import csv
import io
from dataclasses import dataclass
from typing import TYPE_CHECKING

from pyspark.sql.types import (
    ArrayType,
    BooleanType,
    LongType,
    StringType,
    StructField,
    StructType,
)

if TYPE_CHECKING:
    from collections.abc import Sequence
    from typing import BinaryIO

    from pyspark.sql import DataFrame, SparkSession

INPUT_FILES_SCHEMA = StructType(
    [
        StructField("source_file", StringType(), False),
        StructField("byte_count", LongType(), False),
        StructField("record_count", LongType(), False),
        StructField("column_names", ArrayType(StringType(), False), False),
        StructField("input_path", StringType(), False),
        StructField("encoding", StringType(), False),
        StructField("delimiter", StringType(), False),
        StructField("is_splittable", BooleanType(), False),
    ]
)


class StaleInputFilesError(ValueError):
    """The checked input files were checked for other settings than the reader now has."""


@dataclass(frozen=True)
class InputFile:
    """One checked input file: where it is, its size, its data records and its header.

    is_splittable: Spark may split the file and parse the parts in parallel: no quoted field
    holds a line break and no line is whitespace only (a split scan would skip it, a
    multiLine scan, which reads each file whole, keeps it as a record).
    """

    source_file: str
    byte_count: int
    record_count: int
    column_names: tuple[str, ...]
    is_splittable: bool = False


def text_stream(data: bytes | BinaryIO, encoding: str) -> io.TextIOWrapper:
    """data (bytes, or a binary stream read from where it stands) as text for csv.reader.

    Decoded as it is read: memory holds the stream's buffer and one record, not the file.
    """
    stream = io.BytesIO(data) if isinstance(data, bytes | bytearray | memoryview) else data
    return io.TextIOWrapper(stream, encoding=encoding, newline="")


def record_layout(data: bytes | BinaryIO, encoding: str, delimiter: str = ",") -> tuple[int, bool]:
    """(data records, whether Spark may split the file) of CSV bytes, by Python's csv module.

    data: the file's bytes or a binary stream of them (read to its end, record by record).
    Records are the non-blank ones minus the header. Not splittable: a record spans lines
    (the reader consumed more physical lines than it returned records: a quoted line break)
    or a line is whitespace only.
    """
    text = text_stream(data, encoding)
    reader = csv.reader(text, delimiter=delimiter)
    returned = records = 0
    whitespace_line = False
    for record in reader:
        returned += 1
        records += bool(record)
        if len(record) == 1 and record[0] and not record[0].strip():
            whitespace_line = True
    return max(records - 1, 0), reader.line_num == returned and not whitespace_line


def count_records(data: bytes | BinaryIO, encoding: str, delimiter: str = ",") -> int:
    """Data records of CSV bytes by Python's csv module: non-blank records minus the header."""
    return record_layout(data, encoding, delimiter)[0]


def input_files_frame(
    spark: SparkSession, files: Sequence[InputFile], path: str, encoding: str, delimiter: str
) -> DataFrame:
    """One row per checked input file, with the path, encoding and delimiter it was checked for."""
    rows = [
        (
            file.source_file,
            file.byte_count,
            file.record_count,
            list(file.column_names),
            path,
            encoding,
            delimiter,
            file.is_splittable,
        )
        for file in sorted(files, key=lambda file: file.source_file)
    ]
    return spark.createDataFrame(rows, INPUT_FILES_SCHEMA)


def input_files_of(
    frame: DataFrame,
    path: str,
    encoding: str,
    delimiter: str,
    setting_prefix: str = "customers_input",
    files_model: str = "customers_input_files",
    file_model: str = "customers_file",
) -> list[InputFile]:
    """The InputFile list back from a frame of input_files_frame, checked for these settings.

    Raises StaleInputFilesError when the frame was checked for another path, encoding or
    delimiter (the input-files model was not rebuilt after the settings changed).
    """
    rows = frame.orderBy("source_file").collect()
    stale = [
        row
        for row in rows
        if (row.input_path, row.encoding, row.delimiter) != (path, encoding, delimiter)
    ]
    if stale or not rows:
        checked = (stale or [None])[0]
        was = (
            "nothing"
            if checked is None
            else (
                f"path {checked.input_path!r}, encoding {checked.encoding!r}, "
                f"delimiter {checked.delimiter!r}"
            )
        )
        raise StaleInputFilesError(
            f"{files_model} was checked for {was}, but `{setting_prefix}` now has path "
            f"{path!r}, encoding {encoding!r}, delimiter {delimiter!r}: build it first "
            f"(dbt build --select +{file_model})"
        )
    return [
        InputFile(
            row.source_file,
            row.byte_count,
            row.record_count,
            tuple(row.column_names),
            row.is_splittable,
        )
        for row in rows
    ]

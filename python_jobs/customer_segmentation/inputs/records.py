"""The loader's own count of every input file's records, independent of Spark's CSV parser.

While the loader checks a file's bytes it also parses them with Python's csv module and
counts the data records (header excluded, blank lines skipped as Spark skips them). The
reconciliation mart compares that count with the rows staging received, so a parser that
drops or merges rows fails the build instead of passing silently. For the seed, the same
count is taken of the CSV file dbt loads (dbt parses seeds with Python's csv module too).
"""

from __future__ import annotations

import csv
import io
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

from pyspark.sql.types import ArrayType, LongType, StringType, StructField, StructType

if TYPE_CHECKING:
    from collections.abc import Sequence

    from pyspark.sql import DataFrame, SparkSession

INPUT_FILES_SCHEMA = StructType(
    [
        StructField("source_file", StringType(), False),
        StructField("byte_count", LongType(), False),
        StructField("record_count", LongType(), False),
        StructField("column_names", ArrayType(StringType(), False), False),
    ]
)


@dataclass(frozen=True)
class InputFile:
    """One checked input file: where it is, its size, its data records and its header."""

    source_file: str
    byte_count: int
    record_count: int
    column_names: tuple[str, ...]


def count_records(data: bytes, encoding: str, delimiter: str = ",") -> int:
    """Data records of CSV bytes by Python's csv module: non-blank records minus the header."""
    text = io.TextIOWrapper(io.BytesIO(data), encoding=encoding, newline="")
    records = sum(1 for record in csv.reader(text, delimiter=delimiter) if record)
    return max(records - 1, 0)


def seed_input_file(path: str | Path, delimiter: str = ",") -> InputFile:
    """The seed CSV file dbt loads, counted as dbt parses it (UTF-8, Python's csv module).

    Read from the local disk of the dbt process, where dbt itself reads seeds, on any target.
    """
    data = Path(path).read_bytes()
    text = io.TextIOWrapper(io.BytesIO(data), encoding="utf-8-sig", newline="")
    header = next(csv.reader(text, delimiter=delimiter), [])
    return InputFile(
        source_file=str(path),
        byte_count=len(data),
        record_count=count_records(data, "utf-8", delimiter),
        column_names=tuple(header),
    )


def input_files_frame(spark: SparkSession, files: Sequence[InputFile]) -> DataFrame:
    """One row per checked input file (source_file, byte_count, record_count, column_names)."""
    rows = [
        (file.source_file, file.byte_count, file.record_count, list(file.column_names))
        for file in sorted(files, key=lambda file: file.source_file)
    ]
    return spark.createDataFrame(rows, INPUT_FILES_SCHEMA)


def input_files_of(frame: DataFrame) -> list[InputFile]:
    """The InputFile list back from a frame of input_files_frame (e.g. a dbt ref)."""
    return [
        InputFile(row.source_file, row.byte_count, row.record_count, tuple(row.column_names))
        for row in frame.orderBy("source_file").collect()
    ]

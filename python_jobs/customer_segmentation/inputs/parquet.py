"""Read Parquet input files like the CSV loader reads CSV: every column as text, nothing lost.

Parquet carries its own schema and row count, so there is no encoding or field count to check:
`parquet_input_files` lists the files with the row count of each footer (one row per file, the
shape `input_files_frame` gives CSV files) and `read_parquet_input` returns every data column
cast to string plus `_malformed_record` (always null), `_source_file` and `_source_row_number`
(the row's 1-based position in its file), so staging treats both formats alike.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from pyspark.errors import AnalysisException
from pyspark.sql import functions as F
from pyspark.sql.types import StringType

from customer_segmentation.inputs.reader import (
    MALFORMED_COLUMN,
    RESERVED_COLUMNS,
    SOURCE_FILE_COLUMN,
    SOURCE_ROW_COLUMN,
    CustomerInputError,
)

if TYPE_CHECKING:
    from pyspark.sql import Column, DataFrame, SparkSession


def _source_file() -> Column:
    """The file a row came from, spelled as the CSV loader spells it (URL-decoded)."""
    return F.url_decode(F.regexp_replace(F.col("_metadata.file_path"), r"\+", "%2B"))


def _load(spark: SparkSession, path: str, setting_prefix: str) -> DataFrame:
    """The Parquet data at path; a missing path or a clash with an added column fails clearly."""
    try:
        data = spark.read.parquet(path)
        columns = data.columns
    except AnalysisException as exc:
        raise CustomerInputError(
            f"`{setting_prefix}.path` = {path!r} cannot be read as Parquet: "
            f"{str(exc).splitlines()[0]}"
        ) from None
    clashes = sorted({name for name in columns if name.lower() in RESERVED_COLUMNS})
    if clashes:
        raise CustomerInputError(
            f"{path!r} has columns {clashes}, names the loader adds itself; rename them"
        )
    return data


def parquet_input_files(spark: SparkSession, path: str, setting_prefix: str) -> DataFrame:
    """One row per Parquet file path matches: rows in its footer, size, column names."""
    data = _load(spark, path, setting_prefix)
    names = F.array(*[F.lit(name) for name in data.columns])
    return (
        data.select(_source_file().alias("source_file"), F.col("_metadata.file_size"))
        .groupBy("source_file")
        .agg(F.max("file_size").alias("byte_count"), F.count(F.lit(1)).alias("record_count"))
        .select(
            "source_file",
            "byte_count",
            "record_count",
            names.alias("column_names"),
            F.lit(path).alias("input_path"),
            F.lit("parquet").alias("encoding"),
            F.lit("").alias("delimiter"),
            F.lit(True).alias("is_splittable"),
        )
    )


def read_parquet_input(spark: SparkSession, path: str, setting_prefix: str) -> DataFrame:
    """Every row of the Parquet file(s) at path, each column as text, plus the added columns."""
    data = _load(spark, path, setting_prefix)
    return data.select(
        *[F.col(f"`{name}`").cast(StringType()).alias(name) for name in data.columns],
        F.lit(None).cast(StringType()).alias(MALFORMED_COLUMN),
        _source_file().alias(SOURCE_FILE_COLUMN),
        (F.col("_metadata.row_index") + 1).cast("int").alias(SOURCE_ROW_COLUMN),
    )

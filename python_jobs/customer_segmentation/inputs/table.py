"""Read an existing table (a dbt source, any table Spark's catalog knows) like an input file.

A table has no bytes to check and no header to parse: `table_input_files` gives one row (the
shape `input_files_frame` gives a CSV file) with the table's row count, and
`read_table_input` returns every column cast to string plus `_malformed_record` (always null),
`_source_file` (the table's name) and `_source_row_number`, so staging, the checks and the
reconciliation treat it as they treat a file. Spark reads the table in parallel; nothing
comes to the driver but the count.

Row numbers are deterministic: a file-based table with Parquet files numbers its rows in the
order of (file path, row in the file), counting each file's rows from where the previous
file's ended (computed in parallel, a window only over the list of files); any other table
numbers them in the order of all its values (one sorted partition: slower on a very large
table).
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from pyspark.errors import AnalysisException
from pyspark.sql import Window
from pyspark.sql import functions as F
from pyspark.sql.types import StringType

from customer_segmentation.inputs.reader import (
    MALFORMED_COLUMN,
    RESERVED_COLUMNS,
    SOURCE_FILE_COLUMN,
    SOURCE_ROW_COLUMN,
    CustomerInputError,
    _quoted,
)

if TYPE_CHECKING:
    from pyspark.sql import DataFrame, SparkSession

_FILE = "_input_table_file"
_INDEX = "_input_table_row_index"
_OFFSET = "_input_table_file_offset"


def _load(spark: SparkSession, name: str, setting_prefix: str) -> DataFrame:
    """The table name; a table Spark does not know or a clash with an added column fails."""
    try:
        data = spark.table(name)
        columns = data.columns  # Spark Connect resolves the name only now
    except AnalysisException as exc:
        raise CustomerInputError(
            f"`{setting_prefix}.path` = {name!r} (with `{setting_prefix}.format: table`) is not "
            f"a table Spark's catalog knows: {str(exc).splitlines()[0]}"
        ) from None
    clashes = sorted({column for column in columns if column.lower() in RESERVED_COLUMNS})
    if clashes:
        raise CustomerInputError(
            f"table {name!r} has columns {clashes}, names the loader adds itself; rename them "
            "in a view and read that"
        )
    return data


def _as_text(data: DataFrame) -> list:
    """Every data column of data cast to string, under its own name."""
    return [F.col(_quoted(name)).cast(StringType()).alias(name) for name in data.columns]


def table_input_files(spark: SparkSession, name: str, setting_prefix: str) -> DataFrame:
    """One row for the table: its name, its row count (as record_count) and its columns."""
    data = _load(spark, name, setting_prefix)
    names = F.array(*[F.lit(column) for column in data.columns])
    return data.agg(F.count(F.lit(1)).alias("record_count")).select(
        F.lit(name).alias("source_file"),
        F.lit(None).cast("bigint").alias("byte_count"),
        "record_count",
        names.alias("column_names"),
        F.lit(name).alias("input_path"),
        F.lit("table").alias("encoding"),
        F.lit("").alias("delimiter"),
        F.lit(True).alias("is_splittable"),
    )


def _is_parquet_table(spark: SparkSession, name: str) -> bool:
    """Tell whether name is a data source table of Parquet files (its rows have row indexes)."""
    try:
        described = spark.sql(f"describe table extended {name}").collect()
    except AnalysisException:  # e.g. a temporary view's name in another session's syntax
        return False
    return any(
        row.col_name == "Provider" and str(row.data_type).lower() == "parquet" for row in described
    )


def _located(spark: SparkSession, name: str, data: DataFrame) -> DataFrame | None:
    """data's text columns with each row's file and row index, or None for another table.

    Asked of the catalog first: probing `_metadata` of a view would log a Spark error.
    """
    if not _is_parquet_table(spark, name):
        return None
    try:
        located = data.select(
            *_as_text(data),
            F.col("_metadata.file_path").alias(_FILE),
            F.col("_metadata.row_index").alias(_INDEX),
        )
        located.schema  # noqa: B018 (Spark Connect analyses the plan only now)
    except AnalysisException:  # a Parquet table Spark reads some other way
        return None
    return located


def read_table_input(spark: SparkSession, name: str, setting_prefix: str) -> DataFrame:
    """Every row of the table, each column as text, plus the added columns (see module doc)."""
    data = _load(spark, name, setting_prefix)
    columns = [F.col(_quoted(column)) for column in data.columns]
    located = _located(spark, name, data)
    if located is None:
        in_value_order = Window.orderBy(*[column.asc_nulls_first() for column in columns])
        numbered = data.select(*_as_text(data)).withColumn(
            SOURCE_ROW_COLUMN, F.row_number().over(in_value_order)
        )
    else:
        per_file = located.groupBy(_FILE).agg(F.count(F.lit(1)).alias("rows"))
        offsets = per_file.select(
            _FILE, (F.sum("rows").over(Window.orderBy(_FILE)) - F.col("rows")).alias(_OFFSET)
        )
        numbered = located.join(F.broadcast(offsets), _FILE).withColumn(
            SOURCE_ROW_COLUMN, (F.col(_OFFSET) + F.col(_INDEX) + 1).cast("int")
        )
    return numbered.select(
        *columns,
        F.lit(None).cast(StringType()).alias(MALFORMED_COLUMN),
        F.lit(name).alias(SOURCE_FILE_COLUMN),
        F.col(SOURCE_ROW_COLUMN).cast("int").alias(SOURCE_ROW_COLUMN),
    )

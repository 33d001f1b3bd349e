"""Load an arbitrary customers CSV file with Spark, safely, for a dbt Python model.

    customers = read_customers_file(spark, path, encoding="latin-1", delimiter=",")

checks every matched file's bytes against the declared encoding (and against mojibake), checks
the header row, then reads all values as strings with `_malformed_record`, `_source_file` and
`_source_row_number` columns added. See `.reader`, `.encoding` and `.streams` (how the bytes
reach the driver, chunk by chunk). Parquet (`.parquet`) and existing tables (`.table`) come in
with the same added columns.
"""

from customer_segmentation.inputs.encoding import (
    InputEncodingError,
    SparkCsvCharset,
    check_encoding,
    spark_csv_charset,
)
from customer_segmentation.inputs.line_endings import MixedLineEndingsError, check_line_endings
from customer_segmentation.inputs.parquet import parquet_input_files, read_parquet_input
from customer_segmentation.inputs.reader import (
    ADDED_COLUMNS,
    MALFORMED_COLUMN,
    SOURCE_FILE_COLUMN,
    SOURCE_ROW_COLUMN,
    CustomerInputError,
    check_files,
    read_customers_file,
)
from customer_segmentation.inputs.records import (
    InputFile,
    StaleInputFilesError,
    count_records,
    input_files_frame,
    input_files_of,
    record_layout,
)
from customer_segmentation.inputs.table import read_table_input, table_input_files

__all__ = [
    "ADDED_COLUMNS",
    "MALFORMED_COLUMN",
    "SOURCE_FILE_COLUMN",
    "SOURCE_ROW_COLUMN",
    "CustomerInputError",
    "InputEncodingError",
    "InputFile",
    "MixedLineEndingsError",
    "SparkCsvCharset",
    "StaleInputFilesError",
    "check_encoding",
    "check_files",
    "check_line_endings",
    "count_records",
    "input_files_frame",
    "input_files_of",
    "parquet_input_files",
    "read_customers_file",
    "read_parquet_input",
    "read_table_input",
    "record_layout",
    "spark_csv_charset",
    "table_input_files",
]

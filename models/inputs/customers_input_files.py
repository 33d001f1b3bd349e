"""Every file `customers_input.path` matches (or its table), checked, with its record count."""

from customer_segmentation.inputs import (
    check_files,
    input_files_frame,
    parquet_input_files,
    table_input_files,
)

SETTING = "customers_input"


def model(dbt, session):
    """One row per input file (a CSV file's count by Python's csv module) or for the table."""
    settings = dbt.config.get("customers_input")
    path = settings["path"]
    input_format = settings.get("format", "csv")
    if input_format == "parquet":
        return parquet_input_files(session, path, SETTING)
    if input_format == "table":
        return table_input_files(session, path, SETTING)
    encoding = settings.get("encoding", "utf-8")
    delimiter = settings.get("delimiter", ",")
    files = check_files(session, path, encoding=encoding, delimiter=delimiter)
    return input_files_frame(session, files, path, encoding, delimiter)

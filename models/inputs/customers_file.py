"""The customers named by the `customers_input` var (CSV, Parquet or a table), as text columns."""

from customer_segmentation.inputs import (
    input_files_of,
    read_customers_file,
    read_parquet_input,
    read_table_input,
)

SETTING = "customers_input"


def model(dbt, session):
    """Every row of the input, its columns as in its header, plus row number and parse problems."""
    settings = dbt.config.get("customers_input")
    path = settings["path"]
    files = dbt.ref("customers_input_files")
    input_format = settings.get("format", "csv")
    if input_format == "parquet":
        return read_parquet_input(session, path, SETTING)
    if input_format == "table":
        return read_table_input(session, path, SETTING)
    encoding = settings.get("encoding", "utf-8")
    delimiter = settings.get("delimiter", ",")
    checked = input_files_of(files, path, encoding, delimiter)
    return read_customers_file(
        session, path, encoding=encoding, delimiter=delimiter, checked=checked
    )

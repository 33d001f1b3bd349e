"""The order-lines file(s) named by `transactions_input.path`, read by Spark as text columns."""

from customer_segmentation.inputs import input_files_of, read_customers_file, read_parquet_input

SETTING = "transactions_input"


def model(dbt, session):
    """Every line of the file(s), columns as in the header, plus row number and parse problems."""
    settings = dbt.config.get("transactions_input")
    path = settings["path"]
    files = dbt.ref("order_lines_input_files")
    if settings.get("format", "csv") == "parquet":
        return read_parquet_input(session, path, SETTING)
    encoding = settings.get("encoding", "utf-8")
    delimiter = settings.get("delimiter", ",")
    checked = input_files_of(
        files, path, encoding, delimiter, SETTING, "order_lines_input_files", "order_lines_file"
    )
    return read_customers_file(
        session,
        path,
        encoding=encoding,
        delimiter=delimiter,
        setting_prefix=SETTING,
        checked=checked,
    )
